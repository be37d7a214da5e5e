public import Foundation
public import HearthDomain
public import Logging

extension ChannelConfiguration {
    /// The adapter this configuration describes, ready to send.
    ///
    /// The HTTP kinds come wrapped in a ``RetryingChannelAdapter`` with ``retry``; the `log` sink
    /// does not (a failed local write is retried by the outbox). Throws `invalidArgument` when the
    /// configuration is invalid and `failedPrecondition` when the log file cannot be opened.
    ///
    /// - Parameters:
    ///   - transport: shared by the HTTP adapters; one per process is enough.
    ///   - now: the wall clock for signature timestamps.
    public func makeAdapter(
        transport: any HTTPTransport = URLSessionHTTPTransport(), logger: Logger = ChannelLogging.logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(DomainError) -> any ChannelAdapter {
        try validate()
        let base: any ChannelAdapter
        switch kind {
        case .log:
            return try LogChannelAdapter(path: path ?? Self.defaultLogPath, now: now)
        case .webhook:
            let url = try requireURL()
            base = WebhookChannelAdapter(url: url, secret: secret, timeout: timeout, transport: transport, now: now)
        case .wecomBot:
            let url = try requireURL()
            base = WeComBotChannelAdapter(url: url, timeout: timeout, transport: transport)
        case .dingtalkBot:
            let url = try requireURL()
            base = DingTalkBotChannelAdapter(url: url, secret: secret, timeout: timeout, transport: transport, now: now)
        case .smsWebhook:
            let url = try requireURL()
            base = SMSWebhookChannelAdapter(
                url: url, secret: secret, signName: signName, timeout: timeout, transport: transport, now: now)
        }
        return RetryingChannelAdapter(base, policy: retry, logger: logger)
    }

    private func requireURL() throws(DomainError) -> URL {
        guard let url else { throw DomainError(code: .invalidArgument, message: "\(kind) needs url") }
        return url
    }
}
