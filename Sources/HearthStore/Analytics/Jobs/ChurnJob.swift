public import Foundation
import HearthDomain
public import HearthPostgres

/// The "churn" job: churn risk and signals (``ChurnRules``) for every live member with recorded
/// activity, into `member_churn` and `members.churn_risk`, and a `report_snapshots` summary of kind
/// `churn_risk`. The reactivation list is read from `member_churn`, highest risk first.
///
/// A run has two steps:
/// 1. **Facts from history**, kept per member between runs: the median days between purchases and
///    the events in the 30 days up to the last activity. Only these need a member's whole history,
///    so an incremental run recomputes them only for members whose row changed since the last
///    successful run (less an hour's overlap, for ingest transactions still open when that run
///    started): ingest touches `members.updated_at` with every event it stores and every merge.
///    A full run (`{"full": true}`, or the first) recomputes them for everyone.
/// 2. **Signals as of now**, for everyone, from those facts, the members' totals and the events of
///    the last 60 days only (the engagement-drop windows), so time passing is never missed.
///
/// Hence an incremental run gives what a full run would. Re-running at the same `now` rewrites
/// the same rows and replaces that run's snapshot, whose body is
///
///     {"members": 5210, "candidates": 730, "high_risk": 212, "average_risk": 0.083,
///      "signals": {"gone_silent": 301, "purchase_overdue": 188, "engagement_drop": 95, "lapsed": 240},
///      "rules": {"silence_days": 14, "lapse_days": 90, "overdue_factor": 1.5}}
///
/// (members scored, with a risk above 0, at 0.5 or above; the mean risk; members per signal; the
/// thresholds the run used).
public struct ChurnJob: AnalyticsJob {
    public var name: String { "churn" }
    public var defaultCron: String { "0 3 * * *" }

    /// How far before the last successful run an incremental run looks for changed members: longer
    /// than any ingest transaction lasts.
    public let overlap: TimeInterval

    public init(overlap: TimeInterval = 3_600) {
        self.overlap = overlap
    }

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let rules = try ChurnRules(params: context.params)
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let since = context.isFull ? nil : context.lastSuccess?.addingTimeInterval(-overlap)
        var rows: Int64 = 0

        // Members no longer scored (deleted, erased, merged away) leave the list.
        rows += Int64(
            try await connection.query(
                """
                DELETE FROM member_churn c
                WHERE c.tenant_id = \(tenant)
                  AND NOT EXISTS (SELECT 1 FROM members m
                                  WHERE m.tenant_id = c.tenant_id AND m.member_id = c.member_id
                                    AND m.deleted_at IS NULL AND m.erased_at IS NULL
                                    AND m.merged_into_member_id IS NULL AND m.last_active_at IS NOT NULL)
                """
            ).affectedRows)

        // Step 1: facts from history, for the members that changed (or all, on a full run).
        let engagedDays = Int32(ChurnRules.engagedWindowDays)
        rows += Int64(
            try await connection.query(
                """
                WITH changed AS (
                    SELECT m.member_id, m.last_active_at
                    FROM members m
                    WHERE m.tenant_id = \(tenant) AND m.deleted_at IS NULL AND m.erased_at IS NULL
                      AND m.merged_into_member_id IS NULL AND m.last_active_at IS NOT NULL
                      AND (\(since)::timestamptz IS NULL OR m.updated_at >= \(since)
                           OR NOT EXISTS (SELECT 1 FROM member_churn c
                                          WHERE c.tenant_id = m.tenant_id AND c.member_id = m.member_id))
                ),
                purchase_days AS (
                    SELECT e.member_id, (e.occurred_at AT TIME ZONE \(zone))::date AS purchase_day
                    FROM events e JOIN changed c ON c.member_id = e.member_id
                    WHERE e.tenant_id = \(tenant) AND e.kind = 'purchase'
                ),
                gaps AS (
                    SELECT member_id, (purchase_day - lag(purchase_day) OVER earlier)::float8 AS gap
                    FROM purchase_days
                    WINDOW earlier AS (PARTITION BY member_id ORDER BY purchase_day)
                ),
                intervals AS (
                    SELECT member_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS usual
                    FROM gaps WHERE gap IS NOT NULL
                    GROUP BY member_id
                ),
                engaged AS (
                    SELECT c.member_id, count(*) AS events
                    FROM changed c
                    JOIN events e ON e.tenant_id = \(tenant) AND e.member_id = c.member_id
                                 AND e.occurred_at > c.last_active_at - make_interval(days => \(engagedDays))
                                 AND e.occurred_at <= c.last_active_at
                                 AND e.kind NOT IN ('join', 'leave')
                    GROUP BY c.member_id
                )
                INSERT INTO member_churn (tenant_id, member_id, churn_risk, signals, usual_interval_days,
                                          events_before_silence, computed_at)
                SELECT \(tenant), c.member_id, 0, '{}'::text[], i.usual, coalesce(g.events, 0), \(context.now)
                FROM changed c
                LEFT JOIN intervals i ON i.member_id = c.member_id
                LEFT JOIN engaged g ON g.member_id = c.member_id
                ON CONFLICT (tenant_id, member_id) DO UPDATE
                SET usual_interval_days = EXCLUDED.usual_interval_days,
                    events_before_silence = EXCLUDED.events_before_silence
                """
            ).affectedRows)

