public import Foundation
public import HearthDomain

/// A job's schedule as stored in `jobs`.
public struct JobRecord: Sendable, Hashable {
    public var name: String
    /// Empty: on demand only.
    public var cron: String?
    public var enabled: Bool
    public var lastRunAt: Date?
    public var nextRunAt: Date?
}

/// One run of a job as stored in `job_runs`.
public struct JobRunRecord: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case queued, running, succeeded, failed
    }

    public var id: UUID
    public var tenant: TenantID
    public var jobName: String
    public var status: Status
    public var params: [String: String]
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var attempts: Int
    public var queuedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var rowsAffected: Int64?
    public var error: String?
}
