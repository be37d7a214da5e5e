public import Foundation

/// Posts each message as JSON to an HTTP endpoint of the operator's own.
///
/// ```
/// POST <url>
/// Content-Type: application/json; charset=utf-8
/// Idempotency-Key: <delivery id>
/// X-Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>   (with a secret)
///
/// {"content":"…","delivery_id":"…","format":"text","recipient":{"kind":"phone","value":"+86…"}, …}
/// ```
///
/// The body's fields are those of the `log` sink's lines without `at` and `channel`: `content`,
/// `delivery_id`, `format`, `recipient` {`kind`, `value`}, and when set `mentioned_mobiles`,
/// `params` and `template_id`. Any 2xx is delivered, its JSON `message_id`, `id` or `msgid` taken as the
/// provider's id; other statuses are classified as ``HTTPDeliveryAttempt`` says.
public struct WebhookChannelAdapter: ChannelAdapter {
    public let url: URL
    public let timeout: Duration
    private let secret: String?
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    public init(
        url: URL, secret: String? = nil, timeout: Duration = .seconds(10), transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.transport = transport
        self.now = now
    }

    public var kind: ChannelKind { .webhook }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        let attempt = HTTPDeliveryAttempt(channel: kind, transport: transport)
        let body: [UInt8]
        do {
            body = try ChannelJSON.encode(MessageEnvelope(message))
        } catch {
            return attempt.refuse(
                message, ChannelFailure(code: .badMessage, reason: "cannot encode the message: \(error)"),
                onAttempt: onAttempt)
        }
        var headers = [
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.idempotencyKey,
            "User-Agent": "Hearth",
        ]
        if let secret {
            headers[WebhookSignature.headerName] = WebhookSignature.header(
                secret: secret, timestamp: Int64(now().timeIntervalSince1970.rounded(.down)), body: body)
        }
        let request = HTTPTransportRequest(url: url, headers: headers, body: body, timeout: timeout)
        return await attempt.perform(request, for: message, onAttempt: onAttempt) { response in
            .delivered(providerMessageID: ChannelJSON.providerMessageID(in: response.body))
        }
    }
}
