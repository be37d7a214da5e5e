/// Called once per attempt, as it ends, so the caller can record every try.
public typealias ChannelAttemptHandler = @Sendable (ChannelAttempt) -> Void

/// Sends messages through one configured channel.
///
/// The adapters of this module make exactly one attempt per call and report it to `onAttempt`;
/// ``RetryingChannelAdapter`` wraps one to retry retryable failures with backoff. A send never
/// throws: every outcome, including cancellation, is a ``ChannelSendResult``. Where the channel
/// accepts an idempotency key, the message's delivery id is sent as one, so a retry of a send
/// whose answer was lost is not delivered twice.
public protocol ChannelAdapter: Sendable {
    var kind: ChannelKind { get }

    /// Sends `message`, reporting each attempt to `onAttempt` before returning.
    func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult
}

extension ChannelAdapter {
    /// Sends `message` without recording attempts.
    public func send(_ message: ChannelMessage) async -> ChannelSendResult {
        await send(message, onAttempt: { _ in })
    }
}
