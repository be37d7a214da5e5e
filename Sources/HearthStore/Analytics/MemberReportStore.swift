public import Foundation
public import HearthDomain
public import HearthPostgres

/// The reads behind one member's report: what the scores, lifecycle and social_roles jobs stored
/// about the member, and their events per day.
public struct MemberReportStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// One member's analytics as last computed.
    public struct Report: Sendable, Hashable {
        public var memberID: MemberID
        /// When the scores job last ran for the tenant; `nil`: never, so there is no report yet.
        public var scoredAt: Date?
        public var engagementScore: Double
        /// Largest first.
        public var contributions: [Contribution]
        public var lifecycleStage: LifecycleStage
        /// Newest first, at most ``MemberReportStore/movesShown``.
        public var moves: [Move]
        /// The member's roles in the groups they are active in, by community id.
        public var communityRoles: [CommunityRole]
        /// Events per day of the asked period, in the tenant's time zone, oldest first; days
        /// without events included.
        public var activity: [DailyCount]
    }

    /// What one kind of event adds to the score.
    public struct Contribution: Sendable, Hashable {
        public var kind: EventKind
        public var eventCount: Int64
        /// After weighting and decay, as of the last scores run that computed the member.
        public var points: Double
    }

    /// One change of lifecycle stage.
    public struct Move: Sendable, Hashable {
        public var from: LifecycleStage
        public var to: LifecycleStage
        public var reason: String
        public var movedAt: Date
    }

    /// The member's social role in one group.
    public struct CommunityRole: Sendable, Hashable {
        public var communityID: CommunityID
        public var role: Membership.SocialRole
    }

    /// The member's events on one day.
    public struct DailyCount: Sendable, Hashable {
        public var day: CalendarDate
        public var events: Int64
    }

    /// What each kind of event adds to the member's points as the scores job last computed them:
    /// the member's scored events up to `engagement_points_at`, weighted and decayed to then with
    /// the tenant's current scoring settings (which every settings change recomputes), so they add
    /// up to `engagement_points` (events recorded since that run count already). Empty before the
    /// job has scored the member.
    static func contributions(of member: MemberID, tenant: TenantID, on connection: PostgresConnection)
        async throws -> [Contribution]
    {
        let settings = try await MemberJobSettings.resolve(job: "scores", params: [:], tenant: tenant, on: connection)
        let weights = try EngagementWeights(parameters: settings.settings)
        let kinds = weights.scoredKinds
        let (kindNames, kindPoints) = (kinds.map(\.rawValue), kinds.map { weights.points(for: $0) })
        var contributions: [Contribution] = []
        for row in try await connection.query(
            """
            SELECT e.kind, count(*),
                   sum(w.points * exp(-(\(weights.decayPerSecond)::float8)
                                      * extract(epoch FROM m.engagement_points_at - e.occurred_at)::float8)) AS points
            FROM members m
            JOIN events e ON e.tenant_id = m.tenant_id AND e.member_id = m.member_id
                         AND e.occurred_at <= m.engagement_points_at
            JOIN unnest(\(kindNames)::text[], \(kindPoints)::float8[]) AS w (kind, points) ON w.kind = e.kind
            WHERE m.tenant_id = \(tenant.rawValue) AND m.member_id = \(member.rawValue)
            GROUP BY e.kind
            ORDER BY points DESC, e.kind
            """)
        {
            let kind = try row.decode(String.self, at: 0)
            guard let eventKind = EventKind(rawValue: kind) else {
                throw PostgresError(code: .decodingFailed, message: "unknown event kind \"\(kind)\"")
            }
            contributions.append(
                Contribution(
                    kind: eventKind, eventCount: try row.decode(Int64.self, at: 1),
                    points: try row.decode(Double.self, at: 2)))
        }
        return contributions
    }

    /// How many lifecycle moves a report shows.
    public static let movesShown = 100

    /// The longest activity period a report covers.
    public static let maximumActivityDays = 366

    /// The member's report with events per day over [`from`, `until`); `nil` when the tenant has
    /// no such member. The period must be at most ``maximumActivityDays`` long (else
    /// `invalidArgument`).
    public func report(of member: MemberID, from: Date, until: Date, tenant: TenantID) async throws -> Report? {
        guard from < until, until.timeIntervalSince(from) <= Double(Self.maximumActivityDays) * 86_400 else {
            throw DomainError(
                code: .invalidArgument,
                message:
                    "the activity period must end after it starts and span at most \(Self.maximumActivityDays) days")
        }
        return try await pool.withTenant(tenant) { connection in
            let scope = tenant.rawValue
            guard
                let row = try await connection.query(
                    """
                    SELECT engagement_score, lifecycle_stage FROM members
                    WHERE tenant_id = \(scope) AND member_id = \(member.rawValue)
                    """
                ).first
            else { return nil }
            let stage = try Self.stage(try row.decode(String.self, at: 1))
            let scoredAt = try await connection.query(
                """
                SELECT max(computed_at) FROM report_snapshots
                WHERE tenant_id = \(scope) AND kind = 'engagement' AND subject_id IS NULL
                """
            )[0].decode(Date?.self, at: 0)
            var report = Report(
                memberID: member, scoredAt: scoredAt, engagementScore: try row.decode(Double.self, at: 0),
                contributions: [], lifecycleStage: stage, moves: [], communityRoles: [], activity: [])
            report.contributions = try await Self.contributions(of: member, tenant: tenant, on: connection)
            for row in try await connection.query(
                """
                SELECT from_stage, to_stage, reason, moved_at FROM lifecycle_moves
                WHERE tenant_id = \(scope) AND member_id = \(member.rawValue)
                ORDER BY moved_at DESC, move_id
                LIMIT \(Self.movesShown)
                """)
            {
                report.moves.append(
                    Move(
                        from: try Self.stage(try row.decode(String.self, at: 0)),
                        to: try Self.stage(try row.decode(String.self, at: 1)),
                        reason: try row.decode(String.self, at: 2), movedAt: try row.decode(Date.self, at: 3)))
            }
            for row in try await connection.query(
                """
                SELECT community_id, social_role FROM memberships
                WHERE tenant_id = \(scope) AND member_id = \(member.rawValue) AND status = 'active'
                  AND social_role IS NOT NULL
                ORDER BY community_id
                """)
            {
                let text = try row.decode(String.self, at: 1)
                guard let role = Membership.SocialRole(rawValue: text) else {
                    throw PostgresError(code: .decodingFailed, message: "unknown social role \"\(text)\"")
                }
                report.communityRoles.append(
                    CommunityRole(communityID: CommunityID(try row.decode(UUID.self, at: 0)), role: role))
            }
            report.activity = try await Self.activity(
                of: member, from: from, until: until, tenant: tenant, on: connection)
            return report
        }
    }

    /// Events per tenant-local day over [`from`, `until`): one index range scan of the member's
    /// events (`events_member_idx`), bounded by ``maximumActivityDays``. The one figure of the
    /// report read live, since keeping a row per member and day for every member would cost far
    /// more than this read.
    static func activity(
        of member: MemberID, from: Date, until: Date, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [DailyCount] {
        let zone = try await SegmentStore.timeZone(of: tenant, on: connection)
        let last = until.addingTimeInterval(-0.000_001)
        return try await connection.query(
            """
            SELECT extract(year FROM d)::int, extract(month FROM d)::int, extract(day FROM d)::int,
                   coalesce(c.events, 0)
            FROM generate_series((\(from) AT TIME ZONE \(zone))::date::timestamp,
                                 (\(last) AT TIME ZONE \(zone))::date::timestamp, interval '1 day') AS d
            LEFT JOIN (SELECT (occurred_at AT TIME ZONE \(zone))::date AS day, count(*) AS events
                       FROM events
                       WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                         AND occurred_at >= \(from) AND occurred_at < \(until)
                       GROUP BY 1) c ON c.day = d::date
            ORDER BY d
            """
        ).map { row in
            guard
                let day = CalendarDate(
                    year: try row.decode(Int.self, at: 0), month: try row.decode(Int.self, at: 1),
                    day: try row.decode(Int.self, at: 2))
            else { throw PostgresError(code: .decodingFailed, message: "a day of the activity series is not a date") }
            return DailyCount(day: day, events: try row.decode(Int64.self, at: 3))
        }
    }

    static func stage(_ text: String) throws -> LifecycleStage {
        guard let stage = LifecycleStage(rawValue: text) else {
            throw PostgresError(code: .decodingFailed, message: "unknown lifecycle stage \"\(text)\"")
        }
        return stage
    }
}
