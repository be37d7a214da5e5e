/// Which adapter sends a delivery. The raw value is the name used in channel configuration and
/// recorded with every delivery and attempt.
public enum ChannelKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Appends one JSON line per message to a file: the default, for dry runs and tests.
    case log
    /// A generic HTTP POST of the message as JSON, signed with HMAC-SHA256.
    case webhook
    /// A WeCom (企业微信) group robot webhook.
    case wecomBot = "wecom_bot"
    /// A DingTalk (钉钉) custom group robot, optionally signed with its `SEC…` secret.
    case dingtalkBot = "dingtalk_bot"
    /// An SMS gateway reached by an HTTP POST of a template id and its parameters.
    case smsWebhook = "sms_webhook"

    public var description: String { rawValue }
}
