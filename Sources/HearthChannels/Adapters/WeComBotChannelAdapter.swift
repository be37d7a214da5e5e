public import Foundation

/// Posts to a WeCom (企业微信) group through the group robot's webhook,
/// `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`.
///
/// Text goes as `{"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}` (at most
/// 2,048 bytes), markdown as `{"msgtype":"markdown","markdown":{"content":…}}` (at most 4,096 bytes;
/// WeCom's markdown cannot mention by phone number, so mentions are dropped). Longer messages are
/// refused before sending. The recipient is not sent: the key decides the group.
///
/// WeCom answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}` when the message is posted. Other
/// codes (from WeCom's global error-code table):
/// - retryable: -1 (system busy), 45009 (over the robot's limit, 20 messages a minute; code
///   `rateLimited`), 45033 (too many concurrent calls; `rateLimited`);
/// - permanent: 93000 (invalid webhook URL: key wrong or robot removed), 93004 (robot disabled),
///   93008 (robot no longer in the group), 40008 (invalid message type), 40058 (invalid
///   parameter), 44004 (empty content), 45002 (content too long), and any code not listed.
///
/// The robot takes no idempotency key: a send that timed out after WeCom received it may be
/// posted twice when retried.
public struct WeComBotChannelAdapter: ChannelAdapter {
    /// The robot webhook for `key`, percent-encoded.
    public static func webhookURL(key: String) -> URL? {
        URL(string: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key.percentEncodedForQuery)
    }

    static let retryableCodes: Set<Int> = [-1, 45009, 45033]
    static let rateLimitCodes: Set<Int> = [45009, 45033]
    static let explanations: [Int: String] = [
        -1: "WeCom is busy; retried",
        45009: "over the robot's limit of 20 messages a minute",
        45033: "too many concurrent calls",
        93000: "invalid webhook URL: check the robot's key, or whether the robot was removed",
        93004: "the robot is disabled",
        93008: "the robot is no longer in the group",
        40008: "invalid message type",
        40058: "invalid parameter",
        44004: "the content is empty",
        45002: "the content is too long",
    ]
    static let textLimit = 2048
    static let markdownLimit = 4096

    public let url: URL
    public let timeout: Duration
    private let transport: any HTTPTransport

    public init(url: URL, timeout: Duration = .seconds(10), transport: any HTTPTransport) {
        self.url = url
        self.timeout = timeout
        self.transport = transport
    }

    public var kind: ChannelKind { .wecomBot }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        let attempt = HTTPDeliveryAttempt(channel: kind, transport: transport)
        let text = message.content.body
        let limit = message.content.format == "markdown" ? Self.markdownLimit : Self.textLimit
        guard !text.isEmpty, text.utf8.count <= limit else {
            return attempt.refuse(
                message,
                ChannelFailure(
                    code: .badMessage,
                    reason: "wecom_bot \(message.content.format) must have 1 to \(limit) bytes; this one has "
                        + "\(text.utf8.count)"),
                onAttempt: onAttempt)
        }
        let body: [UInt8]
        do {
            body = try ChannelJSON.encode(Self.payload(for: message))
        } catch {
            return attempt.refuse(
                message, ChannelFailure(code: .badMessage, reason: "cannot encode the message: \(error)"),
                onAttempt: onAttempt)
        }
        let request = HTTPTransportRequest(
            url: url, headers: ["Content-Type": "application/json; charset=utf-8", "User-Agent": "Hearth"],
            body: body, timeout: timeout)
        return await attempt.perform(request, for: message, onAttempt: onAttempt) { response in
            guard let reply = RobotReply(response.body) else {
                return RobotReply.unreadable(response, robot: "WeCom")
            }
            return reply.result(
                robot: "WeCom", status: response.status, retryable: Self.retryableCodes,
                rateLimited: Self.rateLimitCodes, explanations: Self.explanations)
        }
    }

    static func payload(for message: ChannelMessage) -> WeComBotPayload {
        switch message.content {
        case .text(let content):
            let mobiles = message.mentionedMobiles.map(RobotReply.robotMobile)
            return WeComBotPayload(
                msgtype: "text",
                text: .init(content: content, mentionedMobileList: mobiles.isEmpty ? nil : mobiles))
        case .markdown(let content):
            return WeComBotPayload(msgtype: "markdown", markdown: .init(content: content))
        }
    }
}

/// The robot's request body; absent parts are left out of the JSON.
struct WeComBotPayload: Encodable {
    struct Text: Encodable {
        var content: String
        var mentionedMobileList: [String]?

        enum CodingKeys: String, CodingKey {
            case content
            case mentionedMobileList = "mentioned_mobile_list"
        }
    }

    struct Markdown: Encodable {
        var content: String
    }

    var msgtype: String
    var text: Text? = nil
    var markdown: Markdown? = nil
}
