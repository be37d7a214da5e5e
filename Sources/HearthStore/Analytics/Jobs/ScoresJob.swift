import Foundation
import HearthDomain
public import HearthPostgres

/// The "scores" job (hourly): every member's engagement score from their weighted, decaying
/// events (``EngagementWeights``): `members.engagement_points = Σ points × exp(−λ·age)` as of
/// `engagement_points_at`, and `members.engagement_score = 100 × (1 − exp(−points / k))`; plus a
/// daily `engagement` report snapshot (score histogram). What each kind of event adds is not
/// stored: a member's report computes it from that member's events, as of `engagement_points_at`
/// (see ``MemberReportStore``), so a run writes one narrow update per member and nothing else.
///
/// **Incremental runs** recompute only the members whose events changed since the last run:
/// events recorded since then (late imports of old events included), events that happen between
/// the two runs (recorded earlier with a future time), both sides of a merge (merging moves events
/// without recording them anew), and members never computed. Every other member's points are
/// multiplied by the decay since they were computed, `exp(−λ·(now − engagement_points_at))`; since
/// decay is a common factor this equals recomputing them without reading every event. Such a
/// member is rewritten only once decay has moved their score by the `score_tolerance` (0.5 points
/// by default; see ``EngagementWeights``), so an hourly run writes the members whose events changed
/// and a few whose scores drifted, not every scored member, and gives what a full run gives to
/// within the tolerance (up to floating-point rounding with a tolerance of 0). The look-back starts
/// ``ingestOverlap`` before the last run, because an ingest transaction that began before that run
/// and committed after it had read the log stamps its events with its start time. A run whose
/// settings changed is always full.
///
/// Settings (`member_job_settings`, or a run's parameters, which are then saved): `weight.<kind>`,
/// `half_life_days`, `saturation`, `score_tolerance` (see ``EngagementWeights/init(parameters:)``).
public struct ScoresJob: AnalyticsJob {
    public let name = "scores"
    public let defaultCron = "0 * * * *"

    /// How far before the last run an incremental run still looks for recorded events.
    static let ingestOverlap: TimeInterval = 3_600

    /// Members whose scores are written per transaction. Event ingest locks the members it records
    /// for, so it waits for the chunk in hand (about a second), never for the whole run.
    let chunkSize: Int

