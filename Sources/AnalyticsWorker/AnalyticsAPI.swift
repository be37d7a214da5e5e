import Foundation
import GRPCCore
import HearthDomain
public import HearthPostgres
public import HearthProtos
import HearthRuntime
public import HearthStore
public import Logging

/// The analytics service's RPC handlers: the tenant's jobs and runs, and the reports the jobs
/// stored. Reports are read as last computed, never computed on the call.
public struct AnalyticsAPI: Hearth_Analytics_V1_AnalyticsService.SimpleServiceProtocol {
    let pool: PostgresPool
    let jobs: JobStore
    /// The jobs this worker knows, by name: what RunJob and UpdateJob accept.
    let knownJobs: [String: any AnalyticsJob]
    let logger: Logger

    public init(
        pool: PostgresPool, jobs: [any AnalyticsJob] = AnalyticsJobs.all,
        logger: Logger = Logger(label: "hearth.analytics-worker")
    ) {
        self.pool = pool
        self.jobs = JobStore(pool: pool)
        self.knownJobs = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    func handle<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await answering(logging: logger, body)
    }

    /// FAILED_PRECONDITION "report_not_ready" naming the job that computes the report.
    static func reportNotReady(_ what: String, job: String) -> RPCError {
        RPCError(
            code: .failedPrecondition,
            message: "\(what) has not been computed yet; run the \(job) job (`hearth jobs run \(job)`)",
            reason: "report_not_ready", facts: ["job_name": job])
    }
}
