public import Foundation
public import HearthDomain
public import HearthPostgres

/// One analytics job: set-based SQL over one tenant's data that writes only the analytics'
/// own tables and columns (scores, roles, stages, report snapshots), never pulling rows into Swift.
public protocol AnalyticsJob: Sendable {
    /// The job's name in `jobs.job_name` ("scores", "lifecycle", "social_roles", "rfm", "churn",
    /// "community_health", "campaign_reports", "retention").
    var name: String { get }
    /// The schedule a tenant starts with: five cron fields in the tenant's time zone.
    var defaultCron: String { get }
    /// Runs for `context.tenant` inside one transaction on `connection` (the tenant is set for
    /// row-level security) and returns how many rows it wrote; a job that writes a row per member
    /// may commit in chunks (``PostgresConnection/commitAndContinue(tenant:)``) so that it never
    /// holds every member's lock at once. Re-running with the same data gives
    /// the same result; with `context.lastSuccess` a job may look only at what changed since then.
    func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64
}

/// What a job run knows besides the data: whose, when, since when, and its on-demand parameters.
public struct JobContext: Sendable {
    public var tenant: TenantID
    /// The run's "now": every window ("the last 30 days") ends here.
    public var now: Date
    /// When the last successful run of this job started; `nil` (never, or a full run asked for):
    /// the job computes everything.
    public var lastSuccess: Date?
    /// On-demand parameters as text (`{"full": true}` arrives as `["full": "true"]`).
    public var params: [String: String]
    /// The tenant's time zone, for days, months and cohorts.
    public var timeZone: TimeZone

    public init(
        tenant: TenantID, now: Date, lastSuccess: Date? = nil, params: [String: String] = [:],
        timeZone: TimeZone = .gmt
    ) {
        self.tenant = tenant
        self.now = now
        self.lastSuccess = lastSuccess
        self.params = params
        self.timeZone = timeZone
    }

    /// Whether the run should compute everything rather than what changed since the last run.
    public var isFull: Bool { lastSuccess == nil || params["full"] == "true" }
}