    public init(chunkSize: Int = 20_000) { self.chunkSize = max(1, chunkSize) }

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tuning = try await MemberJobSettings.resolve(
            job: name, params: context.params, tenant: context.tenant, on: connection)
        let weights = try EngagementWeights(parameters: tuning.settings)
        if tuning.changed {
            try await MemberJobSettings.save(
                job: name, settings: tuning.settings, tenant: context.tenant, on: connection)
        }
        let incremental = !context.isFull && !tuning.changed && context.lastSuccess != nil
        if incremental, let lastSuccess = context.lastSuccess {
            try await collectChangedMembers(
                since: lastSuccess.addingTimeInterval(-Self.ingestOverlap), context: context, on: connection)
        }
        var written = try await writeScores(
            onlyChanged: incremental, weights: weights, context: context, on: connection)
        written += try await writeSnapshot(
            weights: weights, incremental: incremental, context: context, on: connection)
        return written
    }

    /// Fills `score_changed_members` (dropped at commit) with the members an incremental run
    /// recomputes from their events.
    private func collectChangedMembers(since: Date, context: JobContext, on connection: PostgresConnection)
        async throws
    {
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
            UNION
            SELECT member_id FROM members
            WHERE tenant_id = \(tenant) AND engagement_points_at IS NULL AND engagement_score <> 0
            """)
        try await connection.query("ANALYZE score_changed_members")
    }

    /// Sets every member's points and score as of now: from their events (all members, or those in
    /// `score_changed_members` when `onlyChanged`), else their stored points decayed to now (written
    /// only when that moves the score by the tolerance); 0 for members left without scored events.
    /// The new values are computed first, without locks, for the members whose values change; they
    /// are then written ``chunkSize`` members per
    /// transaction, each chunk locking its rows in id order, as event ingest does, so the two
    /// never deadlock. A run that fails part-way leaves the chunks it wrote: each member's points,
    /// score and `engagement_points_at` are written together, and the next run goes on from there.
    private func writeScores(
        onlyChanged: Bool, weights: EngagementWeights, context: JobContext, on connection: PostgresConnection
    ) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let kinds = weights.scoredKinds
        let (kindNames, kindPoints) = (kinds.map(\.rawValue), kinds.map { weights.points(for: $0) })
        let now = context.now.timeIntervalSince1970
        let lambda = weights.decayPerSecond
        // Unchanged members in an incremental run: their stored points, decayed since computed.
        let decayed =
            "m.engagement_points * exp(-(\(lambda)::float8) * (\(now)::float8 - extract(epoch FROM m.engagement_points_at)::float8))"
        let changedJoin = onlyChanged ? "JOIN score_changed_members ch ON ch.member_id = e.member_id" : ""
        let changedLeftJoin = onlyChanged ? "LEFT JOIN score_changed_members ch ON ch.member_id = m.member_id" : ""
        let points =
            onlyChanged
            ? "CASE WHEN ch.member_id IS NOT NULL THEN coalesce(s.points, 0) ELSE coalesce(\(decayed), 0) END"
            : "coalesce(s.points, 0)"
        let orChanged = onlyChanged ? "OR ch.member_id IS NOT NULL" : ""
        let changed = onlyChanged ? "ch.member_id IS NOT NULL" : "true"
        // A member without new events keeps a stored score that decay moved by less than the tolerance.
        let drifted =
            onlyChanged
            ? "AND (changed OR abs(stored_score - score) >= \(weights.scoreTolerance)::float8)" : ""
        // A run that failed on this connection may have left its table behind.
        try await connection.query("DROP TABLE IF EXISTS pg_temp.score_targets")
        try await connection.query(
            "CREATE TEMP TABLE score_targets (member_id uuid PRIMARY KEY, points float8 NOT NULL)")
        try await connection.query(
            """
            WITH totals AS (
                SELECT e.member_id,
                       sum(w.points * exp(-(\(lambda)::float8)
                                          * (\(now)::float8 - extract(epoch FROM e.occurred_at)::float8))) AS points
                FROM events e
                JOIN unnest(\(kindNames)::text[], \(kindPoints)::float8[]) AS w (kind, points) ON w.kind = e.kind
                \(unescaped: changedJoin)
                WHERE e.tenant_id = \(tenant) AND e.member_id IS NOT NULL AND e.occurred_at <= \(context.now)
                GROUP BY e.member_id
            ),
            target AS (
                SELECT m.member_id, \(unescaped: points) AS points, \(unescaped: changed) AS changed,
                       m.engagement_points AS stored_points, m.engagement_score AS stored_score
                FROM members m
                LEFT JOIN totals s ON s.member_id = m.member_id
                \(unescaped: changedLeftJoin)
                WHERE m.tenant_id = \(tenant)
                  AND (s.member_id IS NOT NULL OR m.engagement_points <> 0 OR m.engagement_score <> 0
                       \(unescaped: orChanged))
            )
            INSERT INTO score_targets (member_id, points)
            SELECT member_id, points
            FROM (SELECT *, 100 * (1 - exp(-points / \(weights.saturation)::float8)) AS score FROM target) t
            WHERE (stored_points, stored_score) IS DISTINCT FROM (points, score) \(unescaped: drifted)
            """)
        try await connection.query("ANALYZE score_targets")
        var written: Int64 = 0
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        while true {
            let bound = try await connection.query(
                """
                SELECT member_id FROM (
                    SELECT member_id FROM score_targets WHERE member_id > \(after)
                    ORDER BY member_id LIMIT \(chunkSize)) chunk
                ORDER BY member_id DESC LIMIT 1
                """)
            guard let last = try bound.first?.decode(UUID.self, at: 0) else { break }
            // The chunk's range is given for members too: joined by id alone, the planner would
            // read the whole members table for each chunk.
            written += Int64(
                try await connection.query(
                    """
                    WITH locked AS (
                        SELECT t.member_id, t.points FROM members m JOIN score_targets t ON t.member_id = m.member_id
                        WHERE m.tenant_id = \(tenant) AND m.member_id > \(after) AND m.member_id <= \(last)
                          AND t.member_id > \(after) AND t.member_id <= \(last)
                        ORDER BY m.member_id
                        FOR NO KEY UPDATE OF m
                    )
                    UPDATE members m
                    SET engagement_score = 100 * (1 - exp(-l.points / \(weights.saturation)::float8)),
                        engagement_points = l.points, engagement_points_at = \(context.now)
                    FROM locked l
                    WHERE m.tenant_id = \(tenant) AND m.member_id > \(after) AND m.member_id <= \(last)
                      AND m.member_id = l.member_id
                    """
                ).affectedRows)
            after = last
            try await connection.commitAndContinue(tenant: context.tenant)
        }
        try await connection.query("DROP TABLE score_targets")
        return written
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
        var settings: [String: Double] = [
            "half_life_days": weights.halfLifeDays, "saturation": weights.saturation,
            "score_tolerance": weights.scoreTolerance,
        ]
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
