public import Foundation
public import HearthDomain
public import HearthPostgres

/// "community_health": each live group's figures, warnings and score per calendar day (tenant time
/// zone) into `community_health_days`, by the rules of ``CommunityHealthRules``.
///
/// Two statements: the first computes the days' figures from events and memberships and upserts
/// them; the second judges them (activity falling day over day, inflow, staff presence, capacity)
/// and scores them. A full run computes the last `days` days (default 90) up to today; an
/// incremental run recomputes from the day of the last successful run (at least yesterday and
/// today), carrying the running streaks over from the day before, so it leaves the table as a full
/// run would. Events older than that which arrive late count from the next full run on. Re-running
/// rewrites the same rows with the same values. Days before a group was created get no row, and
/// archived groups keep the rows they had.
public struct CommunityHealthJob: AnalyticsJob {
    public init() {}

    public var name: String { "community_health" }
    /// Daily at 02:00 (tenant time), after the day it reports on is over.
    public var defaultCron: String { "0 2 * * *" }

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let rules = try CommunityHealthRules(parameters: context.params)
        let days = Self.days(context, rules: rules)
        let written = try await Self.computeFigures(days: days, rules: rules, context: context, on: connection)
        try await Self.judge(days: days, rules: rules, context: context, on: connection)
        return Int64(written)
    }

    /// The calendar days a run computes, first and last (today) included.
    static func days(_ context: JobContext, rules: CommunityHealthRules) -> ClosedRange<PostgresDate> {
        let today = localDay(context.now, in: context.timeZone)
        let earliest = today.daysSince2000 - Int32(rules.fullRunDays - 1)
        var first = earliest
        if !context.isFull, let last = context.lastSuccess {
            first = max(earliest, min(localDay(last, in: context.timeZone).daysSince2000, today.daysSince2000 - 1))
        }
        return PostgresDate(daysSince2000: first)...today
    }

    /// The calendar day `instant` falls on in `zone`.
    static func localDay(_ instant: Date, in zone: TimeZone) -> PostgresDate {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        return PostgresDate(daysSince2000: Int32((local / 86_400).rounded(.down)) - 10_957)
    }

    /// Upserts every live group's figures for `days`; returns the rows written.
    ///
    /// No membership is joined to every day: members per day are a running sum of +1 on each
    /// membership's first day and −1 on the day after its last. A member's message days, each covering
    /// itself and the `lurkerDays − 1` days after, make disjoint runs; cut to the membership, they give
    /// the voiced members the same way, and lurkers are members minus voiced members. Recent joins and
    /// staff presence are sliding windows over each group's consecutive days.
    private static func computeFigures(
        days: ClosedRange<PostgresDate>, rules: CommunityHealthRules, context: JobContext,
        on connection: PostgresConnection
    ) async throws -> Int {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let (first, last) = (days.lowerBound, days.upperBound)
        let lurkBack = Int32(rules.lurkerDays - 1)
        let inBack = Int32(rules.inflowDays - 1)
        let staffBack = Int32(rules.staffDays - 1)
        let reach = max(lurkBack, inBack, staffBack)
        return try await connection.query(
            """
            WITH grid AS (
                -- Every live group's days, from the start of the longest look-back window on (so that
                -- the windows below run over consecutive rows); the rows written start at `first`.
                SELECT c.community_id, c.capacity, (c.created_at AT TIME ZONE \(zone))::date AS created,
                       \(first) + i AS day
                FROM communities c
                CROSS JOIN generate_series(-\(reach), \(last) - \(first)) AS i
                WHERE c.tenant_id = \(tenant) AND c.archived_at IS NULL
            ),
            -- The groups' events from the start of the longest look-back window to the last day's end.
            recent AS MATERIALIZED (
                SELECT e.community_id, e.member_id, e.kind, (e.occurred_at AT TIME ZONE \(zone))::date AS day
                FROM events e
                WHERE e.tenant_id = \(tenant) AND e.community_id IS NOT NULL
                  AND e.occurred_at >= ((\(first) - \(reach))::timestamp AT TIME ZONE \(zone))
                  AND e.occurred_at < ((\(last) + 1)::timestamp AT TIME ZONE \(zone))
            ),
            -- Each group's days with events; staffed: the group's owner or an admin (as their memberships
            -- stand) did anything in it.
            daily AS (
                SELECT r.community_id, r.day, count(DISTINCT r.member_id) AS active_members,
                       count(*) FILTER (WHERE r.kind = 'message') AS messages,
                       count(*) FILTER (WHERE r.kind = 'join') AS joins,
                       count(*) FILTER (WHERE r.kind = 'leave') AS leaves,
                       bool_or(m.member_id IS NOT NULL) AS staffed
                FROM recent r
                LEFT JOIN memberships m ON m.tenant_id = \(tenant) AND m.community_id = r.community_id
                                       AND m.member_id = r.member_id AND m.role IN ('owner', 'admin')
                                       AND m.status = 'active'
                GROUP BY r.community_id, r.day
            ),
            -- Each membership's days [since, until) (until NULL while it lasts): the days that end after
            -- joined_at and not after left_at. The first day to end after an instant is its local date, or the
            -- day before in an hour repeated after midnight (such a day ends at the later midnight).
            stays AS (
                SELECT m.community_id, m.member_id,
                       j.day - (m.joined_at < (j.day::timestamp AT TIME ZONE \(zone)))::integer AS since,
                       l.day - (m.left_at < (l.day::timestamp AT TIME ZONE \(zone)))::integer AS until
                FROM memberships m
                CROSS JOIN LATERAL (SELECT (m.joined_at AT TIME ZONE \(zone))::date AS day) j
                CROSS JOIN LATERAL (SELECT (m.left_at AT TIME ZONE \(zone))::date AS day) l
                WHERE m.tenant_id = \(tenant) AND m.joined_at IS NOT NULL
            ),
            -- A member's message days, each covering itself and the look-back days after it, cut at the next:
            -- disjoint runs [since, until) of days on which the member is not a lurker.
            voiced AS (
                SELECT community_id, member_id, day AS since,
                       least(day + \(lurkBack) + 1,
                             lead(day) OVER (PARTITION BY community_id, member_id ORDER BY day)) AS until
                FROM (SELECT DISTINCT community_id, member_id, day FROM recent
                      WHERE kind = 'message' AND member_id IS NOT NULL) s
            ),
            -- How the members and the voiced members (runs within stays) change per day: +1 from since,
            -- −1 from until; changes before the first day count on it.
            changes AS (
                SELECT i.community_id, greatest(x.day, \(first)) AS day,
                       sum(x.delta) FILTER (WHERE NOT i.voiced) AS members,
                       sum(x.delta) FILTER (WHERE i.voiced) AS voiced
                FROM (SELECT community_id, since, until, false AS voiced FROM stays
                      UNION ALL
                      SELECT v.community_id, greatest(v.since, s.since), least(v.until, s.until), true
                      FROM voiced v
                      JOIN stays s ON s.community_id = v.community_id AND s.member_id = v.member_id
                      WHERE greatest(v.since, s.since) < least(v.until, s.until)) i
                CROSS JOIN LATERAL (VALUES (i.since, 1), (i.until, -1)) AS x (day, delta)
                WHERE x.day <= \(last)
                GROUP BY 1, 2
            ),
            figures AS (
                SELECT g.community_id, g.capacity, g.created, g.day,
                       coalesce(a.active_members, 0) AS active_members, coalesce(a.messages, 0) AS messages,
                       coalesce(a.joins, 0) AS joins, coalesce(a.leaves, 0) AS leaves,
                       sum(coalesce(n.members, 0)) OVER (upto ROWS UNBOUNDED PRECEDING)::integer AS members,
                       sum(coalesce(n.voiced, 0)) OVER (upto ROWS UNBOUNDED PRECEDING)::integer AS voiced,
                       sum(coalesce(a.joins, 0))
                           OVER (upto ROWS BETWEEN \(inBack) PRECEDING AND CURRENT ROW) AS recent_joins,
                       bool_or(coalesce(a.staffed, false))
                           OVER (upto ROWS BETWEEN \(staffBack) PRECEDING AND CURRENT ROW) AS staff_active
                FROM grid g
                LEFT JOIN daily a ON a.community_id = g.community_id AND a.day = g.day
                LEFT JOIN changes n ON n.community_id = g.community_id AND n.day = g.day
                WINDOW upto AS (PARTITION BY g.community_id ORDER BY g.day)
            )
            INSERT INTO community_health_days (tenant_id, community_id, day, members, capacity, active_members,
                                               messages, joins, leaves, lurkers, lurker_share, recent_joins,
                                               staff_active, computed_at)
            SELECT \(tenant), f.community_id, f.day, f.members, f.capacity, f.active_members::integer, f.messages,
                   f.joins::integer, f.leaves::integer, f.members - f.voiced,
                   CASE WHEN f.members > 0 THEN (f.members - f.voiced)::float8 / f.members ELSE 0 END,
                   f.recent_joins::integer, f.staff_active, \(context.now)
            FROM figures f
            WHERE f.day >= \(first) AND f.day >= f.created
            ON CONFLICT (tenant_id, community_id, day) DO UPDATE
            SET members = EXCLUDED.members, capacity = EXCLUDED.capacity, active_members = EXCLUDED.active_members,
                messages = EXCLUDED.messages, joins = EXCLUDED.joins, leaves = EXCLUDED.leaves,
                lurkers = EXCLUDED.lurkers, lurker_share = EXCLUDED.lurker_share,
                recent_joins = EXCLUDED.recent_joins, staff_active = EXCLUDED.staff_active,
                computed_at = EXCLUDED.computed_at
            """
        ).affectedRows
    }

    /// Streaks, warnings and scores of the days just computed. The day before `days` (as stored)
    /// seeds the streaks, so they run on across incremental runs. The last join and the last staff
    /// event before each day's end (the warnings' "since") are running maxima over those events by day.
    private static func judge(
        days: ClosedRange<PostgresDate>, rules: CommunityHealthRules, context: JobContext,
        on connection: PostgresConnection
    ) async throws {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let (first, last) = (days.lowerBound, days.upperBound)
        let inBack = Int32(rules.inflowDays - 1)
        let staffBack = Int32(rules.staffDays - 1)
        try await connection.query(
            """
            WITH stored AS (
                SELECT h.community_id, h.day, h.members, h.capacity, h.active_members, h.lurker_share, h.recent_joins,
                       h.staff_active, h.decline_days, h.near_capacity_days, h.day >= \(first) AS fresh, c.created_at
                FROM community_health_days h
                JOIN communities c ON c.tenant_id = h.tenant_id AND c.community_id = h.community_id
                WHERE h.tenant_id = \(tenant) AND c.archived_at IS NULL AND h.day BETWEEN \(first) - 1 AND \(last)
            ),
            steps AS (
                SELECT s.*,
                       coalesce(lag(s.day) OVER ordered = s.day - 1
                                AND s.active_members < lag(s.active_members) OVER ordered, false) AS down,
                       s.members >= \(rules.capacityShare) * s.capacity AS near
                FROM stored s
                WINDOW ordered AS (PARTITION BY s.community_id ORDER BY s.day)
            ),
            runs AS (
                SELECT p.*,
                       max(p.day) FILTER (WHERE p.fresh AND NOT p.down) OVER upto AS last_steady,
                       max(p.day) FILTER (WHERE p.fresh AND NOT p.near) OVER upto AS last_roomy,
                       min(p.day) FILTER (WHERE p.fresh) OVER whole AS first_fresh,
                       max(p.decline_days) FILTER (WHERE NOT p.fresh) OVER whole AS carried_decline,
                       max(p.near_capacity_days) FILTER (WHERE NOT p.fresh) OVER whole AS carried_near
                FROM steps p
                WINDOW upto AS (PARTITION BY p.community_id ORDER BY p.day
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                       whole AS (PARTITION BY p.community_id)
            ),
            -- The groups' joins and their staff's events (owner or admin as their memberships stand) by the
            -- first day to end after them (their local date, or the day before in an hour repeated after
            -- midnight); earlier ones count on the first day.
            marks AS (
                SELECT t.community_id,
                       greatest(t.day - (t.occurred_at < (t.day::timestamp AT TIME ZONE \(zone)))::integer,
                                \(first)) AS day,
                       max(t.occurred_at) FILTER (WHERE t.is_join) AS last_join,
                       max(t.occurred_at) FILTER (WHERE NOT t.is_join) AS last_staff
                FROM (SELECT e.community_id, e.occurred_at, true AS is_join,
                             (e.occurred_at AT TIME ZONE \(zone))::date AS day
                      FROM events e
                      WHERE e.tenant_id = \(tenant) AND e.kind = 'join' AND e.community_id IS NOT NULL
                        AND e.occurred_at < ((\(last) + 1)::timestamp AT TIME ZONE \(zone))
                      UNION ALL
                      SELECT e.community_id, e.occurred_at, false, (e.occurred_at AT TIME ZONE \(zone))::date
                      FROM memberships m
                      JOIN events e ON e.tenant_id = m.tenant_id AND e.member_id = m.member_id
                                   AND e.community_id = m.community_id
                      WHERE m.tenant_id = \(tenant) AND m.role IN ('owner', 'admin') AND m.status = 'active'
                        AND e.occurred_at < ((\(last) + 1)::timestamp AT TIME ZONE \(zone))) t
                GROUP BY 1, 2
            ),
            -- The fresh days, with the marks (mark) interleaved for the running maxima below.
            judged AS (
                SELECT r.community_id, r.day, false AS mark, r.members, r.capacity, r.active_members, r.lurker_share,
                       r.created_at,
                       CASE WHEN NOT r.down THEN 0
                            WHEN r.last_steady IS NOT NULL THEN r.day - r.last_steady
                            ELSE coalesce(r.carried_decline, 0) + (r.day - r.first_fresh + 1) END AS decline_run,
                       CASE WHEN NOT r.near THEN 0
                            WHEN r.last_roomy IS NOT NULL THEN r.day - r.last_roomy
                            ELSE coalesce(r.carried_near, 0) + (r.day - r.first_fresh + 1) END AS near_run,
                       r.recent_joins = 0
                           AND r.created_at < ((r.day - \(inBack))::timestamp AT TIME ZONE \(zone)) AS no_new_members,
                       NOT r.staff_active
                           AND r.created_at < ((r.day - \(staffBack))::timestamp AT TIME ZONE \(zone)) AS no_staff,
                       NULL::timestamptz AS join_mark, NULL::timestamptz AS staff_mark
                FROM runs r
                WHERE r.fresh
                UNION ALL
                SELECT community_id, day, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                       last_join, last_staff
                FROM marks
            ),
            -- Each day with the last join and the last staff event before its end (a day's marks sort first).
            flagged AS (
                SELECT l.*, l.decline_run >= \(Int32(rules.declineDays)) AS declining
                FROM (SELECT j.*, max(j.join_mark) OVER upto AS last_join, max(j.staff_mark) OVER upto AS last_staff
                      FROM judged j
                      WINDOW upto AS (PARTITION BY j.community_id ORDER BY j.day, j.mark DESC
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) l
                WHERE NOT l.mark
            )
            UPDATE community_health_days h
            SET decline_days = f.decline_run,
                near_capacity_days = f.near_run,
                warnings = '[]'::jsonb
                    || CASE WHEN f.declining THEN jsonb_build_array(jsonb_build_object(
                           'kind', 'activity_declining',
                           'message', format('active members fell %s days running, to %s',
                                             f.decline_run, f.active_members),
                           'since', extract(epoch FROM ((f.day - f.decline_run + 1)::timestamp AT TIME ZONE \(zone))),
                           'suggestion', 'revive the talk: a question of the day, a check-in or a small activity'))
                       ELSE '[]'::jsonb END
                    || CASE WHEN f.no_new_members THEN jsonb_build_array(jsonb_build_object(
                           'kind', 'no_new_members',
                           'message', format('no new members in the last %s days', \(Int32(rules.inflowDays))),
                           'since', extract(epoch FROM coalesce(f.last_join, f.created_at)),
                           'suggestion', 'recruit: share the join link or run a recruitment campaign'))
                       ELSE '[]'::jsonb END
                    || CASE WHEN f.no_staff THEN jsonb_build_array(jsonb_build_object(
                           'kind', 'no_staff_activity',
                           'message', format('the owner and admins have not been active in the group for %s days',
                                             \(Int32(rules.staffDays))),
                           'since', extract(epoch FROM coalesce(f.last_staff, f.created_at)),
                           'suggestion',
                               'ask the owner or an admin to speak up, or make an active core member an admin'))
                       ELSE '[]'::jsonb END
                    || CASE WHEN f.near_run > 0 THEN jsonb_build_array(jsonb_build_object(
                           'kind', 'near_capacity',
                           'message', format('%s of %s seats taken (%s%%)', f.members, f.capacity,
                                             floor(100 * f.members::numeric / f.capacity)),
                           'since', extract(epoch FROM ((f.day - f.near_run + 1)::timestamp AT TIME ZONE \(zone))),
                           'suggestion', format('replicate: %s of %s seats taken', f.members, f.capacity)))
                       ELSE '[]'::jsonb END,
                score = floor(greatest(0, least(100,
                            \(rules.activityWeight)
                                * CASE WHEN f.members > 0
                                       THEN least(1, f.active_members / (\(rules.livelyShare) * f.members)) ELSE 0 END
                          + \(rules.voiceWeight) * CASE WHEN f.members > 0 THEN 1 - f.lurker_share ELSE 0 END
                          + \(rules.inflowWeight) * CASE WHEN f.no_new_members THEN 0 ELSE 1 END
                          + \(rules.staffWeight) * CASE WHEN f.no_staff THEN 0 ELSE 1 END
                          - \(rules.declinePenalty) * CASE WHEN f.declining THEN 1 ELSE 0 END)) * 10 + 0.5) / 10
            FROM flagged f
            WHERE h.tenant_id = \(tenant) AND h.community_id = f.community_id AND h.day = f.day
            """)
    }
}

