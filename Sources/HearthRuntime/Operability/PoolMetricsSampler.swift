public import HearthPostgres
public import ServiceLifecycle

/// Publishes the database pool's usage (``HearthMetrics/recordPoolUsage(_:)``) every `interval`
/// until graceful shutdown, so a scrape sees how busy the pool has been without touching it.
public struct PoolMetricsSampler: Service {
    public let pool: PostgresPool
    public let interval: Duration

    public init(pool: PostgresPool, interval: Duration = .seconds(5)) {
        self.pool = pool
        self.interval = interval
    }

    public func run() async throws {
        let pool = pool
        let interval = interval
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                HearthMetrics.recordPoolUsage(pool.usage)
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}
