import AnalyticsWorker
import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import HearthWire
import Testing

@Suite("lifecycle job: stages and moves")
struct LifecycleJobTests {
    /// 2026-03-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_323_200)

    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    typealias Move = (from: String, to: String, reason: String, at: Date)

    /// Every move stored, by member, oldest first.
    static func moves(_ harness: AnalyticsHarness) async throws -> [MemberID: [Move]] {
        try await harness.pool.withTenant(harness.tenant) { connection in
            var moves: [MemberID: [Move]] = [:]
            let rows = try await connection.query(
                "SELECT member_id, from_stage, to_stage, reason, moved_at FROM lifecycle_moves ORDER BY moved_at")
            for row in rows {
                let member = MemberID(try row.decode(UUID.self, at: 0))
                let from = try row.decode(String.self, at: 1)
                let to = try row.decode(String.self, at: 2)
                let reason = try row.decode(String.self, at: 3)
                let at = try row.decode(Date.self, at: 4)
                moves[member, default: []].append((from, to, reason, at))
            }
            return moves
        }
    }

    @Test func eachMoveIsMadeOnceWithItsReason() async throws {
        try await AnalyticsHarness.with(jobs: [LifecycleJob()]) { harness in
            let group = try await harness.memberJobCommunity("老客群")
            let silent = try await harness.memberJobMember("只是听说")
            let firstBuyer = try await harness.memberJobMember("第一次买")
            let checker = try await harness.memberJobMember("打卡试用")
            let repeatBuyer = try await harness.memberJobMember("回头客")
            let referrer = try await harness.memberJobMember("推荐人")
            let engaged = try await harness.memberJobMember("活跃", score: 75)
            let groupFan = try await harness.memberJobMember("群里的粉丝")
            let gone = try await harness.memberJobMember("很久没买")
            let leftGroup = try await harness.memberJobMember("退群", stage: "community")
            let returning = try await harness.memberJobMember("回归", stage: "lapsed")
            let importedFan = try await harness.memberJobMember("导入的粉丝", stage: "fan")
            let lurker = try await harness.memberJobMember("群里潜水")
            let early = try await harness.memberJobMember("预约明天买")
            let deleted = try await harness.memberJobMember("已删除", deleted: true)
            try await harness.memberJobMembership(groupFan, in: group)
            try await harness.memberJobMembership(lurker, in: group)
            try await harness.memberJobMembership(leftGroup, in: group, status: "left")
            try await harness.memberJobEvents([
                .init(member: firstBuyer, kind: .purchase, at: Self.daysAgo(10)),
                .init(member: checker, kind: .checkIn, at: Self.daysAgo(5)),
                .init(member: checker, kind: .message, at: Self.daysAgo(4)),
                .init(member: repeatBuyer, kind: .purchase, at: Self.daysAgo(40)),
                .init(member: repeatBuyer, kind: .purchase, at: Self.daysAgo(10)),
                .init(member: referrer, kind: .purchase, at: Self.daysAgo(20)),
                .init(member: referrer, kind: .referral, at: Self.daysAgo(3)),
                .init(member: engaged, kind: .purchase, at: Self.daysAgo(20)),
                .init(member: groupFan, kind: .purchase, at: Self.daysAgo(30)),
                .init(member: groupFan, kind: .purchase, at: Self.daysAgo(2)),
                .init(member: gone, kind: .purchase, at: Self.daysAgo(120)),
                .init(member: leftGroup, kind: .purchase, at: Self.daysAgo(50)),
                .init(member: leftGroup, kind: .purchase, at: Self.daysAgo(5)),
                .init(member: returning, kind: .purchase, at: Self.daysAgo(200)),
                .init(member: returning, kind: .purchase, at: Self.daysAgo(5)),
                .init(member: early, kind: .purchase, at: Self.daysAgo(-1)),
                .init(member: deleted, kind: .purchase, at: Self.daysAgo(10)),
            ])
            let other = try await harness.otherTenant()
            let foreign = try await harness.memberJobMember("别家买家", tenant: other)
            try await harness.memberJobEvents(
                [.init(member: foreign, kind: .purchase, at: Self.daysAgo(1))], tenant: other)

            try await harness.run(LifecycleJob(), now: Self.now)

            let expected: [MemberID: (stage: String, move: (from: String, reason: String)?)] = [
                silent: ("audience", nil),
                firstBuyer: ("user", ("audience", "first_purchase")),
                checker: ("user", ("audience", "first_use")),
                repeatBuyer: ("fan", ("audience", "repeat_purchase")),
                referrer: ("fan", ("audience", "referral")),
                engaged: ("fan", ("audience", "high_engagement")),
                groupFan: ("community", ("audience", "active_membership")),
                gone: ("lapsed", ("audience", "no_purchase_90d")),
                leftGroup: ("fan", ("community", "no_active_membership")),
                returning: ("fan", ("lapsed", "purchase_after_lapse")),
                importedFan: ("fan", nil),
                lurker: ("audience", nil),
                early: ("audience", nil),
                deleted: ("audience", nil),
            ]
            let profiles = try await harness.memberJobProfiles()
            let moves = try await Self.moves(harness)
            #expect(moves.values.reduce(0) { $0 + $1.count } == 9)
            for (member, expectation) in expected {
                #expect(profiles[member]?.stage == expectation.stage, "\(member)")
                let made = moves[member] ?? []
                if let move = expectation.move {
                    #expect(made.count == 1, "\(member)")
                    #expect(made.first?.from == move.from, "\(member)")
                    #expect(made.first?.to == expectation.stage, "\(member)")
                    #expect(made.first?.reason == move.reason, "\(member)")
                    #expect(made.first?.at == Self.now, "\(member)")
                } else {
                    #expect(made.isEmpty, "\(member)")
                }
            }
            let foreignStage = try await harness.memberJobProfiles(tenant: other)[foreign]?.stage
            #expect(foreignStage == "audience")

            // A re-run records nothing twice.
            try await harness.run(LifecycleJob(), now: Self.now)
            let rerun = try await Self.moves(harness)
            #expect(rerun.values.reduce(0) { $0 + $1.count } == 9)

            // A hundred days later every customer without a purchase in the last 90 days has lapsed.
            let later = Self.now.addingTimeInterval(100 * 86_400)
            try await harness.run(LifecycleJob(), now: later)
            let after = try await Self.moves(harness)
            let laterProfiles = try await harness.memberJobProfiles()
            for member in [firstBuyer, repeatBuyer, referrer, engaged, groupFan, leftGroup, returning, early] {
                #expect(laterProfiles[member]?.stage == "lapsed", "\(member)")
                #expect(after[member]?.last?.to == "lapsed", "\(member)")
                #expect(after[member]?.last?.reason == "no_purchase_90d", "\(member)")
                #expect(after[member]?.last?.at == later, "\(member)")
            }
            #expect(after[firstBuyer]?.map { $0.from } == ["audience", "user"])
            #expect(laterProfiles[checker]?.stage == "user")
            #expect(after[gone]?.count == 1)

            // The day's snapshot counts the stages and the moves of the day.
            let snapshot = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT (body -> 'stages' ->> 'lapsed')::int, jsonb_array_length(body -> 'moves')
                    FROM report_snapshots WHERE kind = 'lifecycle_moves' ORDER BY computed_at DESC LIMIT 1
                    """)[0]
            }
            #expect(try snapshot.decode(Int.self, at: 0) == 9)
            #expect(try snapshot.decode(Int.self, at: 1) == 4)
        }
    }

    @Test func aTenantsLapseWindowIsKept() async throws {
        try await AnalyticsHarness.with(jobs: [LifecycleJob()]) { harness in
            let buyer = try await harness.memberJobMember("月度买家")
            try await harness.memberJobEvents([.init(member: buyer, kind: .purchase, at: Self.daysAgo(40))])
            try await harness.run(LifecycleJob(), now: Self.now, params: ["lapse_days": "30"])
            let moves = try await Self.moves(harness)
            #expect(moves[buyer]?.map { $0.reason } == ["no_purchase_30d"])
            let refused = await #expect(throws: DomainError.self) {
                try await harness.run(LifecycleJob(), now: Self.now, params: ["lapse_days": "never"])
            }
            #expect(refused?.code == .invalidArgument)
            // The next scheduled run still uses 30 days.
            let other = try await harness.memberJobMember("另一位")
            try await harness.memberJobEvents([.init(member: other, kind: .purchase, at: Self.daysAgo(35))])
            try await harness.run(LifecycleJob(), now: Self.now, lastSuccess: Self.daysAgo(1))
            let later = try await Self.moves(harness)
            #expect(later[other]?.map { $0.reason } == ["no_purchase_30d"])
        }
    }
}
