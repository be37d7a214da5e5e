public import Foundation
public import HearthDomain

extension ChannelConfiguration {
    /// The setting names each kind accepts, besides `kind` and the timeout and retry settings.
    static let settingNames: [ChannelKind: [String]] = [
        .log: ["path"],
        .webhook: ["url", "secret"],
        .wecomBot: ["url", "key"],
        .dingtalkBot: ["url", "access_token", "secret"],
        .smsWebhook: ["url", "secret", "sign_name"],
    ]
    static let commonSettingNames = ["kind", "timeout_ms", "max_attempts", "base_delay_ms", "max_delay_ms"]

    /// Reads a configuration from settings by name (from the environment, a file, an RPC), then
    /// validates it. Unknown names are refused, so a misspelt setting is not silently ignored.
    public init(settings: [String: String]) throws(DomainError) {
        func refuse(_ message: String) -> DomainError { DomainError(code: .invalidArgument, message: message) }
        let kinds = ChannelKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindName = settings["kind"]?.trimmingCharacters(in: .whitespaces), !kindName.isEmpty else {
            throw refuse("a channel needs a kind (one of \(kinds))")
        }
        guard let kind = ChannelKind(rawValue: kindName) else {
            throw refuse("unknown channel kind \"\(kindName)\" (one of \(kinds))")
        }
        let allowed = (Self.settingNames[kind] ?? []) + Self.commonSettingNames
        if let unknown = settings.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw refuse("\(kind) has no setting \"\(unknown)\" (it takes \(allowed.joined(separator: ", ")))")
        }
        func text(_ name: String) -> String? {
            guard let value = settings[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func milliseconds(_ name: String, default fallback: Duration) throws(DomainError) -> Duration {
            guard let value = text(name) else { return fallback }
            guard let number = Int(value), number >= 0 else {
                throw refuse("\(kind) \(name) must be a whole number of milliseconds, not \"\(value)\"")
            }
            return .milliseconds(number)
        }

        var url: URL? = nil
        if let address = text("url") {
            guard let parsed = URL(string: address) else { throw refuse("\(kind) url is not a URL: \"\(address)\"") }
            url = parsed
        }
        if let key = text("key") {
            guard url == nil else { throw refuse("wecom_bot takes url or key, not both") }
            url = WeComBotChannelAdapter.webhookURL(key: key)
        }
        if let token = text("access_token") {
            guard url == nil else { throw refuse("dingtalk_bot takes url or access_token, not both") }
            url = DingTalkBotChannelAdapter.webhookURL(accessToken: token)
        }
        var attempts = RetryPolicy.standard.maxAttempts
        if let value = text("max_attempts") {
            guard let number = Int(value) else {
                throw refuse("\(kind) max_attempts must be a whole number, not \"\(value)\"")
            }
            guard (1...10).contains(number) else { throw refuse("\(kind) max_attempts must be between 1 and 10") }
            attempts = number
        }
        let timeout = try milliseconds("timeout_ms", default: .seconds(10))
        let baseDelay = try milliseconds("base_delay_ms", default: RetryPolicy.standard.baseDelay)
        let maxDelay = try milliseconds("max_delay_ms", default: RetryPolicy.standard.maxDelay)
        if timeout == .zero { throw refuse("\(kind) timeout_ms must be at least 1") }
        if maxDelay < baseDelay { throw refuse("\(kind) max_delay_ms must not be below base_delay_ms") }
        self.init(
            kind: kind, url: url, secret: settings["secret"], path: text("path"), signName: text("sign_name"),
            timeout: timeout, retry: RetryPolicy(maxAttempts: attempts, baseDelay: baseDelay, maxDelay: maxDelay))
        try validate()
    }

    /// Reads a configuration from a JSON object of settings, whose values may be strings, numbers
    /// or booleans: `{"kind":"wecom_bot","key":"…","timeout_ms":5000}`.
    public init(json: Data) throws(DomainError) {
        let object: [String: SettingValue]
        do {
            object = try JSONDecoder().decode([String: SettingValue].self, from: json)
        } catch {
            throw DomainError(
                code: .invalidArgument,
                message: "a channel configuration must be a JSON object of strings, numbers and booleans")
        }
        try self.init(settings: object.mapValues(\.text))
    }
}

/// One JSON setting, kept as the text ``ChannelConfiguration/init(settings:)`` reads.
private struct SettingValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int.self) {
            text = String(integer)
        } else if let flag = try? container.decode(Bool.self) {
            text = String(flag)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string, a number or a boolean")
        }
    }
}
