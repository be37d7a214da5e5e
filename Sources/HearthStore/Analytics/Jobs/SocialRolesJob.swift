import Foundation
import HearthDomain
public import HearthPostgres

/// The "social_roles" job (daily): the social role of every active membership by
/// ``SocialRoleRules`` from the member's last 30 days in that group, written to
/// `memberships.social_role`, and each member's overall role to `members.social_role`; plus a daily
/// `social_roles` report snapshot.
///
/// Every run judges every active membership: the window slides with time, and roles are relative to
/// each group, so one member's new messages can change their neighbours' roles. Only changed rows
/// are written. Memberships that are no longer active (left, removed, banned, pending, or in an
/// archived group) lose their role: it describes how someone takes part, and they no longer do.
///
/// Settings (`member_job_settings`, or a run's parameters, which are then saved): `window_days`,
/// `long_message_length`, `short_message_length`, `stand_out_ratio`, `minimum_signal`,
/// `lurker_max_messages`, `challenger_minimum` (see ``SocialRoleRules/init(parameters:)``).
public struct SocialRolesJob: AnalyticsJob {
    public let name = "social_roles"
    public let defaultCron = "30 2 * * *"

    public init() {}

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tuning = try await MemberJobSettings.resolve(
            job: name, params: context.params, tenant: context.tenant, on: connection)
        let rules = try SocialRoleRules(parameters: tuning.settings)
        if tuning.changed {
            try await MemberJobSettings.save(
                job: name, settings: tuning.settings, tenant: context.tenant, on: connection)
        }
        try await connection.query(
            """
            CREATE TEMP TABLE social_role_results (
                community_id uuid NOT NULL,
                member_id    uuid NOT NULL,
                role         text,
                events       bigint NOT NULL,
                PRIMARY KEY (community_id, member_id)
            ) ON COMMIT DROP
            """)
        try await judge(rules: rules, context: context, on: connection)
        var written = try await writeMemberships(context: context, on: connection)
        written += try await writeMembers(context: context, on: connection)
        written += try await writeSnapshot(rules: rules, context: context, on: connection)
        return written
    }

    /// Fills `social_role_results` with every active membership's role (NULL: none) and how many
    /// events the member had in that group in the window. The SQL follows
    /// ``SocialRoleRules/role(of:groupAverage:)`` rule for rule.
    private func judge(rules: SocialRoleRules, context: JobContext, on connection: PostgresConnection) async throws {
        let tenant = context.tenant.rawValue
        let now = context.now
        let from = rules.windowStart(now: now)
        try await connection.query(
            """
            WITH active AS (
                SELECT ms.community_id, ms.member_id
                FROM memberships ms
                JOIN communities c ON c.tenant_id = ms.tenant_id AND c.community_id = ms.community_id
                WHERE ms.tenant_id = \(tenant) AND ms.status = 'active' AND c.archived_at IS NULL
            ),
            recent AS (
                SELECT e.community_id, e.member_id, e.kind, e.properties AS p,
                       CASE WHEN jsonb_typeof(e.properties -> 'length') = 'number'
                            THEN (e.properties ->> 'length')::float8 END AS length,
                       (e.kind = 'feedback' AND e.properties ->> 'feedback_status' = 'open') AS open_feedback,
                       coalesce(e.properties -> 'complaint' = 'true'::jsonb, false)
                           OR coalesce(CASE WHEN jsonb_typeof(e.properties -> 'sentiment') = 'number'
                                            THEN (e.properties ->> 'sentiment')::float8 < 0
                                            ELSE e.properties ->> 'sentiment' = 'negative' END, false) AS negative
                FROM events e
                WHERE e.tenant_id = \(tenant) AND e.community_id IS NOT NULL AND e.member_id IS NOT NULL
                  AND e.occurred_at > \(from) AND e.occurred_at <= \(now)
            ),
            flagged AS (
                SELECT r.community_id, r.member_id,
                       r.kind = 'message' AS message,
                       r.kind = 'message' AND (coalesce(r.p -> 'announcement' = 'true'::jsonb, false)
                                               OR coalesce(r.p -> 'moderation' = 'true'::jsonb, false)) AS announcement,
                       r.kind = 'message'
                           AND coalesce(r.p ->> 'reply_to_member_id', '') NOT IN ('', r.member_id::text) AS reply,
                       r.kind = 'message' AND coalesce(r.length >= \(Double(rules.longMessageLength)), false) AS long,
                       r.kind = 'message' AND coalesce(r.length < \(Double(rules.shortMessageLength)), false) AS short,
                       r.kind = 'message' AND coalesce(r.p -> 'is_question' = 'true'::jsonb, false) AS question,
                       r.kind = 'share' AS share,
                       r.kind = 'check_in' AS check_in,
                       r.open_feedback AND NOT r.negative AS request,
                       r.open_feedback AND r.negative AS complaint
                FROM recent r
            ),
            signals AS (
                SELECT a.community_id, a.member_id,
                       count(f.member_id) AS events,
                       count(*) FILTER (WHERE f.message) AS messages,
                       \(SocialRoleRules.announcementWeight) * count(*) FILTER (WHERE f.announcement)
                           + count(*) FILTER (WHERE f.reply) AS organizer,
                       count(*) FILTER (WHERE f.long) + \(SocialRoleRules.shareWeight) * count(*) FILTER (WHERE f.share)
                           AS thinker,
                       (count(*) FILTER (WHERE f.short) + count(*) FILTER (WHERE f.check_in))::float8 AS energizer,
                       (count(*) FILTER (WHERE f.question) + count(*) FILTER (WHERE f.request))::float8 AS asker,
                       count(*) FILTER (WHERE f.complaint) AS complaints
                FROM active a
                LEFT JOIN flagged f ON f.community_id = a.community_id AND f.member_id = a.member_id
                GROUP BY a.community_id, a.member_id
            ),
            moderated AS (
                SELECT community_id, member_id, count(*) AS actions
                FROM moderation_actions
                WHERE tenant_id = \(tenant) AND action IN ('warn', 'mute', 'remove', 'ban')
                  AND created_at > \(from) AND created_at <= \(now)
                GROUP BY community_id, member_id
            ),
            scored AS (
                SELECT s.community_id, s.member_id, s.events, s.messages, s.organizer, s.thinker, s.energizer, s.asker,
                       (s.complaints + coalesce(md.actions, 0))::float8 AS challenger,
                       avg(s.organizer) OVER g AS organizer_average,
                       avg(s.thinker) OVER g AS thinker_average,
                       avg(s.energizer) OVER g AS energizer_average,
                       avg(s.asker) OVER g AS asker_average
                FROM signals s
                LEFT JOIN moderated md ON md.community_id = s.community_id AND md.member_id = s.member_id
                WINDOW g AS (PARTITION BY s.community_id)
            )
            INSERT INTO social_role_results (community_id, member_id, role, events)
            SELECT sc.community_id, sc.member_id,
                   CASE WHEN sc.challenger >= \(rules.challengerMinimum) THEN 'challenger'
                        WHEN best.role IS NOT NULL THEN best.role
                        WHEN sc.messages <= \(rules.lurkerMaxMessages) THEN 'lurker' END,
                   sc.events
            FROM scored sc
            LEFT JOIN LATERAL (
                SELECT v.role
                FROM (VALUES (1, 'organizer', sc.organizer, sc.organizer_average),
                             (2, 'thinker', sc.thinker, sc.thinker_average),
                             (3, 'energizer', sc.energizer, sc.energizer_average),
                             (4, 'asker', sc.asker, sc.asker_average)) AS v (tie_order, role, signal, average)
                WHERE v.signal >= \(rules.minimumSignal) AND v.average > 0
                  AND v.signal >= \(rules.standOutRatio) * v.average
                ORDER BY v.signal / v.average DESC, v.tie_order
                LIMIT 1
            ) best ON true
            """)
    }

    /// Writes each active membership's role where it changed, and clears the role of memberships
    /// no longer judged.
    private func writeMemberships(context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let judged = try await connection.query(
            """
            WITH locked AS (
                SELECT r.community_id, r.member_id, r.role
                FROM memberships ms
                JOIN social_role_results r ON r.community_id = ms.community_id AND r.member_id = ms.member_id
                WHERE ms.tenant_id = \(tenant) AND ms.social_role IS DISTINCT FROM r.role
                ORDER BY ms.community_id, ms.member_id
                FOR NO KEY UPDATE OF ms
            )
            UPDATE memberships ms SET social_role = l.role
            FROM locked l
            WHERE ms.tenant_id = \(tenant) AND ms.community_id = l.community_id AND ms.member_id = l.member_id
            """
        ).affectedRows
        let cleared = try await connection.query(
            """
            UPDATE memberships ms SET social_role = NULL
            WHERE ms.tenant_id = \(tenant) AND ms.social_role IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM social_role_results r
                              WHERE r.community_id = ms.community_id AND r.member_id = ms.member_id)
            """
        ).affectedRows
        return Int64(judged + cleared)
    }

    /// Writes each member's overall role (``SocialRoleRules/dominant(_:)``: the group where they did
    /// the most, ties to a role other than lurker, then in ``SocialRoleRules/dominanceOrder``)
    /// where it changed; NULL for members without a role in any group.
    private func writeMembers(context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        return Int64(
            try await connection.query(
                """
                WITH dominant AS (
                    SELECT DISTINCT ON (member_id) member_id, role
                    FROM social_role_results
                    WHERE role IS NOT NULL
                    ORDER BY member_id, events DESC, role = 'lurker',
                             array_position(\(SocialRoleRules.dominanceOrder.map(\.rawValue))::text[], role)
                ),
                locked AS (
                    SELECT m.member_id, d.role
                    FROM members m LEFT JOIN dominant d ON d.member_id = m.member_id
                    WHERE m.tenant_id = \(tenant) AND m.social_role IS DISTINCT FROM d.role
                    ORDER BY m.member_id
                    FOR NO KEY UPDATE OF m
                )
                UPDATE members m SET social_role = l.role
                FROM locked l
                WHERE m.tenant_id = \(tenant) AND m.member_id = l.member_id
                """
            ).affectedRows)
    }

    /// The day's `social_roles` snapshot (a later run the same day, in the tenant's time zone,
    /// replaces it), over the window: `{"memberships": judged, "roles": {role: memberships},
    /// "settings": {...}}`.
    private func writeSnapshot(rules: SocialRoleRules, context: JobContext, on connection: PostgresConnection)
        async throws -> Int64
    {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let now = context.now
        let settings: [String: Double] = [
            "window_days": Double(rules.windowDays), "long_message_length": Double(rules.longMessageLength),
            "short_message_length": Double(rules.shortMessageLength), "stand_out_ratio": rules.standOutRatio,
            "minimum_signal": rules.minimumSignal, "lurker_max_messages": Double(rules.lurkerMaxMessages),
            "challenger_minimum": rules.challengerMinimum,
        ]
        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind = 'social_roles' AND subject_id IS NULL
              AND computed_at >= (date_trunc('day', \(now) AT TIME ZONE \(zone)) AT TIME ZONE \(zone))
              AND computed_at <= \(now)
            """)
        return Int64(
            try await connection.query(
                """
                INSERT INTO report_snapshots (tenant_id, kind, subject_id, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'social_roles', NULL::uuid, \(rules.windowStart(now: now)), \(now), \(now),
                       jsonb_build_object(
                           'memberships', (SELECT count(*) FROM social_role_results),
                           'roles', (SELECT coalesce(jsonb_object_agg(role, memberships), '{}'::jsonb)
                                     FROM (SELECT role, count(*) AS memberships FROM social_role_results
                                           WHERE role IS NOT NULL GROUP BY role) r),
                           'settings', \(try PostgresJSONB(encoding: settings))::jsonb)
                """
            ).affectedRows)
    }
}