/// One group's day as the job stored it.
public struct CommunityHealthDay: Sendable, Hashable {
    public var day: CalendarDate
    public var members: Int
    public var capacity: Int
    public var activeMembers: Int
    public var messages: Int64
    public var joins: Int
    public var leaves: Int
    public var lurkerShare: Double
    public var score: Double
    public var warnings: [CommunityHealthWarning]
    public var computedAt: Date

    /// Reads a row selected with ``OperationsReportStore/dayColumns``.
    init(row: PostgresRow) throws {
        day = try OperationsReportStore.calendarDate(try row.decode(PostgresDate.self, at: 0))
        members = try row.decode(Int.self, at: 1)
        capacity = try row.decode(Int.self, at: 2)
        activeMembers = try row.decode(Int.self, at: 3)
        messages = try row.decode(Int64.self, at: 4)
        joins = try row.decode(Int.self, at: 5)
        leaves = try row.decode(Int.self, at: 6)
        lurkerShare = try row.decode(Double.self, at: 7)
        score = try row.decode(Double.self, at: 8)
        warnings = try CommunityHealthWarning.decode(try row.decode(PostgresJSONB.self, at: 9))
        computedAt = try row.decode(Date.self, at: 10)
    }
}

/// A warning of a group's day: what, since when, and what to do.
public struct CommunityHealthWarning: Sendable, Hashable {
    public var kind: CommunityHealthRules.WarningKind
    public var message: String
    public var since: Date
    public var suggestion: String

