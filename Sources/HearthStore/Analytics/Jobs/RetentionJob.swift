import Foundation
public import HearthDomain
public import HearthPostgres

/// The "retention" job: monthly cohort retention by first purchase and by join, and the
/// repurchase rate (``CohortRules``), as `report_snapshots` rows of kinds `cohort_retention` (one
/// per basis) and `repurchase` (the last 12 months, plus the period an on-demand run names with
/// `repurchase_start` and `repurchase_end`). Bodies: ``CohortRetentionBody`` and ``RepurchaseBody``.
///
/// Every run is a full one: a purchase of any day changes its cohort's month and the counts of
/// every period it falls in, and each figure is one grouped pass over the purchase index
/// (`events_kind_window_idx`) or the member's events, so there is nothing cheaper to carry over.
/// Re-running at the same `now` replaces that run's snapshots.
public struct RetentionJob: AnalyticsJob {
    public var name: String { "retention" }
    public var defaultCron: String { "30 3 * * *" }

    public init() {}

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let custom = try Self.repurchasePeriod(context.params)
        let tenant = context.tenant.rawValue
        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind IN ('cohort_retention', 'repurchase') AND subject_id IS NULL
              AND period_end = \(context.now) AND (kind = 'cohort_retention' OR body @> '{"default_period": true}')
            """)
        var rows: Int64 = 0
        for basis in CohortBasis.allCases {
            rows += try await storeCohorts(basis, context: context, on: connection)
        }
        let zone = context.timeZone.identifier
        let lastYear = try await connection.query(
            "SELECT ((\(context.now) AT TIME ZONE \(zone)) - interval '12 months') AT TIME ZONE \(zone)"
        )[0].decode(Date.self, at: 0)
        rows += try await storeRepurchase(
            from: lastYear, to: context.now, isDefault: true, context: context, on: connection)
        if let custom {
            // A named period keeps one answer: the latest computation of it.
            try await connection.query(
                """
                DELETE FROM report_snapshots
                WHERE tenant_id = \(tenant) AND kind = 'repurchase' AND subject_id IS NULL
                  AND period_start = \(custom.start) AND period_end = \(custom.end)
                  AND body @> '{"default_period": false}'
                """)
            rows += try await storeRepurchase(
                from: custom.start, to: custom.end, isDefault: false, context: context, on: connection)
        }
        return rows
    }

    /// The on-demand period `repurchase_start`/`repurchase_end` (RFC 3339), or `nil` when neither is given.
    static func repurchasePeriod(_ params: [String: String]) throws(DomainError) -> (start: Date, end: Date)? {
        switch (params["repurchase_start"], params["repurchase_end"]) {
        case (nil, nil):
            return nil
        case (let start?, let end?):
            guard let from = Self.instant(start) else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "repurchase_start \"\(start)\" is not an RFC 3339 time such as 2025-01-01T00:00:00+08:00")
            }
            guard let to = Self.instant(end) else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "repurchase_end \"\(end)\" is not an RFC 3339 time such as 2026-01-01T00:00:00+08:00")
            }
            guard from < to else {
                throw DomainError(code: .invalidArgument, message: "repurchase_end must be after repurchase_start")
            }
            return (from, to)
        default:
            throw DomainError(
                code: .invalidArgument,
                message: "give both repurchase_start and repurchase_end (RFC 3339), or neither for the last 12 months")
        }
    }

    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// One basis's cohorts as of `context.now`, in one snapshot row.
    private func storeCohorts(
        _ basis: CohortBasis, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        // `activity`: the months each member was retained in; `cohorts`: each member's cohort month.
        let sources: String
        switch basis {
        case .firstPurchase:
            sources = """
                activity AS (
                    SELECT DISTINCT e.member_id, date_trunc('month', e.occurred_at AT TIME ZONE $2)::date AS month
                    FROM events e
                    WHERE e.tenant_id = $1 AND e.kind = 'purchase' AND e.member_id IS NOT NULL AND e.occurred_at <= $3
                ),
                cohorts AS (
                    SELECT member_id, min(month) AS cohort FROM activity GROUP BY member_id
                )
                """
        case .join:
            sources = """
                activity AS (
                    SELECT DISTINCT e.member_id, date_trunc('month', e.occurred_at AT TIME ZONE $2)::date AS month
                    FROM events e
                    WHERE e.tenant_id = $1 AND e.member_id IS NOT NULL AND e.occurred_at <= $3
                ),
                cohorts AS (
                    SELECT m.member_id,
                           least(date_trunc('month', m.created_at AT TIME ZONE $2)::date, a.first_month) AS cohort
                    FROM members m
                    LEFT JOIN (SELECT member_id, min(month) AS first_month FROM activity GROUP BY member_id) a
                           ON a.member_id = m.member_id
                    WHERE m.tenant_id = $1 AND m.merged_into_member_id IS NULL
                      AND least(date_trunc('month', m.created_at AT TIME ZONE $2)::date, a.first_month)
                          <= date_trunc('month', $3 AT TIME ZONE $2)::date
                )
                """
        }
        var statement = PostgresQuery(
            """
            WITH \(unescaped: sources),
            current_month AS (
                SELECT date_trunc('month', $3 AT TIME ZONE $2)::date AS month
            ),
            sizes AS (
                SELECT cohort, count(*) AS size FROM cohorts GROUP BY cohort
            ),
            cells AS (
                SELECT c.cohort, \(unescaped: Self.monthsBetween("c.cohort", "a.month")) AS k, count(*) AS retained
                FROM activity a JOIN cohorts c ON c.member_id = a.member_id
                WHERE a.month >= c.cohort
                GROUP BY 1, 2
            ),
            cohort_rows AS (
                SELECT s.cohort, s.size,
                       jsonb_agg(coalesce(l.retained, 0) ORDER BY k.k) AS retained
                FROM sizes s
                CROSS JOIN current_month cm
                CROSS JOIN LATERAL generate_series(0, least($4, \(unescaped: Self.monthsBetween("s.cohort", "cm.month")))) AS k (k)
                LEFT JOIN cells l ON l.cohort = s.cohort AND l.k = k.k
                GROUP BY s.cohort, s.size
            )
            INSERT INTO report_snapshots (tenant_id, kind, period_start, period_end, computed_at, body)
            SELECT $1, 'cohort_retention',
                   coalesce((SELECT min(cohort) FROM cohort_rows)::timestamp AT TIME ZONE $2, $3), $3, $3,
                   jsonb_build_object(
                       'basis', $5::text,
                       'current_month', (SELECT to_char(month, 'YYYY-MM-DD') FROM current_month),
                       'cohorts', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                       'month', to_char(cohort, 'YYYY-MM-DD'), 'size', size,
                                                       'retained', retained) ORDER BY cohort)
                                            FROM cohort_rows), '[]'::jsonb))
            """)
        statement.binds = [
            tenant.postgresBind, zone.postgresBind, context.now.postgresBind,
            Int32(CohortRules.maximumMonths).postgresBind, basis.rawValue.postgresBind,
        ]
        return Int64(try await connection.query(statement).affectedRows)
    }

    /// The repurchase figures of `[start, end)`, overall and by month, in one snapshot row.
    private func storeRepurchase(
        from start: Date, to end: Date, isDefault: Bool, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        // `nth` numbers each member's purchases over their whole history up to the period's end, so
        // a purchase with nth ≥ 2 inside a window makes its buyer a repeat customer of that window.
        return Int64(
            try await connection.query(
                """
                WITH numbered AS (
                    SELECT e.member_id, e.occurred_at,
                           row_number() OVER (PARTITION BY e.member_id ORDER BY e.occurred_at, e.event_id) AS nth
                    FROM events e
                    WHERE e.tenant_id = \(tenant) AND e.kind = 'purchase' AND e.member_id IS NOT NULL
                      AND e.occurred_at < \(end)
                ),
                inside AS (
                    SELECT member_id, nth, date_trunc('month', occurred_at AT TIME ZONE \(zone))::date AS month
                    FROM numbered WHERE occurred_at >= \(start)
                ),
                by_month AS (
                    SELECT month, count(DISTINCT member_id) AS customers,
                           count(DISTINCT member_id) FILTER (WHERE nth >= 2) AS repeat_customers
                    FROM inside GROUP BY month
                ),
                months AS (
                    SELECT generate_series(
                               date_trunc('month', \(start) AT TIME ZONE \(zone)),
                               date_trunc('month', (\(end) - interval '1 microsecond') AT TIME ZONE \(zone)),
                               interval '1 month')::date AS month
                )
                INSERT INTO report_snapshots (tenant_id, kind, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'repurchase', \(start), \(end), \(context.now),
                       jsonb_build_object(
                           'default_period', \(isDefault),
                           'customers', (SELECT count(DISTINCT member_id) FROM inside),
                           'repeat_customers', (SELECT count(DISTINCT member_id) FROM inside WHERE nth >= 2),
                           'by_month', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                           'month', to_char(ms.month, 'YYYY-MM-DD'),
                                                           'customers', coalesce(b.customers, 0),
                                                           'repeat_customers', coalesce(b.repeat_customers, 0))
                                                       ORDER BY ms.month)
                                                FROM months ms LEFT JOIN by_month b ON b.month = ms.month),
                                               '[]'::jsonb))
                """
            ).affectedRows)
    }

    /// SQL counting the calendar months from the date `from` to the date `to` (both month starts).
    private static func monthsBetween(_ from: String, _ to: String) -> String {
        "((extract(year FROM \(to)) - extract(year FROM \(from))) * 12"
            + " + extract(month FROM \(to)) - extract(month FROM \(from)))::int"
    }
}

/// The body of a `cohort_retention` snapshot (one per basis):
///
///     {"basis": "first_purchase", "current_month": "2025-06-01",
///      "cohorts": [{"month": "2025-01-01", "size": 40, "retained": [40, 12, 9, 11, 7, 6]}, …]}
///
/// Months are the first day of a calendar month in the tenant's time zone; `current_month` is the
/// run's. Cohorts run oldest first and only months with members appear; `retained[k]` counts the
/// cohort's members retained k months after its month, for k = 0 up to the current month (at most
/// ``CohortRules/maximumMonths``).
public struct CohortRetentionBody: Codable, Sendable, Hashable {
    public struct Cohort: Codable, Sendable, Hashable {
        public var month: String
        public var size: Int64
        public var retained: [Int64]
    }

    public var basis: CohortBasis
    public var currentMonth: String
    public var cohorts: [Cohort]

    enum CodingKeys: String, CodingKey {
        case basis, cohorts
        case currentMonth = "current_month"
    }
}

/// The body of a `repurchase` snapshot; the row's period_start and period_end hold the period:
///
///     {"default_period": true, "customers": 310, "repeat_customers": 97,
///      "by_month": [{"month": "2024-06-01", "customers": 20, "repeat_customers": 4}, …]}
///
/// `default_period` tells the scheduled last-12-months figures from an on-demand period's.
/// `by_month` covers every month the period touches, oldest first, each counted within the part of
/// the month inside the period.
public struct RepurchaseBody: Codable, Sendable, Hashable {
    public struct Month: Codable, Sendable, Hashable {
        public var month: String
        public var customers: Int64
        public var repeatCustomers: Int64

        enum CodingKeys: String, CodingKey {
            case month, customers
            case repeatCustomers = "repeat_customers"
        }
    }

    public var defaultPeriod: Bool
    public var customers: Int64
    public var repeatCustomers: Int64
    public var byMonth: [Month]

    enum CodingKeys: String, CodingKey {
        case customers
        case defaultPeriod = "default_period"
        case repeatCustomers = "repeat_customers"
        case byMonth = "by_month"
    }
}
