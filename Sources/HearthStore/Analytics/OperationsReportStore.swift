public import Foundation
public import HearthDomain
public import HearthPostgres

/// Reads what the community_health and campaign_reports jobs stored, plus the cheap live counts the
/// overview adds to them. Nothing here computes a report: a report never computed is `nil`, for
/// the service to answer "report_not_ready".
public struct OperationsReportStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let dayColumns = """
        day, members, capacity, active_members, messages, joins, leaves, lurker_share, score, warnings, computed_at
        """

    // MARK: Communities

    /// A group's stored days whose start lies in `[start, end)`, with its latest computed day;
    /// `notFound` when the tenant has no such group, `nil` when none of its days was computed yet.
    public func communityHealth(_ community: CommunityID, from start: Date, to end: Date, tenant: TenantID)
        async throws -> CommunityHealthFigures?
    {
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            guard
                let group = try await connection.query(
                    """
                    SELECT name, platform, capacity FROM communities
                    WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                    """
                ).first
            else {
                throw DomainError(code: .notFound, message: "no community \(community) in this tenant")
            }
            guard
                let latest = try await connection.query(
                    """
                    SELECT \(unescaped: Self.dayColumns) FROM community_health_days
                    WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                    ORDER BY day DESC LIMIT 1
                    """
                ).first.map({ try CommunityHealthDay(row: $0) })
            else { return nil }
            let zone = try await SegmentStore.timeZone(of: tenant, on: connection)
            let days = try await connection.query(
                """
                SELECT \(unescaped: Self.dayColumns) FROM community_health_days
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                  AND (day::timestamp AT TIME ZONE \(zone)) >= \(start)
                  AND (day::timestamp AT TIME ZONE \(zone)) < \(end)
                ORDER BY day
                """
            ).map(CommunityHealthDay.init(row:))
            var roles: [String: Int64] = [:]
            for row in try await connection.query(
                """
                SELECT social_role, count(*) FROM memberships
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue) AND status = 'active'
                  AND social_role IS NOT NULL
                GROUP BY social_role
                """)
            {
                roles[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
            }
            return CommunityHealthFigures(
                communityID: community, name: try group.decode(String.self, at: 0),
                platform: try group.decode(String.self, at: 1), capacity: try group.decode(Int.self, at: 2),
                latest: latest, days: days, socialRoles: roles)
        }
    }

    /// Every live group's latest computed day, least healthy first (then by id), after `cursor`;
    /// only groups with one of `warnings` when any are given. Groups never computed are left out.
    public func communityHealthSummaries(
        warnings: [CommunityHealthRules.WarningKind], after cursor: (score: Double, community: CommunityID)?,
        limit: Int, tenant: TenantID
    ) async throws -> [CommunityHealthSummary] {
        let kinds = warnings.map(\.rawValue)
        return try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                WITH latest AS (
                    SELECT DISTINCT ON (h.community_id) h.community_id, h.score, h.members, h.active_members,
                           h.warnings, h.computed_at
                    FROM community_health_days h
                    WHERE h.tenant_id = \(tenant.rawValue)
                    ORDER BY h.community_id, h.day DESC
                )
                SELECT l.community_id, c.name, c.platform, l.score, l.members, c.capacity, l.active_members, l.warnings,
                       l.computed_at
                FROM latest l
                JOIN communities c ON c.tenant_id = \(tenant.rawValue) AND c.community_id = l.community_id
                WHERE c.archived_at IS NULL
                  AND (cardinality(\(kinds)::text[]) = 0
                       OR EXISTS (SELECT 1 FROM jsonb_array_elements(l.warnings) w WHERE w ->> 'kind' = ANY(\(kinds))))
                  -- Scores are tenths; rounding both sides keeps a cursor's score equal to the stored one.
                  AND (\(cursor?.score)::float8 IS NULL
                       OR (round(l.score::numeric, 3), l.community_id)
                          > (round(\(cursor?.score)::numeric, 3), \(cursor?.community.rawValue)))
                ORDER BY l.score, l.community_id
                LIMIT \(max(1, min(limit, 1_000)))
                """
            ).map { row in
                CommunityHealthSummary(
                    communityID: CommunityID(try row.decode(UUID.self, at: 0)),
                    name: try row.decode(String.self, at: 1),
                    platform: try row.decode(String.self, at: 2), score: try row.decode(Double.self, at: 3),
                    members: try row.decode(Int.self, at: 4), capacity: try row.decode(Int.self, at: 5),
                    activeMembers: try row.decode(Int.self, at: 6),
                    warnings: try CommunityHealthWarning.decode(try row.decode(PostgresJSONB.self, at: 7)).map(\.kind),
                    computedAt: try row.decode(Date.self, at: 8))
            }
        }
    }

    // MARK: Campaigns

    /// A campaign's latest stored report; `notFound` when the tenant has no such campaign or
    /// `occurrence` is not one of its occurrences, `nil` when it was never reported.
    public func campaignReport(_ campaign: CampaignID, occurrence: UUID?, tenant: TenantID) async throws
        -> CampaignReportRecord?
    {
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            guard
                let name = try await connection.query(
                    """
                    SELECT name FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                    """
                ).first?.decode(String.self, at: 0)
            else {
                throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
            }
            if let occurrence {
                guard
                    !(try await connection.query(
                        """
                        SELECT 1 FROM campaign_occurrences
                        WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                          AND occurrence_id = \(occurrence)
                        """
                    ).isEmpty)
                else {
                    throw DomainError(
                        code: .notFound,
                        message: "campaign \(campaign) has no occurrence \(occurrence.uuidString.lowercased())")
                }
            }
            guard
                let row = try await connection.query(
                    """
                    SELECT computed_at, period_start, period_end, body FROM report_snapshots
                    WHERE tenant_id = \(tenant.rawValue) AND kind = 'campaign_funnel'
                      AND subject_id = \(campaign.rawValue)
                    ORDER BY computed_at DESC LIMIT 1
                    """
                ).first
            else { return nil }
            let snapshot = try row.decode(PostgresJSONB.self, at: 3).decode(CampaignReportSnapshot.self)
            let agentIDs = snapshot.agents.map(\.agentOperatorID)
            var agentNames: [UUID: String] = [:]
            if !agentIDs.isEmpty {
                for agent in try await connection.query(
                    """
                    SELECT operator_id, name FROM operators
                    WHERE tenant_id = \(tenant.rawValue) AND operator_id = ANY(\(agentIDs)::uuid[])
                    """)
                {
                    agentNames[try agent.decode(UUID.self, at: 0)] = try agent.decode(String.self, at: 1)
                }
            }
            return CampaignReportRecord(
                campaignID: campaign, campaignName: name, computedAt: try row.decode(Date.self, at: 0),
                periodStart: try row.decode(Date.self, at: 1), periodEnd: try row.decode(Date.self, at: 2),
                snapshot: snapshot, agentNames: agentNames)
        }
    }

    // MARK: Overview

    /// Tenant-wide figures for `[start, end)`: members and what the analytics columns hold about
    /// them, the lifecycle job's moves, activity and net revenue per day (tenant time zone),
    /// repurchase, groups with warnings as community_health last judged them, running campaigns.
    /// `nil` while the tenant has live groups of which none was ever judged.
    public func overview(from start: Date, to end: Date, tenant: TenantID) async throws -> OperationsOverview? {
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            let t = tenant.rawValue
            let groups = try await connection.query(
                """
                WITH latest AS (
                    SELECT DISTINCT ON (h.community_id) h.community_id, h.warnings, h.computed_at
                    FROM community_health_days h
                    JOIN communities c ON c.tenant_id = h.tenant_id AND c.community_id = h.community_id
                    WHERE h.tenant_id = \(t) AND c.archived_at IS NULL
                    ORDER BY h.community_id, h.day DESC
                )
                SELECT (SELECT count(*) FROM communities WHERE tenant_id = \(t) AND archived_at IS NULL),
                       (SELECT count(*) FROM latest),
                       (SELECT count(*) FROM latest WHERE jsonb_array_length(warnings) > 0),
                       (SELECT max(computed_at) FROM latest),
                       (SELECT count(*) FROM campaigns WHERE tenant_id = \(t) AND status = 'running')
                """)[0]
            let communityCount = try groups.decode(Int.self, at: 0)
            if communityCount > 0, try groups.decode(Int.self, at: 1) == 0 { return nil }

            let live = "deleted_at IS NULL AND erased_at IS NULL AND merged_into_member_id IS NULL"
            let headcount = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE created_at < \(end)),
                       count(*) FILTER (WHERE created_at >= \(start) AND created_at < \(end))
                FROM members WHERE tenant_id = \(t) AND \(unescaped: live)
                """)[0]
            var overview = OperationsOverview(
                computedAt: try groups.decode(Date?.self, at: 3), memberCount: try headcount.decode(Int64.self, at: 0),
                newMembers: try headcount.decode(Int64.self, at: 1), communityCount: communityCount,
                communitiesWithWarnings: try groups.decode(Int.self, at: 2),
                runningCampaigns: try groups.decode(Int.self, at: 4))

            for row in try await connection.query(
                """
                SELECT 'stage', lifecycle_stage, count(*) FROM members WHERE tenant_id = \(t) AND \(unescaped: live)
                GROUP BY lifecycle_stage
                UNION ALL
                SELECT 'role', social_role, count(*) FROM members
                WHERE tenant_id = \(t) AND \(unescaped: live) AND social_role IS NOT NULL
                GROUP BY social_role
                UNION ALL
                SELECT 'score', least(9, greatest(0, floor(engagement_score / 10)))::integer::text, count(*)
                FROM members
                WHERE tenant_id = \(t) AND \(unescaped: live)
                GROUP BY 2
                """)
            {
                let key = try row.decode(String.self, at: 1)
                let count = try row.decode(Int64.self, at: 2)
                switch try row.decode(String.self, at: 0) {
                case "stage": overview.lifecycleStages[key] = count
                case "role": overview.socialRoles[key] = count
                default: if let bucket = Int(key) { overview.engagementHistogram[bucket] = count }
                }
            }

            overview.lifecycleMoves = try await connection.query(
                """
                SELECT from_stage, to_stage, count(*) FROM lifecycle_moves
                WHERE tenant_id = \(t) AND moved_at >= \(start) AND moved_at < \(end)
                GROUP BY from_stage, to_stage
                ORDER BY from_stage, to_stage
                """
            ).map { row in
                OperationsOverview.StageMove(
                    from: try row.decode(String.self, at: 0), to: try row.decode(String.self, at: 1),
                    count: try row.decode(Int64.self, at: 2))
            }

            let zoneName = try await SegmentStore.timeZone(of: tenant, on: connection)
            let zone = TimeZone(identifier: zoneName) ?? .gmt
            let firstDay = CommunityHealthJob.localDay(start, in: zone)
            let lastDay = CommunityHealthJob.localDay(end.addingTimeInterval(-0.001), in: zone)
            for row in try await connection.query(
                """
                WITH days AS (SELECT \(firstDay) + i AS day FROM generate_series(0, \(lastDay) - \(firstDay)) AS i),
                active AS (
                    SELECT e.day, count(DISTINCT e.member_id) AS members
                    FROM (SELECT (occurred_at AT TIME ZONE \(zoneName))::date AS day, member_id FROM events
                          WHERE tenant_id = \(t) AND member_id IS NOT NULL
                            AND occurred_at >= \(start) AND occurred_at < \(end)) e
                    GROUP BY GROUPING SETS ((e.day), ())
                ),
                sales AS (
                    SELECT (occurred_at AT TIME ZONE \(zoneName))::date AS day, sum(amount_fen)::bigint AS revenue_fen,
                           count(*) AS orders
                    FROM conversions
                    WHERE tenant_id = \(t) AND refunded_at IS NULL AND occurred_at >= \(start) AND occurred_at < \(end)
                    GROUP BY 1
                )
                SELECT d.day, coalesce(a.members, 0), coalesce(s.revenue_fen, 0), coalesce(s.orders, 0)
                FROM days d
                LEFT JOIN active a ON a.day = d.day
                LEFT JOIN sales s ON s.day = d.day
                UNION ALL
                SELECT NULL, a.members, 0, 0 FROM active a WHERE a.day IS NULL
                """)
            {
                guard let day = try row.decode(PostgresDate?.self, at: 0) else {
                    overview.activeMembers = try row.decode(Int64.self, at: 1)
                    continue
                }
                let date = try Self.calendarDate(day)
                let revenue = try row.decode(Int64.self, at: 2)
                overview.activeMembersTrend.append(.init(day: date, value: Double(try row.decode(Int64.self, at: 1))))
                overview.revenueFenTrend.append(.init(day: date, value: Double(revenue)))
                overview.revenueFen += revenue
                overview.orderCount += try row.decode(Int64.self, at: 3)
            }
            func earlier(_ a: OperationsOverview.DailyFigure, _ b: OperationsOverview.DailyFigure) -> Bool {
                (a.day.year, a.day.month, a.day.day) < (b.day.year, b.day.month, b.day.day)
            }
            overview.activeMembersTrend.sort(by: earlier)
            overview.revenueFenTrend.sort(by: earlier)

            let buyers = try await connection.query(
                """
                SELECT count(*), count(*) FILTER (WHERE b.orders >= 2)
                FROM (SELECT v.member_id,
                             (SELECT count(*) FROM conversions w
                              WHERE w.tenant_id = \(t) AND w.member_id = v.member_id AND w.refunded_at IS NULL
                                AND w.occurred_at < \(end)) AS orders
                      FROM conversions v
                      WHERE v.tenant_id = \(t) AND v.member_id IS NOT NULL AND v.refunded_at IS NULL
                        AND v.occurred_at >= \(start) AND v.occurred_at < \(end)
                      GROUP BY v.member_id) b
                """)[0]
            overview.customers = try buyers.decode(Int64.self, at: 0)
            overview.repeatCustomers = try buyers.decode(Int64.self, at: 1)
            return overview
        }
    }
}

