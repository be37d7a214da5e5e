public import Foundation
public import HearthDomain
import HearthPostgres

/// An occurrence as stored: its id and status next to the domain's times.
public struct OccurrenceRecord: Sendable, Hashable {
    public var id: UUID
    public var campaignID: CampaignID
    public var startsAt: Date
    public var endsAt: Date
    public var status: OccurrenceStatus
    public var phases: [CampaignPhaseTime]
}

/// How a campaign's deliveries stand, by status and by suppression reason.
public struct DeliveryCounts: Sendable, Hashable {
    public var byStatus: [String: Int64] = [:]
    public var suppressedByReason: [String: Int64] = [:]

    public init() {}
}

extension CampaignStore {
    /// The tenant's campaigns, newest first, after `cursor` (created_at, id), at most `limit`.
    public func list(
        tenant: TenantID, statuses: [CampaignStatus], kinds: [CampaignKind], nameContaining query: String?,
        after cursor: (createdAt: Date, id: CampaignID)?, limit: Int
    ) async throws -> (campaigns: [Campaign], more: Bool) {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.columns + " FROM campaigns WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if !statuses.isEmpty { statement.sql += " AND status = ANY(\(statement.bind(statuses.map(\.rawValue))))" }
        if !kinds.isEmpty { statement.sql += " AND kind = ANY(\(statement.bind(kinds.map(\.rawValue))))" }
        if let query, !query.isEmpty { statement.sql += " AND strpos(name, \(statement.bind(query))) > 0" }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let id = statement.bind(cursor.id.rawValue)
            statement.sql += " AND (created_at, campaign_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY created_at DESC, campaign_id DESC LIMIT \(limit + 1)"
        let rows = try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map(Campaign.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// A campaign's occurrences in start order, at most `limit` after `afterStart`.
    public func occurrences(
        of id: CampaignID, tenant: TenantID, afterStart: Date? = nil, statuses: [OccurrenceStatus] = [],
        startingFrom: Date? = nil, startingBefore: Date? = nil, limit: Int = 500
    ) async throws -> [OccurrenceRecord] {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT occurrence_id, campaign_id, starts_at, ends_at, status, phases FROM campaign_occurrences
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)
                  AND starts_at > \(afterStart ?? Date.distantPast)
                  AND (cardinality(\(statuses.map(\.rawValue))::text[]) = 0 OR status = ANY(\(statuses.map(\.rawValue))))
                  AND starts_at >= \(startingFrom ?? Date.distantPast) AND starts_at < \(startingBefore ?? Date.distantFuture)
                ORDER BY starts_at LIMIT \(max(1, min(limit, 1_000)))
                """
            ).map { row in
                let statusText = try row.decode(String.self, at: 4)
                guard let status = OccurrenceStatus(rawValue: statusText) else {
                    throw PostgresError(code: .decodingFailed, message: "unknown occurrence status \"\(statusText)\"")
                }
                return OccurrenceRecord(
                    id: try row.decode(UUID.self, at: 0), campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
                    startsAt: try row.decode(Date.self, at: 2), endsAt: try row.decode(Date.self, at: 3),
                    status: status,
                    phases: try row.decode(PostgresJSONB.self, at: 5).decode([CampaignPhaseTime].self))
            }
        }
    }

    /// When the campaign's next occurrence still to start begins, if one is left.
    public func nextOccurrenceStart(of id: CampaignID, tenant: TenantID, now: Date = Date()) async throws -> Date? {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT min(starts_at) FROM campaign_occurrences
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue) AND starts_at > \(now)
                  AND status = 'scheduled'
                """
            ).first?.decode(Date?.self, at: 0)
        }
    }

    /// After a resume: every message whose time fell in [pausedAt, resumedAt) is marked skipped,
    /// so it is not sent late, except the live message of an occurrence still running, which goes
    /// out now; occurrences that started and ended inside the pause are cancelled whole. Returns
    /// how many occurrences were cancelled.
    @discardableResult
    public func skipWhilePaused(
        _ id: CampaignID, tenant: TenantID, pausedAt: Date, resumedAt: Date
    ) async throws -> Int {
        try await pool.withTenant(tenant) { connection in
            let cancelled = try await connection.query(
                """
                UPDATE campaign_occurrences SET status = 'cancelled'
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue) AND status = 'scheduled'
                  AND starts_at >= \(pausedAt) AND ends_at <= \(resumedAt)
                """
            ).affectedRows
            try await connection.query(
                """
                INSERT INTO occurrence_phase_plans (tenant_id, occurrence_id, phase, message_index, state)
                SELECT o.tenant_id, o.occurrence_id, p.phase, p.message_index, 'skipped'
                FROM campaign_occurrences o
                CROSS JOIN LATERAL (SELECT r.phase, r.message_index, to_timestamp(978307200 + r.at) AS at
                                    FROM jsonb_to_recordset(o.phases) AS r (phase text, at double precision,
                                                                             message_index integer)) p
                WHERE o.tenant_id = \(tenant.rawValue) AND o.campaign_id = \(id.rawValue)
                  AND p.at >= \(pausedAt) AND p.at < \(resumedAt)
                  AND NOT (p.phase = 'live' AND o.ends_at > \(resumedAt) AND o.status <> 'cancelled')
                ON CONFLICT DO NOTHING
                """)
            return cancelled
        }
    }

    /// Deliveries of a campaign (or one occurrence) by status and suppression reason.
    public func deliveryCounts(of id: CampaignID, occurrence: UUID?, tenant: TenantID) async throws -> DeliveryCounts {
        try await pool.withTenant(tenant) { connection in
            var counts = DeliveryCounts()
            for row in try await connection.query(
                """
                SELECT status, suppression_reason, count(*) FROM deliveries
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)
                  AND (\(occurrence)::uuid IS NULL OR occurrence_id = \(occurrence))
                GROUP BY status, suppression_reason
                """)
            {
                let status = try row.decode(String.self, at: 0)
                let count = try row.decode(Int64.self, at: 2)
                counts.byStatus[status, default: 0] += count
                if let reason = try row.decode(String?.self, at: 1) {
                    counts.suppressedByReason[reason, default: 0] += count
                }
            }
            return counts
        }
    }
}
