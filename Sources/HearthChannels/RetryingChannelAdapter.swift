public import Logging

/// Retries another adapter's retryable failures with exponential backoff and jitter.
///
/// Every attempt reaches `onAttempt`, numbered from 1. It stops at the first delivered or
/// permanent result, after ``RetryPolicy/maxAttempts``, when the sending task is cancelled, and
/// when the channel asks for a pause (`Retry-After`) longer than ``RetryPolicy/maxDelay``: then the
/// last retryable result is returned, its ``ChannelFailure/retryAfter`` telling the outbox when to
/// try again, rather than holding a sender that long.
public struct RetryingChannelAdapter: ChannelAdapter {
    public let base: any ChannelAdapter
    public let policy: RetryPolicy
    private let logger: Logger
    private let sleep: @Sendable (Swift.Duration) async throws -> Void

    public init(_ base: any ChannelAdapter, policy: RetryPolicy = .standard, logger: Logger = ChannelLogging.logger) {
        self.init(base, policy: policy, clock: ContinuousClock(), logger: logger)
    }

    /// Waits between attempts on `clock` (a test clock makes the pauses instant).
    public init<C: Clock>(
        _ base: any ChannelAdapter, policy: RetryPolicy, clock: C, logger: Logger = ChannelLogging.logger
    ) where C.Duration == Swift.Duration {
        self.base = base
        self.policy = policy
        self.logger = logger
        self.sleep = { duration in
            try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
        }
    }

    public var kind: ChannelKind { base.kind }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        var number = 1
        while true {
            let current = number
            let result = await base.send(message) { attempt in
                var numbered = attempt
                numbered.number = current
                onAttempt(numbered)
            }
            guard case .retryable(let failure) = result, current < policy.maxAttempts, failure.code != .cancelled,
                !Task.isCancelled
            else { return result }
            var delay = policy.delay(afterAttempt: current, jitter: Double.random(in: 0...1))
            if let retryAfter = failure.retryAfter {
                guard retryAfter <= policy.maxDelay else { return result }
                delay = max(delay, retryAfter)
            }
            logger.debug(
                "retrying a send",
                metadata: [
                    "delivery_id": "\(message.idempotencyKey)", "channel": "\(base.kind)", "attempt": "\(current)",
                    "reason": "\(failure)", "delay": "\(delay)",
                ])
            do {
                try await sleep(delay)
            } catch {
                return result
            }
            number += 1
        }
    }
}