extension OperationsReportStore {
    /// The calendar date of a `date` column.
    static func calendarDate(_ date: PostgresDate) throws -> CalendarDate {
        let (year, month, day) = date.components
        guard let calendarDate = CalendarDate(year: year, month: month, day: day) else {
            throw PostgresError(code: .decodingFailed, message: "the date \(date) is outside the years 1 to 9999")
        }
        return calendarDate
    }
}

/// Tenant-wide figures of a period, for the overview report.
public struct OperationsOverview: Sendable, Hashable {
    /// One day's figure (tenant time zone).
    public struct DailyFigure: Sendable, Hashable {
        public var day: CalendarDate
        public var value: Double
    }

    /// How many members moved from one lifecycle stage to another.
    public struct StageMove: Sendable, Hashable {
        public var from: String
        public var to: String
        public var count: Int64
    }

    /// When community_health last judged the tenant's groups; `nil` without groups.
    public var computedAt: Date?
    /// Live members created before the period's end.
    public var memberCount: Int64
    /// Live members created in the period.
    public var newMembers: Int64
    /// Members with an event in the period.
    public var activeMembers: Int64 = 0
    /// Live members by `members.lifecycle_stage` and by `members.social_role` (as computed so far).
    public var lifecycleStages: [String: Int64] = [:]
    /// Moves between lifecycle stages in the period (`lifecycle_moves`), by stages.
    public var lifecycleMoves: [StageMove] = []
    public var socialRoles: [String: Int64] = [:]
    /// Live members by engagement score: `[i]` counts scores in [10 i, 10 i + 10), the last tenth
    /// including 100.
    public var engagementHistogram: [Int64] = Array(repeating: 0, count: 10)
    /// Orders in the period not refunded, and their amount.
    public var revenueFen: Int64 = 0
    public var orderCount: Int64 = 0
    /// Members who bought in the period, and those of them with two orders or more by its end.
    public var customers: Int64 = 0
    public var repeatCustomers: Int64 = 0
    public var communityCount: Int
    /// Live groups whose latest judged day has a warning.
    public var communitiesWithWarnings: Int
    public var runningCampaigns: Int
    /// Every day of the period, oldest first.
    public var activeMembersTrend: [DailyFigure] = []
    public var revenueFenTrend: [DailyFigure] = []

    public init(
        computedAt: Date?, memberCount: Int64, newMembers: Int64, communityCount: Int, communitiesWithWarnings: Int,
        runningCampaigns: Int
    ) {
        self.computedAt = computedAt
        self.memberCount = memberCount
        self.newMembers = newMembers
        self.communityCount = communityCount
        self.communitiesWithWarnings = communitiesWithWarnings
        self.runningCampaigns = runningCampaigns
    }
}
