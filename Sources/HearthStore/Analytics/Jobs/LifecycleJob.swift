import Foundation
import HearthDomain
public import HearthPostgres

/// The "lifecycle" job (daily): places every live member on the lifecycle ladder by
/// ``LifecycleRules``, writes `members.lifecycle_stage` where it changed and records each change in
/// `lifecycle_moves` with its reason, plus a daily `lifecycle_moves` report snapshot.
///
/// Every run evaluates every live member in one statement: a stage depends on time passing (a
/// customer lapses 90 days after their last purchase without any new event) and on the engagement
/// score, which decays for everyone, so there is no smaller set of members that could have moved.
/// Only members whose stage changes are written, so a re-run records no move twice. It reads the
/// engagement scores as the scores job last wrote them.
///
/// Settings (`member_job_settings`, or a run's parameters, which are then saved): `lapse_days`,
/// `fan_score` (see ``LifecycleRules/init(parameters:)``).
public struct LifecycleJob: AnalyticsJob {
    public let name = "lifecycle"
    public let defaultCron = "15 2 * * *"

    public init() {}

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tuning = try await MemberJobSettings.resolve(
            job: name, params: context.params, tenant: context.tenant, on: connection)
        let rules = try LifecycleRules(parameters: tuning.settings)
        if tuning.changed {
            try await MemberJobSettings.save(
                job: name, settings: tuning.settings, tenant: context.tenant, on: connection)
        }
        let moved = try await move(rules: rules, context: context, on: connection)
        let snapshot = try await writeSnapshot(rules: rules, context: context, on: connection)
        return moved + snapshot
    }

    /// Computes each live member's facts and stage (the CASEs follow ``LifecycleRules/stage(current:facts:now:)``
    /// and ``LifecycleRules/reason(from:to:facts:)`` rule for rule), then moves those whose stage
    /// changed, locking them in id order as event ingest does. A member whose stage an operator
    /// changed meanwhile is left for the next run.
    private func move(rules: LifecycleRules, context: JobContext, on connection: PostgresConnection) async throws
        -> Int64
    {
        let tenant = context.tenant.rawValue
        let now = context.now
        return Int64(
            try await connection.query(
                """
                WITH activity AS (
                    SELECT member_id,
                           count(*) FILTER (WHERE kind = 'purchase') AS purchases,
                           max(occurred_at) FILTER (WHERE kind = 'purchase') AS last_purchase_at,
                           count(*) FILTER (WHERE kind = ANY(\(LifecycleRules.trialKinds.map(\.rawValue)))) AS uses,
                           count(*) FILTER (WHERE kind = 'referral') AS referrals
                    FROM events
                    WHERE tenant_id = \(tenant) AND member_id IS NOT NULL AND occurred_at <= \(now)
                      AND kind = ANY(\(Self.factKinds))
                    GROUP BY member_id
                ),
                in_community AS (
                    SELECT DISTINCT ms.member_id
                    FROM memberships ms
                    JOIN communities c ON c.tenant_id = ms.tenant_id AND c.community_id = ms.community_id
                    WHERE ms.tenant_id = \(tenant) AND ms.status = 'active' AND c.archived_at IS NULL
                ),
                facts AS (
                    SELECT m.member_id, m.lifecycle_stage AS stage_before, m.engagement_score,
                           coalesce(a.purchases, 0) AS purchases, a.last_purchase_at,
                           coalesce(a.uses, 0) AS uses, coalesce(a.referrals, 0) AS referrals,
                           (ic.member_id IS NOT NULL) AS in_community
                    FROM members m
                    LEFT JOIN activity a ON a.member_id = m.member_id
                    LEFT JOIN in_community ic ON ic.member_id = m.member_id
                    WHERE m.tenant_id = \(tenant) AND m.deleted_at IS NULL AND m.erased_at IS NULL
                      AND m.merged_into_member_id IS NULL
                ),
                leveled AS (
                    SELECT f.*,
                           greatest(
                               CASE f.stage_before WHEN 'user' THEN 2 WHEN 'fan' THEN 3 WHEN 'community' THEN 3
                                                   ELSE 1 END,
                               CASE WHEN f.purchases >= 2 OR f.referrals >= 1 OR f.engagement_score >= \(rules.fanScore)
                                    THEN 3
                                    WHEN f.purchases >= 1 OR f.uses >= 1 THEN 2
                                    ELSE 1 END) AS level,
                           coalesce(f.last_purchase_at > \(rules.lapseCutoff(now: now)), false) AS recent_purchase
                    FROM facts f
                ),
                placed AS (
                    SELECT l.*,
                           CASE WHEN (l.purchases >= 1 OR l.stage_before = 'lapsed') AND NOT l.recent_purchase
                                    THEN 'lapsed'
                                WHEN l.level = 3 AND l.in_community THEN 'community'
                                WHEN l.level = 3 THEN 'fan'
                                WHEN l.level = 2 THEN 'user'
                                ELSE 'audience' END AS stage
                    FROM leveled l
                ),
                changed AS (
                    SELECT p.member_id, p.stage_before, p.stage,
                           CASE WHEN p.stage = 'lapsed' THEN \(rules.lapseReason)
                                WHEN p.stage_before = 'lapsed' THEN 'purchase_after_lapse'
                                WHEN p.stage = 'community' THEN 'active_membership'
                                WHEN p.stage = 'fan' AND p.stage_before = 'community' THEN 'no_active_membership'
                                WHEN p.stage = 'fan' AND p.purchases >= 2 THEN 'repeat_purchase'
                                WHEN p.stage = 'fan' AND p.referrals >= 1 THEN 'referral'
                                WHEN p.stage = 'fan' THEN 'high_engagement'
                                WHEN p.stage = 'user' AND p.purchases >= 1 THEN 'first_purchase'
                                WHEN p.stage = 'user' THEN 'first_use'
                                ELSE 'no_purchase_or_use' END AS reason
                    FROM placed p
                    WHERE p.stage <> p.stage_before
                ),
                locked AS (
                    SELECT c.member_id, c.stage_before, c.stage, c.reason
                    FROM members m JOIN changed c ON c.member_id = m.member_id
                    WHERE m.tenant_id = \(tenant) AND m.lifecycle_stage = c.stage_before
                    ORDER BY m.member_id
                    FOR NO KEY UPDATE OF m
                ),
                moved AS (
                    UPDATE members m SET lifecycle_stage = l.stage
                    FROM locked l
                    WHERE m.tenant_id = \(tenant) AND m.member_id = l.member_id
                    RETURNING m.member_id, l.stage_before, l.stage, l.reason
                )
                INSERT INTO lifecycle_moves (tenant_id, member_id, from_stage, to_stage, reason, moved_at)
                SELECT \(tenant), member_id, stage_before, stage, reason, \(now) FROM moved
                """
            ).affectedRows)
    }

    /// Event kinds the facts are read from.
    static let factKinds = Array(Set(LifecycleRules.trialKinds.map(\.rawValue) + ["purchase", "referral"])).sorted()

    /// The day's `lifecycle_moves` snapshot (a later run the same day, in the tenant's time zone,
    /// replaces it), over the tenant-local day so far: `{"stages": {stage: live members},
    /// "moves": [{"from", "to", "reason", "count"}], "settings": {"lapse_days", "fan_score"}}`.
    private func writeSnapshot(rules: LifecycleRules, context: JobContext, on connection: PostgresConnection)
        async throws -> Int64
    {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let now = context.now
        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind = 'lifecycle_moves' AND subject_id IS NULL
              AND period_start = (date_trunc('day', \(now) AT TIME ZONE \(zone)) AT TIME ZONE \(zone))
            """)
        let settings: [String: Double] = ["lapse_days": Double(rules.lapseDays), "fan_score": rules.fanScore]
        return Int64(
            try await connection.query(
                """
                WITH today AS (
                    SELECT date_trunc('day', \(now) AT TIME ZONE \(zone)) AT TIME ZONE \(zone) AS starts_at
                )
                INSERT INTO report_snapshots (tenant_id, kind, subject_id, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'lifecycle_moves', NULL::uuid, today.starts_at, \(now), \(now),
                       jsonb_build_object(
                           'stages', (SELECT coalesce(jsonb_object_agg(lifecycle_stage, member_count), '{}'::jsonb)
                                      FROM (SELECT lifecycle_stage, count(*) AS member_count FROM members
                                            WHERE tenant_id = \(tenant) AND deleted_at IS NULL AND erased_at IS NULL
                                              AND merged_into_member_id IS NULL
                                            GROUP BY lifecycle_stage) s),
                           'moves', (SELECT coalesce(jsonb_agg(jsonb_build_object('from', from_stage, 'to', to_stage,
                                                                                  'reason', reason, 'count', moves)
                                                               ORDER BY moves DESC, from_stage, to_stage, reason),
                                                     '[]'::jsonb)
                                     FROM (SELECT from_stage, to_stage, reason, count(*) AS moves FROM lifecycle_moves
                                           WHERE tenant_id = \(tenant) AND moved_at >= today.starts_at
                                             AND moved_at <= \(now)
                                           GROUP BY from_stage, to_stage, reason) mv),
                           'settings', \(try PostgresJSONB(encoding: settings))::jsonb)
                FROM today
                """
            ).affectedRows)
    }
}
