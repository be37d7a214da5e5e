import AnalyticsWorker
import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import Testing

/// Two groups whose days 0…9 (from 2026-03-01, tenant time zone Asia/Shanghai) are worked out by
/// hand in ``CommunityHealthJobTests``.
///
/// "Lively" (capacity 10, created day 0 09:00): m1 (owner) to m7 and m10 join day 0, m8 and m9 day
/// 1, m10 leaves day 2. Messages: day 1 m1–m4; day 2 m2, m3; day 3 m2–m4; day 4 m2–m7; day 5 m1–m5;
/// day 6 m2–m5; day 7 m2–m4; day 8 m2, m3; day 9 m2 three times.
///
/// "Quiet" (capacity 100, created day −20): m11 (owner), m12 (admin) and m13 join day −20; m12
/// writes once on day −10; m13 writes every day 0…9; m14 joins day 8.
struct OpsHealthFixture {
    var lively: UUID
    var quiet: UUID
    /// m1 … m14 by number.
    var members: [Int: UUID]
}

extension AnalyticsHarness {
    /// 2026-03-01T00:00:00+08:00: day 0 of the fixtures.
    static let opsBase = Date(timeIntervalSince1970: 1_772_294_400)

    /// `hour` o'clock of day `n` of the fixtures, Shanghai time (no DST there).
    static func opsDay(_ n: Int, hour: Double = 12) -> Date {
        opsBase.addingTimeInterval(Double(n) * 86_400 + hour * 3_600)
    }

    /// Runs one statement as the services' role in `tenant` (row-level security applies).
    @discardableResult
    func opsSQL(_ query: PostgresQuery, tenant: TenantID? = nil) async throws -> PostgresRows {
        try await pool.withTenant(tenant ?? self.tenant) { connection in try await connection.query(query) }
    }

    func opsMember(_ name: String, createdAt: Date = AnalyticsHarness.opsDay(-30), tenant: TenantID? = nil)
        async throws -> UUID
    {
        let tenant = tenant ?? self.tenant
        return try await opsSQL(
            """
            INSERT INTO members (tenant_id, display_name, created_at) VALUES (\(tenant.rawValue), \(name), \(createdAt))
            RETURNING member_id
            """, tenant: tenant)[0].decode(UUID.self, at: 0)
    }

    func opsCommunity(_ name: String, capacity: Int, createdAt: Date, tenant: TenantID? = nil) async throws -> UUID {
        let tenant = tenant ?? self.tenant
        return try await opsSQL(
            """
            INSERT INTO communities (tenant_id, name, platform, capacity, created_at)
            VALUES (\(tenant.rawValue), \(name), 'wechat', \(capacity), \(createdAt))
            RETURNING community_id
            """, tenant: tenant)[0].decode(UUID.self, at: 0)
    }

    func opsMembership(
        _ member: UUID, in community: UUID, role: String = "regular", joinedAt: Date, leftAt: Date? = nil,
        tenant: TenantID? = nil
    ) async throws {
        let tenant = tenant ?? self.tenant
        try await opsSQL(
            """
            INSERT INTO memberships (tenant_id, community_id, member_id, role, status, joined_at, left_at)
            VALUES (\(tenant.rawValue), \(community), \(member), \(role), \(leftAt == nil ? "active" : "left"),
                    \(joinedAt), \(leftAt))
            """, tenant: tenant)
    }

    /// One event, stored as ingest stores it (its idempotency key first).
    func opsEvent(
        _ kind: String, member: UUID?, community: UUID? = nil, campaign: UUID? = nil, at: Date,
        tenant: TenantID? = nil
    ) async throws {
        let tenant = tenant ?? self.tenant
        let id = UUID()
        let key = "ops-test/" + id.uuidString.lowercased()
        try await opsSQL(
            """
            WITH keyed AS (
                INSERT INTO event_keys (tenant_id, idempotency_key, event_id, occurred_at)
                VALUES (\(tenant.rawValue), \(key), \(id), \(at))
                RETURNING event_id
            )
            INSERT INTO events (tenant_id, event_id, member_id, community_id, campaign_id, kind, occurred_at,
                                idempotency_key)
            SELECT \(tenant.rawValue), event_id, \(member), \(community), \(campaign), \(kind), \(at), \(key) FROM keyed
            """, tenant: tenant)
    }

