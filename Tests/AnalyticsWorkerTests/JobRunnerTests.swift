import AnalyticsWorker
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

/// A job that counts the tenant's members into a report snapshot, after pausing `pause` seconds
/// inside its transaction (to make a run last while another worker tries to take it).
private struct MemberCountJob: AnalyticsJob {
    var pause: Double = 0
    var name: String { "scores" }
    var defaultCron: String { "0 * * * *" }

    func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        if pause > 0 { try await connection.query("SELECT pg_sleep(\(pause))") }
        return Int64(
            try await connection.query(
                """
                INSERT INTO report_snapshots (tenant_id, kind, period_start, period_end, body)
                SELECT \(context.tenant.rawValue), 'engagement', \(context.now), \(context.now),
                       jsonb_build_object('members', count(*), 'full', \(context.isFull))
                FROM members WHERE tenant_id = \(context.tenant.rawValue)
                """
            ).affectedRows)
    }
}

@Suite("analytics-worker: jobs run once, on schedule or on demand, under leases")
struct JobRunnerTests {
    func snapshots(_ harness: AnalyticsHarness) async throws -> [String] {
        try await harness.pool.withTenant(harness.tenant) { connection in
            try await connection.query("SELECT body::text FROM report_snapshots ORDER BY computed_at").map {
                try $0.decode(String.self, at: 0)
            }
        }
    }

