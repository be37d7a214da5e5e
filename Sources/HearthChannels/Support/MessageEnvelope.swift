import Foundation

/// The JSON form of a ``ChannelMessage`` written by the `log` sink and posted by `webhook`:
///
/// ```json
/// {"content":"…","delivery_id":"6f1c…","format":"text","mentioned_mobiles":["+86…"],
///  "params":{"code":"VIP20"},"recipient":{"kind":"phone","value":"+8613800001111"},
///  "template_id":"SMS_1"}
/// ```
///
/// Keys are sorted; `mentioned_mobiles`, `params` and `template_id` appear only when set. The log
/// sink adds `at` (ISO 8601 UTC) and `channel`.
struct MessageEnvelope: Encodable {
    struct Recipient: Encodable {
        var kind: String
        var value: String
    }

    var at: String?
    var channel: String?
    var content: String
    var deliveryID: String
    var format: String
    var mentionedMobiles: [String]?
    var params: [String: String]?
    var recipient: Recipient
    var templateID: String?

    enum CodingKeys: String, CodingKey {
        case at, channel, content, format, params, recipient
        case deliveryID = "delivery_id"
        case mentionedMobiles = "mentioned_mobiles"
        case templateID = "template_id"
    }

    init(_ message: ChannelMessage, channel: ChannelKind? = nil, at date: Date? = nil) {
        self.at = date.map { $0.formatted(.iso8601) }
        self.channel = channel?.rawValue
        self.content = message.content.body
        self.deliveryID = message.idempotencyKey
        self.format = message.content.format
        self.mentionedMobiles = message.mentionedMobiles.isEmpty ? nil : message.mentionedMobiles
        self.params = message.template.map(\.params)
        self.recipient = Recipient(kind: message.recipient.kindName, value: message.recipient.value)
        self.templateID = message.template?.id
    }
}
