/// How often and how patiently ``RetryingChannelAdapter`` retries a retryable failure.
///
/// The pause after attempt *n* is `baseDelay · 2^(n−1)`, capped at `maxDelay`, then "equal
/// jitter": a random point in its upper half, so senders that failed together do not retry
/// together. Permanent failures are never retried.
public struct RetryPolicy: Hashable, Sendable {
    /// Attempts in all, the first included (at least 1).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
    }

    /// Four attempts over about four seconds.
    public static let standard = RetryPolicy()
    /// One attempt, no retry.
    public static let once = RetryPolicy(maxAttempts: 1)

    /// The pause before the attempt after `attempt` (1-based), for a `jitter` drawn from 0...1.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let fraction = 0.5 + 0.5 * min(max(jitter, 0), 1)
        return ceiling * fraction
    }
}
