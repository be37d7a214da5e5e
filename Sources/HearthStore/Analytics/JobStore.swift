public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of the analytics worker's schedule and runs. Runs are claimed with
/// `FOR UPDATE SKIP LOCKED` under a lease; a unique index keeps a job from running twice at once,
/// and a run whose worker died is taken over once its lease has expired.
public struct JobStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let runColumns = """
        run_id, tenant_id, job_name, status, params, lease_owner, lease_expires_at, attempts, queued_at, started_at,
        finished_at, rows_affected, error
        """
    /// ``runColumns`` of the claimed row, as the claim's UPDATE … FROM names it.
    static let claimedRunColumns = """
        r.run_id, r.tenant_id, r.job_name, r.status, r.params, r.lease_owner, r.lease_expires_at, r.attempts,
        r.queued_at, r.started_at, r.finished_at, r.rows_affected, r.error
        """

    /// Every tenant (for a worker that serves them all).
    public func tenants() async throws -> [TenantID] {
        try await pool.query("SELECT hearth_tenant_ids()").map { TenantID(try $0.decode(UUID.self, at: 0)) }
    }

    /// Gives the tenant the jobs it lacks, on their default schedules; existing ones are kept as
    /// the tenant set them.
    public func ensureJobs(_ jobs: [any AnalyticsJob], tenant: TenantID, now: Date = Date()) async throws {
        try await pool.withTenant(tenant) { connection in
            let zone = TimeZone(identifier: try await SegmentStore.timeZone(of: tenant, on: connection)) ?? .gmt
            for job in jobs {
                let next = try CronExpression(job.defaultCron).nextRun(after: now, in: zone)
                try await connection.query(
                    """
                    INSERT INTO jobs (tenant_id, job_name, cron, next_run_at)
                    VALUES (\(tenant.rawValue), \(job.name), \(job.defaultCron), \(next))
                    ON CONFLICT (tenant_id, job_name) DO NOTHING
                    """)
            }
        }
    }

    /// Queues a run of every enabled job whose time has come (unless one is queued or running
    /// already) and moves its next run on; returns how many were queued. Safe with several workers:
    /// the job rows are taken with SKIP LOCKED, so each falls to one of them.
    @discardableResult
    public func queueDue(tenant: TenantID, now: Date = Date()) async throws -> Int {
        try await pool.withTenant(tenant) { connection in
            let zone = TimeZone(identifier: try await SegmentStore.timeZone(of: tenant, on: connection)) ?? .gmt
            let due = try await connection.query(
                """
                SELECT job_name, cron FROM jobs
                WHERE tenant_id = \(tenant.rawValue) AND enabled AND cron IS NOT NULL AND next_run_at <= \(now)
                FOR UPDATE SKIP LOCKED
                """)
            var queued = 0
            for row in due {
                let name = try row.decode(String.self, at: 0)
                let next = (try? CronExpression(try row.decode(String.self, at: 1)))?.nextRun(after: now, in: zone)
                try await connection.query(
                    "UPDATE jobs SET next_run_at = \(next) WHERE tenant_id = \(tenant.rawValue) AND job_name = \(name)")
                queued += try await connection.query(
                    """
                    INSERT INTO job_runs (tenant_id, job_name)
                    SELECT \(tenant.rawValue), \(name)
                    WHERE NOT EXISTS (SELECT 1 FROM job_runs WHERE tenant_id = \(tenant.rawValue) AND job_name = \(name)
                                                            AND status IN ('queued', 'running'))
                    """
                ).affectedRows
            }
            return queued
        }
    }

    /// Queues an on-demand run; when one of the job is queued already, that one is returned.
    /// `nil` when the tenant has no such job.
    public func queue(_ jobName: String, params: [String: String], tenant: TenantID) async throws -> JobRunRecord? {
        try await pool.withTenant(tenant) { connection in
            guard
                !(try await connection.query(
                    "SELECT 1 FROM jobs WHERE tenant_id = \(tenant.rawValue) AND job_name = \(jobName) FOR UPDATE"
                ).isEmpty)
            else { return nil }
            if let waiting = try await connection.query(
                """
                SELECT \(unescaped: Self.runColumns) FROM job_runs
                WHERE tenant_id = \(tenant.rawValue) AND job_name = \(jobName) AND status = 'queued'
                ORDER BY queued_at LIMIT 1
                """
            ).first {
                return try JobRunRecord(row: waiting)
            }
            return try JobRunRecord(
                row: try await connection.query(
                    """
                    INSERT INTO job_runs (tenant_id, job_name, params)
                    VALUES (\(tenant.rawValue), \(jobName), \(try PostgresJSONB(encoding: params)))
                    RETURNING \(unescaped: Self.runColumns)
                    """)[0])
        }
    }

    /// Takes the oldest run that may start: a queued run of a job not running now, or a running one
    /// whose lease expired (its worker died). `nil` when there is none, or when another worker took
    /// the same job a moment earlier.
    public func claim(tenant: TenantID, worker: String, lease: Duration) async throws -> JobRunRecord? {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        do {
            return try await pool.withTenant(tenant) { connection in
                try await connection.query(
                    """
                    WITH next AS MATERIALIZED (
                        SELECT r.tenant_id, r.run_id FROM job_runs r
                        WHERE r.tenant_id = \(tenant.rawValue)
                          AND ((r.status = 'queued'
                                AND NOT EXISTS (SELECT 1 FROM job_runs x
                                                WHERE x.tenant_id = r.tenant_id AND x.job_name = r.job_name
                                                  AND x.status = 'running'))
                               OR (r.status = 'running' AND r.lease_expires_at < clock_timestamp()))
                        ORDER BY r.queued_at, r.run_id
                        LIMIT 1
                        FOR UPDATE OF r SKIP LOCKED
                    )
                    UPDATE job_runs r
                    SET status = 'running', lease_owner = \(worker),
                        lease_expires_at = clock_timestamp() + make_interval(secs => \(seconds)),
                        attempts = r.attempts + 1, started_at = clock_timestamp()
                    FROM next
                    WHERE r.tenant_id = next.tenant_id AND r.run_id = next.run_id
                    RETURNING \(unescaped: Self.claimedRunColumns)
                    """
                ).first.map(JobRunRecord.init(row:))
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            // Another worker started a run of the same job between our look and our update.
            return nil
        }
    }

    /// Extends a running run's lease; `false` when the run is no longer this worker's.
    @discardableResult
    public func renew(_ run: JobRunRecord, worker: String, lease: Duration) async throws -> Bool {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        return try await pool.withTenant(run.tenant) { connection in
            try await connection.query(
                """
                UPDATE job_runs SET lease_expires_at = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE tenant_id = \(run.tenant.rawValue) AND run_id = \(run.id) AND status = 'running'
                  AND lease_owner = \(worker)
                """
            ).affectedRows == 1
        }
    }

    /// Records how a run ended; `false` when it was no longer this worker's (taken over after its
    /// lease expired), in which case nothing is written.
    @discardableResult
    public func finish(_ run: JobRunRecord, worker: String, rows: Int64?, error: String?) async throws -> Bool {
        try await pool.withTenant(run.tenant) { connection in
            let status = error == nil ? "succeeded" : "failed"
            let updated = try await connection.query(
                """
                UPDATE job_runs
                SET status = \(status), finished_at = greatest(clock_timestamp(), started_at), rows_affected = \(rows),
                    error = \(error.map { String($0.prefix(8000)) }), lease_owner = NULL, lease_expires_at = NULL
                WHERE tenant_id = \(run.tenant.rawValue) AND run_id = \(run.id) AND status = 'running'
                  AND lease_owner = \(worker)
                """
            ).affectedRows
            guard updated == 1 else { return false }
            try await connection.query(
                """
                UPDATE jobs SET last_run_at = \(run.startedAt)
                WHERE tenant_id = \(run.tenant.rawValue) AND job_name = \(run.jobName)
                """)
            return true
        }
    }

    /// When the last successful run of a job started: where an incremental run picks up.
    public func lastSuccess(of jobName: String, tenant: TenantID) async throws -> Date? {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT max(started_at) FROM job_runs
                WHERE tenant_id = \(tenant.rawValue) AND job_name = \(jobName) AND status = 'succeeded'
                """
            )[0].decode(Date?.self, at: 0)
        }
    }

    /// The tenant's jobs by name.
    public func jobs(tenant: TenantID) async throws -> [JobRecord] {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT job_name, cron, enabled, last_run_at, next_run_at FROM jobs
                WHERE tenant_id = \(tenant.rawValue) ORDER BY job_name
                """
            ).map(JobRecord.init(row:))
        }
    }

    /// Changes a job's schedule or switches it on or off; `nil` when the tenant has no such job.
    public func update(
        _ jobName: String, cron: CronExpression??, enabled: Bool?, tenant: TenantID, now: Date = Date()
    ) async throws -> JobRecord? {
        try await pool.withTenant(tenant) { connection in
            guard
                var job = try await connection.query(
                    """
                    SELECT job_name, cron, enabled, last_run_at, next_run_at FROM jobs
                    WHERE tenant_id = \(tenant.rawValue) AND job_name = \(jobName) FOR UPDATE
                    """
                ).first.map(JobRecord.init(row:))
            else { return nil }
            if let cron { job.cron = cron?.text }
            if let enabled { job.enabled = enabled }
            let zone = TimeZone(identifier: try await SegmentStore.timeZone(of: tenant, on: connection)) ?? .gmt
            job.nextRunAt = try job.cron.flatMap { try CronExpression($0).nextRun(after: now, in: zone) }
            try await connection.query(
                """
                UPDATE jobs SET cron = \(job.cron), enabled = \(job.enabled), next_run_at = \(job.nextRunAt)
                WHERE tenant_id = \(tenant.rawValue) AND job_name = \(jobName)
                """)
            return job
        }
    }

    /// Runs newest first, optionally of one job and in some statuses.
    public func runs(
        tenant: TenantID, jobName: String?, statuses: [JobRunRecord.Status], before: (Date, UUID)?, limit: Int
    ) async throws -> [JobRunRecord] {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Self.runColumns) FROM job_runs
                WHERE tenant_id = \(tenant.rawValue) AND (\(jobName)::text IS NULL OR job_name = \(jobName))
                  AND (cardinality(\(statuses.map(\.rawValue))::text[]) = 0 OR status = ANY(\(statuses.map(\.rawValue))))
                  AND (\(before?.0)::timestamptz IS NULL OR (queued_at, run_id) < (\(before?.0), \(before?.1)))
                ORDER BY queued_at DESC, run_id DESC
                LIMIT \(max(1, min(limit, 1_000)))
                """
            ).map(JobRunRecord.init(row:))
        }
    }

    /// One run, or `nil`.
    public func run(_ id: UUID, tenant: TenantID) async throws -> JobRunRecord? {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.runColumns) FROM job_runs WHERE tenant_id = \(tenant.rawValue) AND run_id = \(id)"
            ).first.map(JobRunRecord.init(row:))
        }
    }
}

extension JobRecord {
    init(row: PostgresRow) throws {
        self.init(
            name: try row.decode(String.self, at: 0), cron: try row.decode(String?.self, at: 1),
            enabled: try row.decode(Bool.self, at: 2), lastRunAt: try row.decode(Date?.self, at: 3),
            nextRunAt: try row.decode(Date?.self, at: 4))
    }
}

extension JobRunRecord {
    /// Reads a row selected with ``JobStore/runColumns``.
    init(row: PostgresRow) throws {
        let statusText = try row.decode(String.self, at: 3)
        guard let status = Status(rawValue: statusText) else {
            throw PostgresError(code: .decodingFailed, message: "unknown job run status \"\(statusText)\"")
        }
        self.init(
            id: try row.decode(UUID.self, at: 0), tenant: TenantID(try row.decode(UUID.self, at: 1)),
            jobName: try row.decode(String.self, at: 2), status: status,
            params: (try? row.decode(PostgresJSONB.self, at: 4).decode([String: String].self)) ?? [:],
            leaseOwner: try row.decode(String?.self, at: 5), leaseExpiresAt: try row.decode(Date?.self, at: 6),
            attempts: try row.decode(Int.self, at: 7), queuedAt: try row.decode(Date.self, at: 8),
            startedAt: try row.decode(Date?.self, at: 9), finishedAt: try row.decode(Date?.self, at: 10),
            rowsAffected: try row.decode(Int64?.self, at: 11), error: try row.decode(String?.self, at: 12))
    }
}
