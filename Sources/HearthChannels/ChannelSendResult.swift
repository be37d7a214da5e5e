/// How one send ended, as the outbox records it.
public enum ChannelSendResult: Hashable, Sendable {
    /// The channel accepted the message; `providerMessageID` is its id for it when it gives one.
    case delivered(providerMessageID: String?)
    /// Worth trying again later with the same delivery id: a 5xx, a timeout, a connection error,
    /// a rate limit.
    case retryable(ChannelFailure)
    /// Trying again will not help: a 4xx, a refused configuration, a message the channel cannot
    /// carry. The operator has to fix something first.
    case permanent(ChannelFailure)

    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    /// The failure, for either kind of failed send.
    public var failure: ChannelFailure? {
        switch self {
        case .delivered: nil
        case .retryable(let failure), .permanent(let failure): failure
        }
    }
}

/// Why a send failed, with what the channel answered.
public struct ChannelFailure: Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The HTTP status says so (see ``ChannelFailure/httpStatus``).
        public static let httpStatus = Code("httpStatus")
        /// No answer within the timeout. The message may have arrived: retry with the same id.
        public static let timeout = Code("timeout")
        /// The connection could not be made or was lost.
        public static let connection = Code("connection")
        /// The channel asks us to slow down (HTTP 429, a robot's per-minute limit).
        public static let rateLimited = Code("rateLimited")
        /// The channel answered with an error code of its own (see ``ChannelFailure/providerCode``).
        public static let providerError = Code("providerError")
        /// The channel answered something we cannot read.
        public static let badResponse = Code("badResponse")
        /// This message cannot go through this channel (no phone number for SMS, too long…).
        public static let badMessage = Code("badMessage")
        /// The channel's configuration is wrong (bad URL, TLS failure, refused key or signature).
        public static let badConfiguration = Code("badConfiguration")
        /// The log sink could not be written (disk full, permissions).
        public static let sinkUnavailable = Code("sinkUnavailable")
        /// The sending task was cancelled (pause, shutdown). Whether it arrived is unknown.
        public static let cancelled = Code("cancelled")
    }

    public var code: Code
    /// A sentence an operator can act on.
    public var reason: String
    public var httpStatus: Int?
    /// The channel's own error code (WeCom's or DingTalk's `errcode`).
    public var providerCode: Int?
    /// How long the channel asked us to wait (`Retry-After`), if it said.
    public var retryAfter: Duration?

    public init(
        code: Code, reason: String, httpStatus: Int? = nil, providerCode: Int? = nil, retryAfter: Duration? = nil
    ) {
        self.code = code
        self.reason = reason
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(reason)" }
}
