public import Foundation
public import HearthDomain

/// One channel as an operator configures it: its kind and what that kind needs.
///
/// | kind | needs | may have |
/// |---|---|---|
/// | `log` | — (`path` defaults to ``defaultLogPath``) | `path` |
/// | `webhook` | `url` | `secret` (signs with `X-Hearth-Signature`) |
/// | `wecom_bot` | `url`, or `key` to build it | — |
/// | `dingtalk_bot` | `url`, or `access_token` to build it | `secret`, which starts with `SEC` |
/// | `sms_webhook` | `url` | `secret`, `sign_name` |
///
/// Every kind may set `timeout_ms` (default 10,000) and the retries `max_attempts` (default 4),
/// `base_delay_ms` (500) and `max_delay_ms` (30,000). ``init(settings:)`` and ``init(json:)`` read
/// these names; ``validate()`` says in one sentence what is missing or wrong.
public struct ChannelConfiguration: Hashable, Sendable {
    /// Where the `log` sink writes when no `path` is given, relative to the working directory.
    public static let defaultLogPath = ".hearth/deliveries.jsonl"

    public var kind: ChannelKind
    public var url: URL?
    public var secret: String?
    public var path: String?
    public var signName: String?
    public var timeout: Duration
    public var retry: RetryPolicy

    public init(
        kind: ChannelKind, url: URL? = nil, secret: String? = nil, path: String? = nil, signName: String? = nil,
        timeout: Duration = .seconds(10), retry: RetryPolicy = .standard
    ) {
        self.kind = kind
        self.url = url
        self.secret = secret
        self.path = path
        self.signName = signName
        self.timeout = timeout
        self.retry = retry
    }

    /// The `log` sink writing to `path`.
    public static func log(path: String = ChannelConfiguration.defaultLogPath) -> ChannelConfiguration {
        ChannelConfiguration(kind: .log, path: path)
    }

    /// Throws `invalidArgument` naming the first thing this kind is missing or has wrong.
    public func validate() throws(DomainError) {
        func refuse(_ message: String) -> DomainError { DomainError(code: .invalidArgument, message: message) }
        guard timeout > .zero, timeout <= .seconds(120) else {
            throw refuse("\(kind) timeout must be between 1 ms and 120 s")
        }
        guard (1...10).contains(retry.maxAttempts) else {
            throw refuse("\(kind) max_attempts must be between 1 and 10")
        }
        if let secret, secret.isEmpty { throw refuse("\(kind) secret is empty: leave it out or set it") }
        switch kind {
        case .log:
            if let path, path.isEmpty { throw refuse("log path is empty") }
            if url != nil { throw refuse("log takes a path, not a url") }
            if secret != nil { throw refuse("log takes no secret") }
        case .webhook, .wecomBot, .dingtalkBot, .smsWebhook:
            guard let url else {
                let message: String =
                    switch kind {
                    case .wecomBot: "wecom_bot needs url or key"
                    case .dingtalkBot: "dingtalk_bot needs url or access_token"
                    default: "\(kind) needs url"
                    }
                throw refuse(message)
            }
            let scheme = URLComponents(url: url, resolvingAgainstBaseURL: false)?.scheme?.lowercased()
            let host = URLComponents(url: url, resolvingAgainstBaseURL: false)?.host ?? ""
            guard scheme == "http" || scheme == "https", !host.isEmpty else {
                throw refuse("\(kind) url must be an http:// or https:// URL with a host")
            }
        }
        switch kind {
        case .wecomBot:
            if secret != nil { throw refuse("wecom_bot takes no secret: its key is part of the url") }
        case .dingtalkBot:
            if let secret, !secret.hasPrefix("SEC") {
                throw refuse("dingtalk_bot secret must start with SEC (copy it from the robot's security settings)")
            }
        default:
            break
        }
        if signName != nil, kind != .smsWebhook { throw refuse("only sms_webhook takes sign_name") }
    }
}

extension ChannelConfiguration: CustomStringConvertible {
    /// The configuration without its secrets: the URL's query (which holds a robot's key or token)
    /// and the secret are left out.
    public var description: String {
        var parts = ["kind: \(kind)"]
        if let url, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            let hadQuery = components.query != nil
            components.query = nil
            parts.append("url: \(components.string ?? "?")\(hadQuery ? "?…" : "")")
        }
        if let path { parts.append("path: \(path)") }
        if secret != nil { parts.append("secret: set") }
        if let signName { parts.append("sign_name: \(signName)") }
        parts.append("timeout: \(timeout)")
        parts.append("max_attempts: \(retry.maxAttempts)")
        return "ChannelConfiguration(" + parts.joined(separator: ", ") + ")"
    }
}
