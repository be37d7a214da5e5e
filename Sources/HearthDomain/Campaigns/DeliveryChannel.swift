/// What a message goes out on; raw values are the schema's.
public enum DeliveryChannel: String, Hashable, Sendable, Codable, CaseIterable {
    case sms
    /// A direct IM message (WeChat, QQ, DingTalk).
    case im
    /// A call by a customer-service agent.
    case phone
    /// A WeCom group robot.
    case wecomBot = "wecom_bot"
    /// A DingTalk custom robot.
    case dingtalkBot = "dingtalk_bot"
    /// A generic signed HTTP POST.
    case webhook
    /// A JSON-lines file: dry runs and tests.
    case log

    /// The consent a member must have given for this channel: group bots and webhooks reach members
    /// on IM, so they need IM consent; `nil` for the log sink, which reaches no one.
    public var requiredConsent: ConsentChannel? {
        switch self {
        case .sms: .sms
        case .im, .wecomBot, .dingtalkBot, .webhook: .im
        case .phone: .phone
        case .log: nil
        }
    }
}
