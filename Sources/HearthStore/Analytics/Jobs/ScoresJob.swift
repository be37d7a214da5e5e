import Foundation
import HearthDomain
public import HearthPostgres

/// The "scores" job (hourly): every member's engagement score from their weighted, decaying
/// events (``EngagementWeights``), kept per event kind in `member_score_contributions` so the score
/// can be explained, and written to `members.engagement_score`; plus a daily `engagement` report
/// snapshot (score histogram).
///
/// **Incremental runs** recompute only the members whose events changed since the last run:
/// events recorded since then (late imports of old events included), events that happen between
/// the two runs (recorded earlier with a future time), and both sides of a merge (merging moves
/// events without recording them anew). Every other member's stored points are multiplied by the
/// decay since they were computed, `exp(−λ·(now − computed_at))`, in one UPDATE; since decay is a
/// common factor this equals recomputing them, so an incremental run gives what a full run gives
/// (up to floating-point rounding). The look-back starts ``ingestOverlap`` before the last run,
/// because an ingest transaction that began before that run and committed after it had read the log
/// stamps its events with its start time. A run whose settings changed is always full.
///
/// Settings (`member_job_settings`, or a run's parameters, which are then saved): `weight.<kind>`,
/// `half_life_days`, `saturation` (see ``EngagementWeights/init(parameters:)``).
public struct ScoresJob: AnalyticsJob {
    public let name = "scores"
    public let defaultCron = "0 * * * *"

    /// How far before the last run an incremental run still looks for recorded events.
    static let ingestOverlap: TimeInterval = 3_600

