public import Foundation

/// Sends an SMS through an HTTP gateway of the operator's (its own service, or a thin bridge to a
/// cloud SMS provider), posting one JSON object per message:
///
/// ```
/// POST <url>
/// Content-Type: application/json; charset=utf-8
/// Idempotency-Key: <delivery id>
/// X-Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>   (with a secret)
///
/// {"idempotency_key":"<delivery id>","params":{"code":"VIP20"},"phone":"+8613800001111",
///  "sign_name":"Hearth","template_id":"SMS_240915"}
/// ```
///
/// `phone` is E.164; `params` maps the template's placeholders to values; `sign_name` (the
/// approved SMS signature, 短信签名) appears only when configured. The gateway should answer 2xx
/// once it has accepted the message, with a JSON `message_id` (or `id`) naming it, and should
/// answer a repeated `idempotency_key` with the first answer instead of sending again. Other
/// statuses are classified as ``HTTPDeliveryAttempt`` says (4xx permanent, 5xx retryable).
///
/// A message without a template or without a phone number is refused before sending.
public struct SMSWebhookChannelAdapter: ChannelAdapter {
    public let url: URL
    public let signName: String?
    public let timeout: Duration
    private let secret: String?
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    public init(
        url: URL, secret: String? = nil, signName: String? = nil, timeout: Duration = .seconds(10),
        transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.secret = secret
        self.signName = signName
        self.timeout = timeout
        self.transport = transport
        self.now = now
    }

    public var kind: ChannelKind { .smsWebhook }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        let attempt = HTTPDeliveryAttempt(channel: kind, transport: transport)
        guard case .phone(let phone) = message.recipient, Self.isE164(phone) else {
            return attempt.refuse(
                message,
                ChannelFailure(
                    code: .badMessage,
                    reason: "sms_webhook sends to E.164 phone numbers only, not \(message.recipient.kindName) "
                        + "\"\(message.recipient.value)\""),
                onAttempt: onAttempt)
        }
        guard let template = message.template, !template.id.isEmpty else {
            return attempt.refuse(
                message, ChannelFailure(code: .badMessage, reason: "sms_webhook needs a template id"),
                onAttempt: onAttempt)
        }
        let payload = SMSGatewayPayload(
            idempotencyKey: message.idempotencyKey, params: template.params, phone: phone, signName: signName,
            templateID: template.id)
        let body: [UInt8]
        do {
            body = try ChannelJSON.encode(payload)
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

    /// `+`, then 8 to 15 digits, the first not 0.
    static func isE164(_ phone: String) -> Bool {
        let digits = phone.utf8.dropFirst()
        return phone.utf8.first == UInt8(ascii: "+") && (8...15).contains(digits.count)
            && digits.first != UInt8(ascii: "0")
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// The gateway's request body.
struct SMSGatewayPayload: Encodable {
    var idempotencyKey: String
    var params: [String: String]
    var phone: String
    var signName: String?
    var templateID: String

    enum CodingKeys: String, CodingKey {
        case params, phone
        case idempotencyKey = "idempotency_key"
        case signName = "sign_name"
        case templateID = "template_id"
    }
}
