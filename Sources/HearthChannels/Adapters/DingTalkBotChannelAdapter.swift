public import Foundation

/// Posts to a DingTalk (钉钉) group through a custom robot,
/// `https://oapi.dingtalk.com/robot/send?access_token=TOKEN`.
///
/// With the robot's signing secret (`SEC…`, its "加签" security setting) every request carries
/// `&timestamp=<ms>&sign=<sign>`, where `sign` is the URL-encoded base64 of
/// HMAC-SHA256(key: secret, message: "<ms>\n<secret>"); DingTalk refuses a timestamp more than an
/// hour from its clock. Without a secret the robot must be protected by keywords or an IP allow-list.
///
/// Text goes as `{"msgtype":"text","text":{"content":…},"at":{"atMobiles":[…],"isAtAll":false}}`,
/// markdown as `{"msgtype":"markdown","markdown":{"title":…,"text":…},"at":{…}}` (the title, shown in
/// notifications, is the first line without its `#`s). DingTalk only highlights a mention whose
/// `@<mobile>` is in the text, so missing ones are appended; `@all` sets `isAtAll`.
///
/// DingTalk answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}` when the message is posted. Other
/// codes:
/// - retryable: -1 (system busy), 130101 (over the robot's limit, 20 messages a minute; code
///   `rateLimited`), 410100 (throttled; `rateLimited`);
/// - permanent: 310000 (security check failed: wrong signature, stale timestamp, missing keyword or
///   IP not allowed), 300001 and 400101 (access token invalid or unknown), 400102 (robot
///   disabled), 400013 (group dissolved), 430101–430104 (content refused as unsafe), 660026
///   (monthly quota used up), and any code not listed.
///
/// The robot takes no idempotency key: a send that timed out after DingTalk received it may be
/// posted twice when retried.
public struct DingTalkBotChannelAdapter: ChannelAdapter {
    /// The robot webhook for `accessToken`, percent-encoded.
    public static func webhookURL(accessToken: String) -> URL? {
        URL(string: "https://oapi.dingtalk.com/robot/send?access_token=" + accessToken.percentEncodedForQuery)
    }

    static let retryableCodes: Set<Int> = [-1, 130101, 410100]
    static let rateLimitCodes: Set<Int> = [130101, 410100]
    static let explanations: [Int: String] = [
        -1: "DingTalk is busy; retried",
        130101: "over the robot's limit of 20 messages a minute",
        410100: "throttled",
        310000: "security check failed: check the SEC secret, the server clock, the keywords and the IP allow-list",
        300001: "the access token is invalid",
        400101: "the access token does not exist",
        400102: "the robot is disabled",
        400013: "the group was dissolved",
        430101: "the content holds an unsafe link",
        430102: "the content holds refused text",
        430103: "the content holds a refused image",
        430104: "the content was refused",
        660026: "the robot's monthly quota is used up",
    ]

    public let url: URL
    public let timeout: Duration
    private let secret: String?
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    /// `url` is the robot's webhook with its `access_token`; `secret` its `SEC…` signing secret.
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

    public var kind: ChannelKind { .dingtalkBot }

    /// DingTalk's `sign` before URL encoding: base64(HMAC-SHA256(secret, "<timestamp>\n<secret>")).
    static func signature(secret: String, timestampMilliseconds: Int64) -> String {
        HMACSHA256.base64(
            HMACSHA256.authenticationCode(
                key: Array(secret.utf8), message: Array("\(timestampMilliseconds)\n\(secret)".utf8)))
    }

    /// The URL of one request: the webhook, plus `timestamp` and `sign` when there is a secret.
    func requestURL(at date: Date) -> URL? {
        guard let secret else { return url }
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let sign = Self.signature(secret: secret, timestampMilliseconds: milliseconds)
        let base = url.absoluteString
        let separator = base.contains("?") ? "&" : "?"
        return URL(string: "\(base)\(separator)timestamp=\(milliseconds)&sign=\(sign.percentEncodedForQuery)")
    }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        let attempt = HTTPDeliveryAttempt(channel: kind, transport: transport)
        guard !message.content.body.isEmpty else {
            return attempt.refuse(
                message, ChannelFailure(code: .badMessage, reason: "dingtalk_bot cannot post an empty message"),
                onAttempt: onAttempt)
        }
        guard let signedURL = requestURL(at: now()) else {
            return attempt.refuse(
                message,
                ChannelFailure(
                    code: .badConfiguration, reason: "dingtalk_bot cannot build a signed URL from its webhook"),
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
            url: signedURL, headers: ["Content-Type": "application/json; charset=utf-8", "User-Agent": "Hearth"],
            body: body, timeout: timeout)
        return await attempt.perform(request, for: message, onAttempt: onAttempt) { response in
            guard let reply = RobotReply(response.body) else {
                return RobotReply.unreadable(response, robot: "DingTalk")
            }
            return reply.result(
                robot: "DingTalk", status: response.status, retryable: Self.retryableCodes,
                rateLimited: Self.rateLimitCodes, explanations: Self.explanations)
        }
    }

    static func payload(for message: ChannelMessage) -> DingTalkBotPayload {
        let mentions = message.mentionedMobiles.map(RobotReply.robotMobile)
        let everyone = mentions.contains("@all")
        let mobiles = mentions.filter { $0 != "@all" }
        var content = message.content.body
        for mobile in mobiles where !content.contains("@\(mobile)") {
            content += " @\(mobile)"
        }
        let at = mentions.isEmpty ? nil : DingTalkBotPayload.At(atMobiles: mobiles, isAtAll: everyone)
        switch message.content {
        case .text:
            return DingTalkBotPayload(msgtype: "text", text: .init(content: content), at: at)
        case .markdown(let original):
            return DingTalkBotPayload(
                msgtype: "markdown", markdown: .init(title: title(of: original), text: content), at: at)
        }
    }

    /// The first non-empty line without leading `#`s, at most 64 characters; "Hearth" if none.
    static func title(of markdown: String) -> String {
        for line in markdown.split(separator: "\n") {
            var title = Substring(line)
            while let first = title.first, first == "#" || first == " " { title.removeFirst() }
            if !title.isEmpty { return String(title.prefix(64)) }
        }
        return "Hearth"
    }
}

/// The robot's request body; absent parts are left out of the JSON.
struct DingTalkBotPayload: Encodable {
    struct Text: Encodable {
        var content: String
    }

    struct Markdown: Encodable {
        var title: String
        var text: String
    }

    struct At: Encodable {
        var atMobiles: [String]
        var isAtAll: Bool
    }

    var msgtype: String
    var text: Text? = nil
    var markdown: Markdown? = nil
    var at: At? = nil
}