    /// Seeds ``OpsHealthFixture``; day 9's messages only when `dayNine` (see ``opsSeedHealthDayNine(_:)``).
    func opsSeedHealthFixture(dayNine: Bool = true) async throws -> OpsHealthFixture {
        let lively = try await opsCommunity("成都药师交流群", capacity: 10, createdAt: Self.opsDay(0, hour: 9))
        let quiet = try await opsCommunity("Quiet group", capacity: 100, createdAt: Self.opsDay(-20, hour: 9))
        var m: [Int: UUID] = [:]
        for number in 1...14 { m[number] = try await opsMember("m\(number)") }
        func member(_ number: Int) -> UUID { m[number]! }

        for number in [1, 2, 3, 4, 5, 6, 7, 10] {
            try await opsMembership(
                member(number), in: lively, role: number == 1 ? "owner" : "regular", joinedAt: Self.opsDay(0, hour: 10),
                leftAt: number == 10 ? Self.opsDay(2, hour: 10) : nil)
            try await opsEvent("join", member: member(number), community: lively, at: Self.opsDay(0, hour: 10))
        }
        for number in [8, 9] {
            try await opsMembership(member(number), in: lively, joinedAt: Self.opsDay(1, hour: 10))
            try await opsEvent("join", member: member(number), community: lively, at: Self.opsDay(1, hour: 10))
        }
        try await opsEvent("leave", member: member(10), community: lively, at: Self.opsDay(2, hour: 10))
        let writers: [Int: [Int]] = [
            1: [1, 2, 3, 4], 2: [2, 3], 3: [2, 3, 4], 4: [2, 3, 4, 5, 6, 7], 5: [1, 2, 3, 4, 5], 6: [2, 3, 4, 5],
            7: [2, 3, 4], 8: [2, 3],
        ]
        for (day, numbers) in writers {
            for number in numbers {
                try await opsEvent("message", member: member(number), community: lively, at: Self.opsDay(day))
            }
        }

        for (number, role) in [(11, "owner"), (12, "admin"), (13, "regular")] {
            try await opsMembership(member(number), in: quiet, role: role, joinedAt: Self.opsDay(-20, hour: 10))
            try await opsEvent("join", member: member(number), community: quiet, at: Self.opsDay(-20, hour: 10))
        }
        try await opsEvent("message", member: member(12), community: quiet, at: Self.opsDay(-10))
        for day in 0...8 {
            try await opsEvent("message", member: member(13), community: quiet, at: Self.opsDay(day))
        }
        try await opsMembership(member(14), in: quiet, joinedAt: Self.opsDay(8, hour: 10))
        try await opsEvent("join", member: member(14), community: quiet, at: Self.opsDay(8, hour: 10))

        let fixture = OpsHealthFixture(lively: lively, quiet: quiet, members: m)
        if dayNine { try await opsSeedHealthDayNine(fixture) }
        return fixture
    }

    /// Day 9: m2 writes three times in the lively group, m13 once in the quiet one.
    func opsSeedHealthDayNine(_ fixture: OpsHealthFixture) async throws {
        for hour in [12.0, 13, 14] {
            try await opsEvent(
                "message", member: fixture.members[2], community: fixture.lively, at: Self.opsDay(9, hour: hour))
        }
        try await opsEvent("message", member: fixture.members[13], community: fixture.quiet, at: Self.opsDay(9))
    }

    /// Every stored health row as text (all but computed_at), for comparing runs.
    func opsHealthRows() async throws -> [String] {
        try await opsSQL(
            """
            SELECT (community_id, day, members, capacity, active_members, messages, joins, leaves, lurkers,
                    lurker_share, recent_joins, staff_active, decline_days, near_capacity_days, warnings, score)::text
            FROM community_health_days WHERE tenant_id = \(tenant.rawValue)
            ORDER BY community_id, day
            """
        ).map { try $0.decode(String.self, at: 0) }
    }
}

@Suite("analytics-worker: the community_health job")
struct CommunityHealthJobTests {
    static let rules = CommunityHealthRules()
    /// Day 9, 23:00 Shanghai: the run that reports days up to 9.
    static let dayNineEvening = AnalyticsHarness.opsDay(9, hour: 23)

