import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// ``HTTPTransport`` over Foundation's `URLSession` (libcurl and the system's OpenSSL on Linux).
///
/// One instance holds one ephemeral session (no cookies, no cache) and may be shared by every
/// adapter of a process. The timeout is enforced here, racing the request against a sleep, because
/// swift-corelibs-foundation rounds `URLRequest.timeoutInterval` down to whole seconds (so a
/// sub-second timeout would fire at once); the request's own interval is only a backstop.
public final class URLSessionHTTPTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: URLSession is thread-safe, but swift-corelibs-foundation does not say so.
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    private typealias Outcome = Result<HTTPTransportResponse, HTTPTransportError>

    public func send(_ request: HTTPTransportRequest) async -> Result<HTTPTransportResponse, HTTPTransportError> {
        let timeout = request.timeout
        return await withTaskGroup(of: Outcome.self, returning: Outcome.self) { group in
            group.addTask { await self.perform(request) }
            group.addTask { await Self.expire(after: timeout) }
            let first =
                await group.next()
                ?? .failure(HTTPTransportError(code: .cancelled, message: "the send was cancelled"))
            group.cancelAll()
            return first
        }
    }

    private func perform(_ request: HTTPTransportRequest) async -> Outcome {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = Data(request.body)
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        urlRequest.timeoutInterval = request.timeout.inSeconds.rounded(.up) + 1
        do {
            let (data, response) = try await session.data(for: urlRequest, delegate: nil)
            guard let http = response as? HTTPURLResponse else {
                return .failure(HTTPTransportError(code: .other, message: "the answer was not HTTP"))
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let name = key as? String, let text = value as? String {
                    headers[name.lowercased()] = text
                }
            }
            return .success(HTTPTransportResponse(status: http.statusCode, headers: headers, body: Array(data)))
        } catch {
            return .failure(Self.transportError(for: error, host: Self.hostDescription(request.url)))
        }
    }

    private static func expire(after timeout: Duration) async -> Outcome {
        do {
            try await Task.sleep(for: timeout)
            return .failure(HTTPTransportError(code: .timedOut, message: "no answer within \(timeout)"))
        } catch {
            return .failure(HTTPTransportError(code: .cancelled, message: "the send was cancelled"))
        }
    }

    /// Maps what URLSession threw; `host` names the peer without the URL's query (which may hold a
    /// robot's key).
    static func transportError(for error: any Error, host: String) -> HTTPTransportError {
        if error is CancellationError {
            return HTTPTransportError(code: .cancelled, message: "the send was cancelled")
        }
        guard let urlError = error as? URLError else {
            return HTTPTransportError(code: .other, message: "\(error)")
        }
        let number = urlError.code.rawValue
        switch urlError.code {
        case .timedOut:
            return HTTPTransportError(code: .timedOut, message: "timed out (URLError \(number))")
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return HTTPTransportError(
                code: .cannotConnect, message: "cannot connect to \(host) (URLError \(number))")
        case .networkConnectionLost:
            return HTTPTransportError(code: .connectionLost, message: "the connection was lost (URLError \(number))")
        case .badURL, .unsupportedURL:
            return HTTPTransportError(code: .badURL, message: "the URL cannot be requested (URLError \(number))")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return HTTPTransportError(code: .tls, message: "TLS failed (URLError \(number))")
        case .cancelled:
            return HTTPTransportError(code: .cancelled, message: "the send was cancelled")
        default:
            return HTTPTransportError(code: .other, message: "URLError \(number): \(urlError.localizedDescription)")
        }
    }

    private static func hostDescription(_ url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host
        else { return "the host" }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
