public import Foundation

/// Sends one HTTP request: the seam between the adapters and the network, so tests and other
/// clients can stand in for ``URLSessionHTTPTransport``.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the answer whatever its status; fails only when no answer
    /// arrived within `request.timeout` (or at all). Never follows redirects on its own account:
    /// a 3xx is an answer like any other.
    func send(_ request: HTTPTransportRequest) async -> Result<HTTPTransportResponse, HTTPTransportError>
}

public struct HTTPTransportRequest: Hashable, Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: [UInt8]
    /// From the start of the request to the end of the answer.
    public var timeout: Duration

    public init(method: String = "POST", url: URL, headers: [String: String] = [:], body: [UInt8], timeout: Duration) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPTransportResponse: Hashable, Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// The value of header `name`, in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// No answer arrived.
public struct HTTPTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No complete answer within the request's timeout.
        public static let timedOut = Code("timedOut")
        /// The host could not be found or refused the connection.
        public static let cannotConnect = Code("cannotConnect")
        /// The connection broke before the answer was complete.
        public static let connectionLost = Code("connectionLost")
        /// The URL cannot be requested (bad form, unsupported scheme).
        public static let badURL = Code("badURL")
        /// TLS failed: an untrusted, expired or mismatched certificate.
        public static let tls = Code("tls")
        /// The sending task was cancelled.
        public static let cancelled = Code("cancelled")
        /// Anything else.
        public static let other = Code("other")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