    /// The `warnings` column as the job writes it.
    private struct Stored: Decodable {
        var kind: String
        var message: String
        /// Seconds since 1970-01-01 UTC.
        var since: Double
        var suggestion: String
    }

    static func decode(_ json: PostgresJSONB) throws -> [CommunityHealthWarning] {
        try json.decode([Stored].self).map { stored in
            guard let kind = CommunityHealthRules.WarningKind(rawValue: stored.kind) else {
                throw PostgresError(
                    code: .decodingFailed, message: "unknown community health warning \"\(stored.kind)\"")
            }
            return CommunityHealthWarning(
                kind: kind, message: stored.message, since: Date(timeIntervalSince1970: stored.since),
                suggestion: stored.suggestion)
        }
    }
}

/// What GetCommunityHealth shows of a group: its stored days in a period and the latest one.
public struct CommunityHealthFigures: Sendable, Hashable {
    public var communityID: CommunityID
    public var name: String
    /// `communities.platform` (wechat, qq, …).
    public var platform: String
    /// The group's capacity now.
    public var capacity: Int
    /// The latest computed day, in the period or not: the group's current score and warnings.
    public var latest: CommunityHealthDay
    /// Oldest first.
    public var days: [CommunityHealthDay]
    /// Active memberships by `memberships.social_role` (as computed so far).
    public var socialRoles: [String: Int64]
}

/// One group's latest computed day, for the list of groups by health.
public struct CommunityHealthSummary: Sendable, Hashable {
    public var communityID: CommunityID
    public var name: String
    public var platform: String
    public var score: Double
    public var members: Int
    public var capacity: Int
    public var activeMembers: Int
    public var warnings: [CommunityHealthRules.WarningKind]
    public var computedAt: Date
}