    struct Day {
        var day: Int
        var members: Int
        var active: Int
        var messages: Int64
        var joins: Int
        var leaves: Int
        var lurkers: Int
        var lurkerShare: Double
        var recentJoins: Int
        var staffActive: Bool
        var declineDays: Int
        var nearDays: Int
        var score: Double
        var warnings: [String]
    }

    func days(_ harness: AnalyticsHarness, of community: UUID) async throws -> [Day] {
        let base = OpsDates.date(2026, 3, 1)
        return try await harness.opsSQL(
            """
            SELECT day - \(base), members, active_members, messages, joins, leaves, lurkers, lurker_share, recent_joins,
                   staff_active, decline_days, near_capacity_days, score,
                   ARRAY(SELECT w ->> 'kind' FROM jsonb_array_elements(warnings) w)
            FROM community_health_days
            WHERE tenant_id = \(harness.tenant.rawValue) AND community_id = \(community)
            ORDER BY day
            """
        ).map { row in
            Day(
                day: try row.decode(Int.self, at: 0), members: try row.decode(Int.self, at: 1),
                active: try row.decode(Int.self, at: 2), messages: try row.decode(Int64.self, at: 3),
                joins: try row.decode(Int.self, at: 4), leaves: try row.decode(Int.self, at: 5),
                lurkers: try row.decode(Int.self, at: 6), lurkerShare: try row.decode(Double.self, at: 7),
                recentJoins: try row.decode(Int.self, at: 8), staffActive: try row.decode(Bool.self, at: 9),
                declineDays: try row.decode(Int.self, at: 10), nearDays: try row.decode(Int.self, at: 11),
                score: try row.decode(Double.self, at: 12), warnings: try row.decode([String].self, at: 13))
        }
    }

    @Test func daysWarningsAndScoresAreHandComputed() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            // Lively: days 0…9 (created day 0); quiet: days −20…9.
            let written = try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            #expect(written == 40)

