public import Foundation

/// One message to one recipient on one channel: what a delivery row of the outbox hands to an
/// adapter.
///
/// Each adapter uses the parts its channel understands: group robots post ``content`` to the group
/// their webhook belongs to (``recipient`` is then only recorded), the SMS gateway sends
/// ``template`` to a phone number, and ``mentionedMobiles`` are @-mentioned by the robots.
public struct ChannelMessage: Hashable, Sendable {
    /// The delivery's id. Sent as the idempotency key wherever the channel accepts one, so a send
    /// retried after a crash or a lost answer is not delivered twice.
    public var deliveryID: UUID
    public var recipient: ChannelRecipient
    public var content: ChannelContent
    /// The SMS template and its parameters (`sms_webhook` only; SMS gateways in China send
    /// pre-approved templates, never free text).
    public var template: SMSTemplate?
    /// Phone numbers to @-mention in a group (`wecom_bot`, `dingtalk_bot`); `"@all"` mentions
    /// everyone. E.164 numbers of mainland China (`+86…`) are sent in the national 11-digit form the
    /// robots match against.
    public var mentionedMobiles: [String]

    public init(
        deliveryID: UUID, recipient: ChannelRecipient, content: ChannelContent, template: SMSTemplate? = nil,
        mentionedMobiles: [String] = []
    ) {
        self.deliveryID = deliveryID
        self.recipient = recipient
        self.content = content
        self.template = template
        self.mentionedMobiles = mentionedMobiles
    }

    /// The delivery id in the lower-case text form sent as `Idempotency-Key` and in payloads.
    public var idempotencyKey: String { deliveryID.uuidString.lowercased() }
}

/// Who a message is for.
public enum ChannelRecipient: Hashable, Sendable {
    /// A phone number in E.164 form (`+8613800001111`).
    case phone(String)
    /// A member's id on an IM platform (a WeChat id, a DingTalk user id).
    case imID(String)
    /// A group or webhook target, for channels that post to a group rather than to a person.
    case group(String)

    /// `phone`, `im_id` or `group`, as written in JSON payloads.
    public var kindName: String {
        switch self {
        case .phone: "phone"
        case .imID: "im_id"
        case .group: "group"
        }
    }

    public var value: String {
        switch self {
        case .phone(let value), .imID(let value), .group(let value): value
        }
    }
}

/// The text of a message.
public enum ChannelContent: Hashable, Sendable {
    case text(String)
    /// Markdown in the channel's dialect (WeCom and DingTalk each support a subset).
    case markdown(String)

    /// `text` or `markdown`, as written in JSON payloads.
    public var format: String {
        switch self {
        case .text: "text"
        case .markdown: "markdown"
        }
    }

    public var body: String {
        switch self {
        case .text(let body), .markdown(let body): body
        }
    }
}

/// A pre-approved SMS template and the values of its placeholders.
public struct SMSTemplate: Hashable, Sendable {
    /// The gateway's template id (e.g. `SMS_240915`).
    public var id: String
    /// Placeholder name → value (e.g. `["code": "VIP20"]`).
    public var params: [String: String]

    public init(id: String, params: [String: String] = [:]) {
        self.id = id
        self.params = params
    }
}