    @Test func aRunOnDemandIsClaimedRunAndRecorded() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob()]) { harness in
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    INSERT INTO members (tenant_id, display_name)
                    SELECT \(harness.tenant.rawValue), 'm' || i FROM generate_series(1, 3) AS i
                    """)
            }
            let runner = JobRunner(
                pool: harness.pool, jobs: [MemberCountJob()], worker: "worker-a", logger: harness.logger)
            try await harness.withClient { client in
                var request = Hearth_Analytics_V1_RunJobRequest()
                request.jobName = "scores"
                request.params.fields["full"] = Google_Protobuf_Value(boolValue: true)
                let queued = try await client.runJob(request).run
                #expect(queued.status == .queued)
                // A second request while one waits gets the same run.
                #expect(try await client.runJob(request).run.runID == queued.runID)

                let ran = try await runner.runNext(tenant: harness.tenant)
                #expect(ran?.id.uuidString.lowercased() == queued.runID)
                #expect(try await runner.runNext(tenant: harness.tenant) == nil)

                var get = Hearth_Analytics_V1_GetJobRunRequest()
                get.runID = queued.runID
                let done = try await client.getJobRun(get).run
                #expect(done.status == .succeeded)
                #expect(done.rowsAffected == 1)
                #expect(done.attempts == 1)
                #expect(done.params.fields["full"]?.stringValue == "true")

                let jobs = try await client.listJobs(Hearth_Analytics_V1_ListJobsRequest()).jobs
                #expect(jobs.map(\.jobName) == ["scores"])
                #expect(jobs.first?.lastRun.status == .succeeded)
                #expect(jobs.first?.cron == "0 * * * *")
            }
            let stored = try await snapshots(harness)
            #expect(stored.count == 1)
            #expect(stored.first?.contains("\"members\": 3") == true)
        }
    }

    @Test func twoWorkersRacingForOneRunRunItOnce() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob(pause: 1)]) { harness in
            let store = JobStore(pool: harness.pool)
            try await store.ensureJobs([MemberCountJob()], tenant: harness.tenant)
            _ = try await store.queue("scores", params: [:], tenant: harness.tenant)
            let first = JobRunner(
                pool: harness.pool, jobs: [MemberCountJob(pause: 1)], worker: "first", logger: harness.logger)
            let second = JobRunner(
                pool: harness.pool, jobs: [MemberCountJob(pause: 1)], worker: "second", logger: harness.logger)
            async let a = first.runNext(tenant: harness.tenant)
            async let b = second.runNext(tenant: harness.tenant)
            let (ranA, ranB) = try await (a, b)
            #expect([ranA, ranB].compactMap { $0 }.count == 1)
            #expect(try await snapshots(harness).count == 1)
            let runs = try await store.runs(
                tenant: harness.tenant, jobName: "scores", statuses: [], before: nil, limit: 10)
            #expect(runs.map(\.status) == [.succeeded])
        }
    }

    @Test func aDeadWorkersRunIsTakenOverWhenItsLeaseExpires() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob()]) { harness in
            let store = JobStore(pool: harness.pool)
            try await store.ensureJobs([MemberCountJob()], tenant: harness.tenant)
            _ = try await store.queue("scores", params: [:], tenant: harness.tenant)
            // "dead" claims the run and never finishes it.
            let dead = try #require(try await store.claim(tenant: harness.tenant, worker: "dead", lease: .seconds(60)))
            // While its lease lasts nobody else may take the job.
            #expect(try await store.claim(tenant: harness.tenant, worker: "alive", lease: .seconds(60)) == nil)
            // Then the lease runs out (moved into the past here rather than waited for).
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE job_runs SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE run_id = \(dead.id)"
                )
            }
            let runner = JobRunner(
                pool: harness.pool, jobs: [MemberCountJob()], worker: "alive", logger: harness.logger)
            let taken = try #require(try await runner.runNext(tenant: harness.tenant))
            #expect(taken.id == dead.id)
            #expect(taken.attempts == 2)
            // The dead worker's late outcome is not recorded over the new one.
            #expect(try await store.finish(dead, worker: "dead", rows: 0, error: "late") == false)
            let run = try #require(try await store.run(dead.id, tenant: harness.tenant))
            #expect(run.status == .succeeded)
            #expect(run.error == nil)
        }
    }

    @Test func theScheduleQueuesADueJobOnceAndMovesOn() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob()]) { harness in
            let store = JobStore(pool: harness.pool)
            try await store.ensureJobs([MemberCountJob()], tenant: harness.tenant)
            let now = Date()
            // Not due yet: the next hour.
            #expect(try await store.queueDue(tenant: harness.tenant, now: now) == 0)
            let due = now.addingTimeInterval(3_700)
            #expect(try await store.queueDue(tenant: harness.tenant, now: due) == 1)
            #expect(try await store.queueDue(tenant: harness.tenant, now: due) == 0)
            let job = try #require(try await store.jobs(tenant: harness.tenant).first)
            #expect((job.nextRunAt ?? .distantPast) > due)
            #expect((job.nextRunAt ?? .distantFuture) <= due.addingTimeInterval(3_600))
        }
    }

    @Test func schedulesChangeOnlyByAdminsAndBadCronIsRefusedWithItsColumn() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob()]) { harness in
            var update = Hearth_Analytics_V1_UpdateJobRequest()
            update.jobName = "scores"
            update.job.cron = "0 */2 * * *"
            update.updateMask.paths = ["cron"]
            let operatorRefused = await #expect(throws: RPCError.self) {
                try await harness.withClient(role: .operator) { client in try await client.updateJob(update) }
            }
            #expect(operatorRefused?.code == .permissionDenied)
            let changed = try await harness.withClient(role: .admin) { client in try await client.updateJob(update) }
            #expect(changed.job.cron == "0 */2 * * *")

            update.job.cron = "0 25 * * *"
            let bad = await #expect(throws: RPCError.self) {
                try await harness.withClient(role: .admin) { client in try await client.updateJob(update) }
            }
            #expect(bad?.code == .invalidArgument)

            var run = Hearth_Analytics_V1_RunJobRequest()
            run.jobName = "no_such_job"
            let unknown = await #expect(throws: RPCError.self) {
                try await harness.withClient { client in try await client.runJob(run) }
            }
            #expect(unknown?.code == .notFound)
            run.jobName = "scores"
            let viewer = await #expect(throws: RPCError.self) {
                try await harness.withClient(role: .viewer) { client in try await client.runJob(run) }
            }
            #expect(viewer?.code == .permissionDenied)
        }
    }

    @Test func anotherTenantSeesNoneOfTheRuns() async throws {
        try await AnalyticsHarness.with(jobs: [MemberCountJob()]) { harness in
            let queued = try await harness.withClient { client in
                var run = Hearth_Analytics_V1_RunJobRequest()
                run.jobName = "scores"
                return try await client.runJob(run).run
            }
            let other = try await harness.otherTenant()
            let missing = await #expect(throws: RPCError.self) {
                try await harness.withClient(tenant: other) { client in
                    var get = Hearth_Analytics_V1_GetJobRunRequest()
                    get.runID = queued.runID
                    return try await client.getJobRun(get)
                }
            }
            #expect(missing?.code == .notFound)
        }
    }
}