            let lively = try await days(harness, of: fixture.lively)
            #expect(lively.map(\.day) == Array(0...9))
            #expect(lively.map(\.members) == [8, 10, 9, 9, 9, 9, 9, 9, 9, 9])
            #expect(lively.map(\.active) == [8, 6, 3, 3, 6, 5, 4, 3, 2, 1])
            #expect(lively.map(\.messages) == [0, 4, 2, 3, 6, 5, 4, 3, 2, 3])
            #expect(lively.map(\.joins) == [8, 2, 0, 0, 0, 0, 0, 0, 0, 0])
            #expect(lively.map(\.leaves) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
            // Members without a message in the 30 days up to the day (m8 and m9 never write).
            #expect(lively.map(\.lurkers) == [8, 6, 5, 5, 2, 2, 2, 2, 2, 2])
            #expect(lively[9].lurkerShare == 2.0 / 9)
            #expect(lively.map(\.recentJoins) == [8, 10, 10, 10, 10, 10, 10, 2, 0, 0])
            #expect(lively.allSatisfy { $0.staffActive })
            #expect(lively.map(\.declineDays) == [0, 1, 2, 0, 0, 1, 2, 3, 4, 5])
            #expect(lively.map(\.nearDays) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
            let declining = "activity_declining"
            let noNew = "no_new_members"
            let near = "near_capacity"
            #expect(
                lively.map(\.warnings) == [
                    [], [near], [near], [near], [near], [near], [near], [declining, near], [declining, noNew, near],
                    [declining, noNew, near],
                ])
            // 1 of 9 active: 40 × 1/1.8 = 22.2; voice 30 × 7/9 = 23.3; no inflow; staff 15; declining −10.
            #expect(lively[9].score == 50.6)
            #expect(lively.map(\.score) == [70, 82, 83.3, 83.3, 93.3, 93.3, 93.3, 83.3, 68.3, 50.6])
            for day in lively {
                let kinds = Set(day.warnings.compactMap(CommunityHealthRules.WarningKind.init(rawValue:)))
                #expect(
                    day.score
                        == Self.rules.score(
                            members: day.members, activeMembers: day.active, lurkerShare: day.lurkerShare,
                            warnings: kinds))
            }

            let quiet = try await days(harness, of: fixture.quiet)
            #expect(quiet.first?.day == -20)
            #expect(quiet.count == 30)
            let quietNine = try #require(quiet.last)
            #expect(quietNine.members == 4)
            #expect(quietNine.active == 1)
            #expect(quietNine.lurkerShare == 0.5)
            #expect(!quietNine.staffActive)
            #expect(quietNine.warnings == ["no_staff_activity"])
            #expect(quietNine.score == 70)
        }
    }

    @Test func warningsSayWhatSinceWhenAndWhatToDo() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            let store = OperationsReportStore(pool: harness.pool)
            let livelyFigures = try await store.communityHealth(
                CommunityID(fixture.lively), from: AnalyticsHarness.opsDay(0, hour: 0),
                to: AnalyticsHarness.opsDay(10, hour: 0), tenant: harness.tenant)
            let lively = try #require(livelyFigures)
            #expect(lively.days.count == 10)
            let warnings = lively.latest.warnings
            #expect(warnings.map(\.kind) == [.activityDeclining, .noNewMembers, .nearCapacity])
            #expect(warnings[0].message == "active members fell 5 days running, to 1")
            #expect(warnings[0].since == AnalyticsHarness.opsDay(5, hour: 0))
            #expect(warnings[1].message == "no new members in the last 7 days")
            #expect(warnings[1].since == AnalyticsHarness.opsDay(1, hour: 10))
            #expect(warnings[1].suggestion.contains("recruit"))
            #expect(warnings[2].message == "9 of 10 seats taken (90%)")
            #expect(warnings[2].since == AnalyticsHarness.opsDay(1, hour: 0))
            #expect(warnings[2].suggestion == "replicate: 9 of 10 seats taken")

            let quietFigures = try await store.communityHealth(
                CommunityID(fixture.quiet), from: AnalyticsHarness.opsDay(9, hour: 0),
                to: AnalyticsHarness.opsDay(10, hour: 0), tenant: harness.tenant)
            let quiet = try #require(quietFigures)
            #expect(quiet.days.count == 1)
            let staff = try #require(quiet.latest.warnings.first)
            #expect(staff.kind == .noStaffActivity)
            #expect(staff.message == "the owner and admins have not been active in the group for 7 days")
            // m12, the admin, last wrote on day −10.
            #expect(staff.since == AnalyticsHarness.opsDay(-10))
        }
    }

    @Test func runParametersChangeTheThresholds() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            try await harness.run(
                CommunityHealthJob(), now: Self.dayNineEvening, params: ["capacity_share": "0.95", "decline_days": "6"])
            let lively = try await days(harness, of: fixture.lively)
            // 9 of 10 is below 95 %, and 5 days of decline are short of 6.
            #expect(lively[9].warnings == ["no_new_members"])
            #expect(lively[9].nearDays == 0)

            let refused = await #expect(throws: DomainError.self) {
                try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening, params: ["lurker_days": "-1"])
            }
            #expect(refused?.message.contains("params.lurker_days") == true)
        }
    }

    @Test func anIncrementalRunLeavesWhatAFullRunLeaves() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture(dayNine: false)
            let dayEightEvening = AnalyticsHarness.opsDay(8, hour: 23)
            let first = try await harness.run(CommunityHealthJob(), now: dayEightEvening)
            #expect(first == 38)
            try await harness.opsSeedHealthDayNine(fixture)
            // Only the day of the last run (8) and today (9) are recomputed, in both groups.
            let incremental = try await harness.run(
                CommunityHealthJob(), now: Self.dayNineEvening, lastSuccess: dayEightEvening)
            #expect(incremental == 4)
            let afterIncremental = try await harness.opsHealthRows()
            #expect(afterIncremental.count == 40)

            try await harness.opsSQL("DELETE FROM community_health_days WHERE tenant_id = \(harness.tenant.rawValue)")
            let full = try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            #expect(full == 40)
            let afterFull = try await harness.opsHealthRows()
            #expect(afterIncremental == afterFull)

            // Re-running changes nothing.
            let rerun = try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            #expect(rerun == 40)
            let again = try await harness.opsHealthRows()
            #expect(again == afterFull)
        }
    }
}

/// `date` parameters for fixtures.
enum OpsDates {
    static func date(_ year: Int, _ month: Int, _ day: Int) -> PostgresDate {
        PostgresDate(year: year, month: month, day: day)!
    }
}