    public init() {}

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let tuning = try await MemberJobSettings.resolve(
            job: name, params: context.params, tenant: context.tenant, on: connection)
        let weights = try EngagementWeights(parameters: tuning.settings)
        if tuning.changed {
            try await MemberJobSettings.save(
                job: name, settings: tuning.settings, tenant: context.tenant, on: connection)
        }
        var written: Int64 = 0
        if !context.isFull, !tuning.changed, let lastSuccess = context.lastSuccess {
            written += try await recomputeChanged(
                since: lastSuccess.addingTimeInterval(-Self.ingestOverlap), weights: weights, context: context,
                on: connection)
        } else {
            try await connection.query("DELETE FROM member_score_contributions WHERE tenant_id = \(tenant)")
            written += try await insertContributions(
                onlyChanged: false, weights: weights, context: context, on: connection)
        }
        written += try await writeScores(weights: weights, context: context, on: connection)
        written += try await writeSnapshot(
            weights: weights, incremental: !context.isFull && !tuning.changed, context: context, on: connection)
        return written
    }

    /// The incremental part: recomputes the members whose events changed since `since` and decays
    /// everyone else's points to now.
    private func recomputeChanged(
        since: Date, weights: EngagementWeights, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        try await connection.query(
            "CREATE TEMP TABLE score_changed_members (member_id uuid PRIMARY KEY) ON COMMIT DROP")
        try await connection.query(
            """
            INSERT INTO score_changed_members (member_id)
            SELECT member_id FROM events
            WHERE tenant_id = \(tenant) AND member_id IS NOT NULL AND recorded_at > \(since)
            UNION
            SELECT member_id FROM events
            WHERE tenant_id = \(tenant) AND member_id IS NOT NULL AND occurred_at > \(since)
            UNION
            SELECT survivor_member_id FROM member_merges WHERE tenant_id = \(tenant) AND merged_at > \(since)
            UNION
            SELECT merged_member_id FROM member_merges WHERE tenant_id = \(tenant) AND merged_at > \(since)
            """)
        try await connection.query(
            """
            DELETE FROM member_score_contributions c USING score_changed_members ch
            WHERE c.tenant_id = \(tenant) AND c.member_id = ch.member_id
            """)
        let decayed = try await connection.query(
            """
            UPDATE member_score_contributions
            SET points = points * exp(-(\(weights.decayPerSecond))
                                      * (extract(epoch FROM \(context.now)) - extract(epoch FROM computed_at))::float8),
                computed_at = \(context.now)
            WHERE tenant_id = \(tenant) AND computed_at <> \(context.now)
            """
        ).affectedRows
        let inserted = try await insertContributions(
            onlyChanged: true, weights: weights, context: context, on: connection)
        return Int64(decayed) + inserted
    }

    /// Computes the contributions of every member (or of those in `score_changed_members`) from
    /// their events up to now: per kind, the count and `Σ points × exp(−λ·age)`.
    private func insertContributions(
        onlyChanged: Bool, weights: EngagementWeights, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let kinds = weights.scoredKinds
        let (kindNames, kindPoints) = (kinds.map(\.rawValue), kinds.map { weights.points(for: $0) })
        let changedJoin = onlyChanged ? "JOIN score_changed_members ch ON ch.member_id = e.member_id" : ""
        return Int64(
            try await connection.query(
                """
                INSERT INTO member_score_contributions (tenant_id, member_id, kind, event_count, points, computed_at)
                SELECT e.tenant_id, e.member_id, e.kind, count(*),
                       sum(w.points * exp(-(\(weights.decayPerSecond))
                                          * (extract(epoch FROM \(context.now))
                                             - extract(epoch FROM e.occurred_at))::float8)),
                       \(context.now)
                FROM events e
                JOIN unnest(\(kindNames)::text[], \(kindPoints)::float8[]) AS w (kind, points)
                  ON w.kind = e.kind
                \(unescaped: changedJoin)
                WHERE e.tenant_id = \(context.tenant.rawValue) AND e.member_id IS NOT NULL
                  AND e.occurred_at <= \(context.now)
                GROUP BY e.tenant_id, e.member_id, e.kind
                """
            ).affectedRows)
    }

    /// Sets `members.engagement_score = 100 × (1 − exp(−Σ points / k))` where it changed (0 for
    /// members left without contributions). Rows are locked in id order first, as event ingest
    /// locks them, so the two never deadlock.
    private func writeScores(weights: EngagementWeights, context: JobContext, on connection: PostgresConnection)
        async throws -> Int64
    {
        let tenant = context.tenant.rawValue
        return Int64(
            try await connection.query(
                """
                WITH raw AS (
                    SELECT member_id, sum(points) AS points FROM member_score_contributions
                    WHERE tenant_id = \(tenant) GROUP BY member_id
                ),
                target AS (
                    SELECT m.member_id, 100 * (1 - exp(-coalesce(r.points, 0) / \(weights.saturation))) AS score
                    FROM members m LEFT JOIN raw r ON r.member_id = m.member_id
                    WHERE m.tenant_id = \(tenant) AND (r.member_id IS NOT NULL OR m.engagement_score <> 0)
                ),
                locked AS (
                    SELECT t.member_id, t.score FROM members m JOIN target t ON t.member_id = m.member_id
                    WHERE m.tenant_id = \(tenant) AND m.engagement_score IS DISTINCT FROM t.score
                    ORDER BY m.member_id
                    FOR NO KEY UPDATE OF m
                )
                UPDATE members m SET engagement_score = l.score
                FROM locked l
                WHERE m.tenant_id = \(tenant) AND m.member_id = l.member_id
                """
            ).affectedRows)
    }

    /// The day's `engagement` snapshot (a later run the same day, in the tenant's time zone,
    /// replaces it): `{"members", "members_scored", "mean_score" (of members scored above 0),
    /// "histogram": [{"lower", "upper", "count"}] (ten buckets of 10 points), "settings",
    /// "incremental"}` over live members. Its `computed_at` is when scores were last computed.
    private func writeSnapshot(
        weights: EngagementWeights, incremental: Bool, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        var settings: [String: Double] = ["half_life_days": weights.halfLifeDays, "saturation": weights.saturation]
        for kind in EventKind.allCases { settings["weight.\(kind.rawValue)"] = weights.points(for: kind) }
        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind = 'engagement' AND subject_id IS NULL
              AND period_start = (date_trunc('day', \(context.now) AT TIME ZONE \(zone)) AT TIME ZONE \(zone))
            """)
        return Int64(
            try await connection.query(
                """
                INSERT INTO report_snapshots (tenant_id, kind, subject_id, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'engagement', NULL::uuid,
                       date_trunc('day', \(context.now) AT TIME ZONE \(zone)) AT TIME ZONE \(zone),
                       \(context.now), \(context.now),
                       jsonb_build_object(
                           'members', count(*),
                           'members_scored', count(*) FILTER (WHERE m.engagement_score > 0),
                           'mean_score', coalesce(avg(m.engagement_score) FILTER (WHERE m.engagement_score > 0), 0),
                           'histogram', (
                               SELECT jsonb_agg(jsonb_build_object('lower', b.bucket * 10, 'upper', b.bucket * 10 + 10,
                                                                   'count', coalesce(h.member_count, 0))
                                                ORDER BY b.bucket)
                               FROM generate_series(0, 9) AS b (bucket)
                               LEFT JOIN (SELECT least(floor(engagement_score / 10)::int, 9) AS bucket,
                                                 count(*) AS member_count
                                          FROM members
                                          WHERE tenant_id = \(tenant) AND deleted_at IS NULL
                                            AND merged_into_member_id IS NULL
                                          GROUP BY 1) h ON h.bucket = b.bucket),
                           'settings', \(try PostgresJSONB(encoding: settings))::jsonb,
                           'incremental', \(incremental)::boolean)
                FROM members m
                WHERE m.tenant_id = \(tenant) AND m.deleted_at IS NULL AND m.merged_into_member_id IS NULL
                """
            ).affectedRows)
    }
}

// MARK: - Settings of the member jobs

/// A tenant's tuning of the scores, lifecycle and social_roles jobs (`member_job_settings`).
/// Scheduled runs carry no parameters, so a setting given to one run (`RunJob` params such as
/// `{"weight.purchase": "10"}`) is saved and applies to every later run; an empty value removes
/// it (back to the default). The `full` parameter is a run option, not a setting.
enum MemberJobSettings {
    /// The settings a run uses: the saved ones with the run's parameters laid over them, and
    /// whether those parameters changed them (then the caller checks and ``save(job:settings:tenant:on:)``s
    /// them, and recomputes everything).
    static func resolve(
        job: String, params: [String: String], tenant: TenantID, on connection: PostgresConnection
    ) async throws -> (settings: [String: String], changed: Bool) {
        let stored =
            try await connection.query(
                "SELECT settings FROM member_job_settings WHERE tenant_id = \(tenant.rawValue) AND job_name = \(job)"
            ).first.map { row in try row.decode(PostgresJSONB.self, at: 0).decode([String: String].self) } ?? [:]
        var settings = stored
        for (key, value) in params where key != "full" {
            settings[key] = value.trimmingCharacters(in: .whitespaces).isEmpty ? nil : value
        }
        return (settings, settings != stored)
    }

    /// Keeps checked settings for the job's later runs.
    static func save(
        job: String, settings: [String: String], tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            INSERT INTO member_job_settings (tenant_id, job_name, settings)
            VALUES (\(tenant.rawValue), \(job), \(try PostgresJSONB(encoding: settings)))
            ON CONFLICT (tenant_id, job_name) DO UPDATE SET settings = EXCLUDED.settings
            """)
    }
}