        // Step 2: signals and risk as of now, for everyone scored. The two activity windows are
        // the last 30 × 24 hours before now and the 30 × 24 hours before those.
        let window = Double(ChurnRules.activityWindowDays) * 86_400
        let recentFrom = context.now.addingTimeInterval(-window)
        let priorFrom = context.now.addingTimeInterval(-2 * window)
        let (silent, overdue, drop, lapsed) = (
            rules.weight(of: .goneSilent), rules.weight(of: .purchaseOverdue), rules.weight(of: .engagementDrop),
            rules.weight(of: .lapsed)
        )
        rows += Int64(
            try await connection.query(
                """
                WITH clock AS (
                    SELECT (\(context.now) AT TIME ZONE \(zone))::date AS today
                ),
                windows AS (
                    SELECT e.member_id,
                           count(*) FILTER (WHERE e.occurred_at > \(recentFrom)) AS recent_count,
                           count(*) FILTER (WHERE e.occurred_at <= \(recentFrom)) AS prior_count
                    FROM events e
                    WHERE e.tenant_id = \(tenant) AND e.member_id IS NOT NULL AND e.kind NOT IN ('join', 'leave')
                      AND e.occurred_at > \(priorFrom) AND e.occurred_at <= \(context.now)
                    GROUP BY e.member_id
                ),
                facts AS (
                    SELECT c.member_id, c.usual_interval_days, c.events_before_silence, m.order_count,
                           k.today - (m.last_active_at AT TIME ZONE \(zone))::date AS days_silent,
                           k.today - (m.last_purchase_at AT TIME ZONE \(zone))::date AS days_since_purchase,
                           coalesce(w.recent_count, 0) AS recent_count, coalesce(w.prior_count, 0) AS prior_count
                    FROM member_churn c
                    CROSS JOIN clock k
                    JOIN members m ON m.tenant_id = c.tenant_id AND m.member_id = c.member_id
                    LEFT JOIN windows w ON w.member_id = c.member_id
                    WHERE c.tenant_id = \(tenant)
                ),
                flagged AS (
                    SELECT member_id, recent_count, prior_count,
                           coalesce(events_before_silence >= \(rules.engagedEvents)
                                    AND days_silent >= \(rules.silenceDays), false) AS gone_silent,
                           coalesce(usual_interval_days IS NOT NULL
                                    AND days_since_purchase > \(rules.overdueFactor) * greatest(usual_interval_days, 1),
                                    false) AS purchase_overdue,
                           coalesce(prior_count >= \(rules.dropMinimumPriorEvents)
                                    AND recent_count <= \(rules.dropRatio) * prior_count, false) AS engagement_drop,
                           coalesce(order_count >= 1 AND days_since_purchase >= \(rules.lapseDays), false) AS lapsed
                    FROM facts
                ),
                scored AS (
                    SELECT member_id, recent_count, prior_count,
                           array_remove(ARRAY[CASE WHEN gone_silent THEN 'gone_silent' END,
                                              CASE WHEN purchase_overdue THEN 'purchase_overdue' END,
                                              CASE WHEN engagement_drop THEN 'engagement_drop' END,
                                              CASE WHEN lapsed THEN 'lapsed' END]::text[], NULL) AS signals,
                           round(least(1, CASE WHEN gone_silent THEN \(silent) ELSE 0 END
                                          + CASE WHEN purchase_overdue THEN \(overdue) ELSE 0 END
                                          + CASE WHEN engagement_drop THEN \(drop) ELSE 0 END
                                          + CASE WHEN lapsed THEN \(lapsed) ELSE 0 END)::numeric, 4)::float8 AS risk
                    FROM flagged
                )
                UPDATE member_churn c
                SET churn_risk = s.risk, signals = s.signals, recent_events = s.recent_count,
                    prior_events = s.prior_count, computed_at = \(context.now)
                FROM scored s
                WHERE c.tenant_id = \(tenant) AND c.member_id = s.member_id
                """
            ).affectedRows)

        // members.churn_risk follows; touched only where it changes, so unchanged members keep
        // their updated_at (which the next incremental run looks at).
        rows += Int64(
            try await connection.query(
                """
                UPDATE members m SET churn_risk = c.churn_risk
                FROM member_churn c
                WHERE m.tenant_id = \(tenant) AND c.tenant_id = m.tenant_id AND c.member_id = m.member_id
                  AND m.churn_risk IS DISTINCT FROM c.churn_risk
                """
            ).affectedRows)
        rows += Int64(
            try await connection.query(
                """
                UPDATE members m SET churn_risk = NULL
                WHERE m.tenant_id = \(tenant) AND m.churn_risk IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM member_churn c
                                  WHERE c.tenant_id = m.tenant_id AND c.member_id = m.member_id)
                """
            ).affectedRows)

        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind = 'churn_risk' AND subject_id IS NULL AND period_end = \(context.now)
            """)
        rows += Int64(
            try await connection.query(
                """
                INSERT INTO report_snapshots (tenant_id, kind, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'churn_risk', \(context.now), \(context.now), \(context.now),
                       jsonb_build_object(
                           'members', count(*),
                           'candidates', count(*) FILTER (WHERE churn_risk > 0),
                           'high_risk', count(*) FILTER (WHERE churn_risk >= 0.5),
                           'average_risk', coalesce(avg(churn_risk), 0),
                           'signals', jsonb_build_object(
                               'gone_silent', count(*) FILTER (WHERE 'gone_silent' = ANY (signals)),
                               'purchase_overdue', count(*) FILTER (WHERE 'purchase_overdue' = ANY (signals)),
                               'engagement_drop', count(*) FILTER (WHERE 'engagement_drop' = ANY (signals)),
                               'lapsed', count(*) FILTER (WHERE 'lapsed' = ANY (signals))),
                           'rules', jsonb_build_object(
                               'silence_days', \(rules.silenceDays), 'lapse_days', \(rules.lapseDays),
                               'overdue_factor', \(rules.overdueFactor)))
                FROM member_churn WHERE tenant_id = \(tenant)
                """
            ).affectedRows)
        return rows
    }
}
