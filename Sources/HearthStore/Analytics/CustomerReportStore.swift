public import Foundation
public import HearthDomain
public import HearthPostgres

/// Reads what the "rfm", "churn" and "retention" jobs stored: their `report_snapshots` rows (latest
/// first), `member_rfm` and `member_churn`. Nothing here computes a figure; a report never stored
/// reads as `nil`.
public struct CustomerReportStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The latest RFM report.
    public func latestRfm(tenant: TenantID) async throws -> CustomerReportSnapshot<RfmReportBody>? {
        try await snapshot(
            """
            SELECT computed_at, period_start, period_end, body FROM report_snapshots
            WHERE tenant_id = \(tenant.rawValue) AND kind = 'rfm' AND subject_id IS NULL
            ORDER BY computed_at DESC, report_id LIMIT 1
            """, tenant: tenant)
    }

    /// When the churn list was last computed (its `churn_risk` summary); `nil` before the first run.
    public func churnComputedAt(tenant: TenantID) async throws -> Date? {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT max(computed_at) FROM report_snapshots
                WHERE tenant_id = \(tenant.rawValue) AND kind = 'churn_risk' AND subject_id IS NULL
                """
            )[0].decode(Date?.self, at: 0)
        }
    }

    /// The latest cohorts of `basis`.
    public func latestCohorts(
        _ basis: CohortBasis, tenant: TenantID
    ) async throws -> CustomerReportSnapshot<CohortRetentionBody>? {
        try await snapshot(
            """
            SELECT computed_at, period_start, period_end, body FROM report_snapshots
            WHERE tenant_id = \(tenant.rawValue) AND kind = 'cohort_retention' AND subject_id IS NULL
              AND body ->> 'basis' = \(basis.rawValue)
            ORDER BY computed_at DESC, report_id LIMIT 1
            """, tenant: tenant)
    }

    /// The latest repurchase figures of the last 12 months (as scheduled runs compute them).
    public func latestRepurchase(tenant: TenantID) async throws -> CustomerReportSnapshot<RepurchaseBody>? {
        try await snapshot(
            """
            SELECT computed_at, period_start, period_end, body FROM report_snapshots
            WHERE tenant_id = \(tenant.rawValue) AND kind = 'repurchase' AND subject_id IS NULL
              AND body @> '{"default_period": true}'
            ORDER BY computed_at DESC, report_id LIMIT 1
            """, tenant: tenant)
    }

    /// The repurchase figures of exactly `[start, end)` (to the millisecond), as an on-demand run
    /// computed them.
    public func repurchase(
        from start: Date, to end: Date, tenant: TenantID
    ) async throws -> CustomerReportSnapshot<RepurchaseBody>? {
        try await snapshot(
            """
            SELECT computed_at, period_start, period_end, body FROM report_snapshots
            WHERE tenant_id = \(tenant.rawValue) AND kind = 'repurchase' AND subject_id IS NULL
              AND body @> '{"default_period": false}'
              AND period_start BETWEEN \(start) - interval '1 millisecond' AND \(start) + interval '1 millisecond'
              AND period_end BETWEEN \(end) - interval '1 millisecond' AND \(end) + interval '1 millisecond'
            ORDER BY computed_at DESC, report_id LIMIT 1
            """, tenant: tenant)
    }

    /// One member's RFM scores; `nil` when the member was not scored (never bought, or no run yet).
    public func rfmScore(of member: MemberID, tenant: TenantID) async throws -> MemberRfmScore? {
        try await pool.withTenant(tenant) { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT recency_days, frequency, monetary_fen, recency_score, frequency_score, monetary_score,
                           segment, computed_at
                    FROM member_rfm WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                    """
                ).first
            else { return nil }
            let segment = try row.decode(String.self, at: 6)
            guard let named = RfmSegment(rawValue: segment) else {
                throw PostgresError(code: .decodingFailed, message: "member_rfm holds an unknown segment: \(segment)")
            }
            return MemberRfmScore(
                recencyDays: try row.decode(Int.self, at: 0), frequency: try row.decode(Int.self, at: 1),
                monetaryFen: try row.decode(Int64.self, at: 2), recencyScore: try row.decode(Int.self, at: 3),
                frequencyScore: try row.decode(Int.self, at: 4), monetaryScore: try row.decode(Int.self, at: 5),
                segment: named, computedAt: try row.decode(Date.self, at: 7))
        }
    }

    /// One member's churn risk and signals; `nil` when the member was not scored.
    public func churnRisk(of member: MemberID, tenant: TenantID) async throws -> MemberChurnRisk? {
        try await pool.withTenant(tenant) { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT churn_risk, signals, usual_interval_days, computed_at
                    FROM member_churn WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                    """
                ).first
            else { return nil }
            return MemberChurnRisk(
                risk: try row.decode(Double.self, at: 0),
                signals: try Self.signals(try row.decode([String].self, at: 1)),
                usualPurchaseIntervalDays: try row.decode(Double?.self, at: 2),
                computedAt: try row.decode(Date.self, at: 3))
        }
    }

    /// Walks the reactivation list, highest risk first (then higher total spend, then member id),
    /// handing `body` batches of up to `batchSize` candidates. Only live members with a risk above 0
    /// that pass `filter` are listed. One repeatable-read transaction spans the walk, so a job
    /// finishing meanwhile neither skips nor repeats anyone, and each batch is a keyset step; the
    /// price is a pooled connection held while `body` runs (e.g. writes to a slow client).
    public func forEachChurnBatch(
        _ filter: ChurnCandidateFilter, tenant: TenantID, batchSize: Int,
        _ body: ([ChurnCandidateRecord]) async throws -> Void
    ) async throws {
        let size = max(1, batchSize)
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            var remaining = filter.limit
            var last: ChurnCandidateRecord?
            while remaining.map({ $0 > 0 }) ?? true {
                let take = min(size, remaining ?? size)
                var statement = PostgresQuery(
                    """
                    SELECT c.member_id, m.display_name, m.phone_e164, c.churn_risk, c.signals, m.lifecycle_stage,
                           m.last_active_at, m.last_purchase_at, c.usual_interval_days, m.total_spend_fen
                    FROM member_churn c
                    JOIN members m ON m.tenant_id = c.tenant_id AND m.member_id = c.member_id
                    WHERE c.tenant_id = $1 AND c.churn_risk > 0 AND c.churn_risk >= $2
                      AND m.deleted_at IS NULL AND m.erased_at IS NULL AND m.merged_into_member_id IS NULL
                    """)
                statement.binds = [tenant.rawValue.postgresBind, filter.minimumRisk.postgresBind]
                if !filter.stages.isEmpty {
                    let stages = statement.bind(filter.stages.map(\.rawValue))
                    statement.sql += " AND m.lifecycle_stage = ANY(\(stages))"
                }
                if let consent = filter.consent {
                    let channel = statement.bind(consent.rawValue)
                    statement.sql += """
                         AND EXISTS (SELECT 1 FROM member_consents k
                                     WHERE k.tenant_id = c.tenant_id AND k.member_id = c.member_id
                                       AND k.channel = \(channel) AND k.granted)
                        """
                }
                if let last {
                    let risk = statement.bind(last.risk)
                    let spend = statement.bind(last.totalSpendFen)
                    let id = statement.bind(last.memberID.rawValue)
                    statement.sql += """
                         AND (c.churn_risk < \(risk)
                              OR (c.churn_risk = \(risk) AND m.total_spend_fen < \(spend))
                              OR (c.churn_risk = \(risk) AND m.total_spend_fen = \(spend) AND c.member_id > \(id)))
                        """
                }
                statement.sql += " ORDER BY c.churn_risk DESC, m.total_spend_fen DESC, c.member_id LIMIT \(take)"
                let batch = try await connection.query(statement).map(Self.candidate(row:))
                guard let lastInBatch = batch.last else { return }
                try await body(batch)
                guard batch.count == take else { return }
                remaining = remaining.map { $0 - batch.count }
                last = lastInBatch
            }
        }
    }

    // MARK: Decoding

    private func snapshot<Body: Decodable & Sendable>(
        _ query: PostgresQuery, tenant: TenantID
    ) async throws -> CustomerReportSnapshot<Body>? {
        try await pool.withTenant(tenant) { connection in
            guard let row = try await connection.query(query).first else { return nil }
            return CustomerReportSnapshot(
                computedAt: try row.decode(Date.self, at: 0), periodStart: try row.decode(Date.self, at: 1),
                periodEnd: try row.decode(Date.self, at: 2),
                body: try row.decode(PostgresJSONB.self, at: 3).decode(Body.self))
        }
    }

    static func candidate(row: PostgresRow) throws -> ChurnCandidateRecord {
        let stage = try row.decode(String.self, at: 5)
        guard let lifecycleStage = LifecycleStage(rawValue: stage) else {
            throw PostgresError(code: .decodingFailed, message: "members holds an unknown lifecycle stage \"\(stage)\"")
        }
        return ChurnCandidateRecord(
            memberID: MemberID(try row.decode(UUID.self, at: 0)), displayName: try row.decode(String.self, at: 1),
            phone: try row.decode(String?.self, at: 2), risk: try row.decode(Double.self, at: 3),
            signals: try signals(try row.decode([String].self, at: 4)), stage: lifecycleStage,
            lastActiveAt: try row.decode(Date?.self, at: 6), lastPurchaseAt: try row.decode(Date?.self, at: 7),
            usualPurchaseIntervalDays: try row.decode(Double?.self, at: 8),
            totalSpendFen: try row.decode(Int64.self, at: 9))
    }

    static func signals(_ names: [String]) throws -> [ChurnSignal] {
        try names.map { name in
            guard let signal = ChurnSignal(rawValue: name) else {
                throw PostgresError(code: .decodingFailed, message: "member_churn holds an unknown signal \"\(name)\"")
            }
            return signal
        }
    }

    /// A month written `YYYY-MM-DD` in a snapshot body, as a calendar date; `nil` when malformed.
    public static func calendarDate(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        return CalendarDate(year: year, month: month, day: day)
    }
}

/// A report as a job stored it: as of when, over which period, and what it says.
public struct CustomerReportSnapshot<Body: Sendable>: Sendable {
    public var computedAt: Date
    public var periodStart: Date
    public var periodEnd: Date
    public var body: Body
}

/// Which members StreamChurnRisk lists.
public struct ChurnCandidateFilter: Sendable, Hashable {
    /// Only members at or above this risk (members at 0 are never candidates).
    public var minimumRisk: Double
    /// At most this many; `nil`: all.
    public var limit: Int?
    /// Only members in these stages; empty: every stage.
    public var stages: [LifecycleStage]
    /// Only members who granted consent on this channel; `nil`: any.
    public var consent: ConsentChannel?

    public init(
        minimumRisk: Double = 0, limit: Int? = nil, stages: [LifecycleStage] = [], consent: ConsentChannel? = nil
    ) {
        self.minimumRisk = minimumRisk
        self.limit = limit
        self.stages = stages
        self.consent = consent
    }
}

/// One member of the reactivation list: the stored risk and signals with the member's current
/// contact details and totals.
public struct ChurnCandidateRecord: Sendable, Hashable {
    public var memberID: MemberID
    public var displayName: String
    public var phone: String?
    public var risk: Double
    public var signals: [ChurnSignal]
    public var stage: LifecycleStage
    public var lastActiveAt: Date?
    public var lastPurchaseAt: Date?
    /// Median days between purchases; `nil` with fewer than two.
    public var usualPurchaseIntervalDays: Double?
    public var totalSpendFen: Int64
}

/// One member's row of `member_rfm`.
public struct MemberRfmScore: Sendable, Hashable {
    public var recencyDays: Int
    public var frequency: Int
    public var monetaryFen: Int64
    public var recencyScore: Int
    public var frequencyScore: Int
    public var monetaryScore: Int
    public var segment: RfmSegment
    public var computedAt: Date
}

/// One member's row of `member_churn`.
public struct MemberChurnRisk: Sendable, Hashable {
    public var risk: Double
    public var signals: [ChurnSignal]
    public var usualPurchaseIntervalDays: Double?
    public var computedAt: Date
}
