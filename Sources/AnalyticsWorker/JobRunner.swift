public import Foundation
public import HearthDomain
public import HearthPostgres
import HearthRuntime
public import HearthStore
public import Logging
public import ServiceLifecycle

/// The analytics worker's loop as a long-running service: for every tenant it queues the jobs
/// whose time has come, then claims runs one at a time under a lease and runs them, renewing the
/// lease while a run lasts. Several workers may run it: a run is claimed by one of them, and a run
/// whose worker died is taken over when its lease expires.
public struct JobRunner: Service {
    let pool: PostgresPool
    let store: JobStore
    let jobs: [String: any AnalyticsJob]
    /// Names this worker in leases (host, process, a random part).
    public let worker: String
    let lease: Duration
    let idleInterval: Duration
    let logger: Logger

    public init(
        pool: PostgresPool, jobs: [any AnalyticsJob] = AnalyticsJobs.all, worker: String,
        lease: Duration = .seconds(300), idleInterval: Duration = .seconds(2), logger: Logger
    ) {
        self.pool = pool
        self.store = JobStore(pool: pool)
        self.jobs = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.worker = worker
        self.lease = lease
        self.idleInterval = idleInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var prepared = Set<TenantID>()
            while !Task.isCancelled {
                var worked = false
                do {
                    for tenant in try await store.tenants() {
                        if !prepared.contains(tenant) {
                            try await store.ensureJobs(Array(jobs.values), tenant: tenant)
                            prepared.insert(tenant)
                        }
                        try await store.queueDue(tenant: tenant)
                        while try await runNext(tenant: tenant) != nil { worked = true }
                    }
                } catch is CancellationError {
                    return
                } catch {
                    // The database is away: log, rest, try again.
                    logger.error("the analytics worker's pass failed", metadata: ["error": "\(error)"])
                }
                if !worked { try? await Task.sleep(for: idleInterval) }
            }
        }
    }

    /// Claims and runs one run of `tenant`, recording how it ended; `nil` when none is waiting.
    @discardableResult
    public func runNext(tenant: TenantID, now: Date = Date()) async throws -> JobRunRecord? {
        guard let run = try await store.claim(tenant: tenant, worker: worker, lease: lease) else { return nil }
        guard let job = jobs[run.jobName] else {
            try await store.finish(
                run, worker: worker, rows: nil, error: "this worker does not know the job \(run.jobName)")
            return run
        }
        let lastSuccess = try await store.lastSuccess(of: run.jobName, tenant: tenant)
        let started = ContinuousClock.now
        let renewal = Task {
            // Keeps the lease while the run lasts, so nobody takes over a slow but living run.
            while !Task.isCancelled {
                try await Task.sleep(for: lease / 3)
                try await store.renew(run, worker: worker, lease: lease)
            }
        }
        defer { renewal.cancel() }
        do {
            let zone = TimeZone(identifier: try await TenantStore(pool: pool).timeZone(of: tenant)) ?? .gmt
            let rows = try await pool.withTenant(tenant) { connection in
                // Analytics statements may run for minutes on a large tenant.
                try await connection.query("SET LOCAL statement_timeout = '30min'")
                let context = JobContext(
                    tenant: tenant, now: now, lastSuccess: lastSuccess, params: run.params, timeZone: zone)
                return try await job.run(context, on: connection)
            }
            try await store.finish(run, worker: worker, rows: rows, error: nil)
            HearthMetrics.recordJobRun(
                job: run.jobName, seconds: Self.seconds(ContinuousClock.now - started), succeeded: true)
            logger.info(
                "job run succeeded",
                metadata: [
                    "job": "\(run.jobName)", "run": "\(run.id)", "rows": "\(rows)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
        } catch is CancellationError {
            // Shutting down: the lease runs out and another worker takes the run over.
            throw CancellationError()
        } catch {
            try await store.finish(run, worker: worker, rows: nil, error: "\(error)")
            HearthMetrics.recordJobRun(
                job: run.jobName, seconds: Self.seconds(ContinuousClock.now - started), succeeded: false)
            logger.error(
                "job run failed", metadata: ["job": "\(run.jobName)", "run": "\(run.id)", "error": "\(error)"])
        }
        return run
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
