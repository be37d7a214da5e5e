/// One POST by an HTTP adapter: sends, times and classifies it, and reports the attempt.
///
/// Classification before the adapter reads a 2xx body:
/// - no answer: timeout and connection errors are retryable; a bad URL or a TLS failure is
///   permanent (bad configuration); cancellation is retryable with code `cancelled`;
/// - 5xx, 408, 425 and 429 are retryable (429 as `rateLimited`), with `Retry-After` in seconds
///   carried over when given;
/// - every other non-2xx status (4xx, an unfollowed 3xx) is permanent.
struct HTTPDeliveryAttempt {
    var channel: ChannelKind
    var transport: any HTTPTransport

    /// Sends `request` for `message`; `interpret` reads a 2xx answer.
    func perform(
        _ request: HTTPTransportRequest, for message: ChannelMessage, onAttempt: ChannelAttemptHandler,
        interpret: (HTTPTransportResponse) -> ChannelSendResult
    ) async -> ChannelSendResult {
        let clock = ContinuousClock()
        let start = clock.now
        let result: ChannelSendResult
        var status: Int? = nil
        var transportError: String? = nil
        switch await transport.send(request) {
        case .success(let response):
            status = response.status
            result = (200..<300).contains(response.status) ? interpret(response) : Self.classify(response)
        case .failure(let error):
            transportError = error.description
            result = Self.classify(error)
        }
        onAttempt(
            ChannelAttempt(
                deliveryID: message.deliveryID, channel: channel, number: 1, httpStatus: status,
                transportError: transportError, duration: start.duration(to: clock.now), result: result))
        return result
    }

    /// Refuses `message` before anything is sent, still reporting it as an attempt so the refusal
    /// is on record.
    func refuse(_ message: ChannelMessage, _ failure: ChannelFailure, onAttempt: ChannelAttemptHandler)
        -> ChannelSendResult
    {
        let result = ChannelSendResult.permanent(failure)
        onAttempt(
            ChannelAttempt(deliveryID: message.deliveryID, channel: channel, number: 1, duration: .zero, result: result)
        )
        return result
    }

    static func classify(_ response: HTTPTransportResponse) -> ChannelSendResult {
        let status = response.status
        let reason = "HTTP \(status)\(snippet(of: response.body))"
        let retryAfter = response.header("retry-after").flatMap { Int($0.trimmingSpaces) }.map { Duration.seconds($0) }
        switch status {
        case 429:
            return .retryable(
                ChannelFailure(code: .rateLimited, reason: reason, httpStatus: status, retryAfter: retryAfter))
        case 408, 425, 500...599:
            return .retryable(
                ChannelFailure(code: .httpStatus, reason: reason, httpStatus: status, retryAfter: retryAfter))
        case 300...399:
            return .permanent(
                ChannelFailure(
                    code: .badConfiguration, reason: "\(reason) (a redirect: point the channel at the final URL)",
                    httpStatus: status))
        default:
            return .permanent(ChannelFailure(code: .httpStatus, reason: reason, httpStatus: status))
        }
    }

    static func classify(_ error: HTTPTransportError) -> ChannelSendResult {
        switch error.code {
        case .timedOut:
            return .retryable(ChannelFailure(code: .timeout, reason: error.message))
        case .cancelled:
            return .retryable(ChannelFailure(code: .cancelled, reason: error.message))
        case .badURL, .tls:
            return .permanent(ChannelFailure(code: .badConfiguration, reason: error.message))
        default:
            return .retryable(ChannelFailure(code: .connection, reason: error.message))
        }
    }

    /// `": <first 200 bytes of the body>"`, or nothing for an empty body.
    static func snippet(of body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return ": " + text + (body.count > 200 ? "…" : "")
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
