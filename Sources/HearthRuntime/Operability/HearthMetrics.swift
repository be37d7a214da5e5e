import CoreMetrics
public import HearthPostgres

/// The metrics Hearth publishes, named in one place so dashboards and code agree. Each call goes
/// to the swift-metrics backend of the moment: Prometheus once ``HearthObservability`` has
/// bootstrapped the process, nothing (a no-op) in tests that never bootstrap.
///
/// Metrics of one name always carry the same label names (Prometheus requires it).
public enum HearthMetrics {
    /// Deliveries waiting to be sent (`hearth_outbox_pending`) and held back by quiet hours,
    /// frequency caps or a paused campaign (`hearth_outbox_held`), as last counted.
    public static func recordOutboxDepth(pending: Int, held: Int) {
        Gauge(label: "hearth_outbox_pending").record(pending)
        Gauge(label: "hearth_outbox_held").record(held)
    }

    /// One run of a scheduled job: its duration (`hearth_job_duration_seconds{job}`) and its
    /// outcome (`hearth_job_runs_total{job,outcome="succeeded|failed"}`).
    public static func recordJobRun(job: String, seconds: Double, succeeded: Bool) {
        Timer(label: "hearth_job_duration_seconds", dimensions: [("job", job)]).recordSeconds(max(0, seconds))
        Counter(
            label: "hearth_job_runs_total",
            dimensions: [("job", job), ("outcome", succeeded ? "succeeded" : "failed")]
        ).increment()
    }

    /// The database pool's connections by state (`hearth_db_pool_connections{state="idle|in_use"}`)
    /// and the requests queued for one (`hearth_db_pool_waiters`).
    public static func recordPoolUsage(_ usage: PostgresPool.Usage) {
        Gauge(label: "hearth_db_pool_connections", dimensions: [("state", "idle")]).record(usage.idle)
        Gauge(label: "hearth_db_pool_connections", dimensions: [("state", "in_use")]).record(usage.leased)
        Gauge(label: "hearth_db_pool_waiters").record(usage.waiting)
    }

    /// One finished RPC: `hearth_rpc_requests_total{method,code}` and
    /// `hearth_rpc_duration_seconds{method}`.
    static func recordRPC(method: String, code: String, nanoseconds: Int64) {
        Counter(label: "hearth_rpc_requests_total", dimensions: [("method", method), ("code", code)]).increment()
        Timer(label: "hearth_rpc_duration_seconds", dimensions: [("method", method)]).recordNanoseconds(
            max(0, nanoseconds))
    }
}
