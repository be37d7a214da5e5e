import AnalyticsWorker
import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import HearthWire
import Testing

@Suite("social_roles job: a role per membership, relative to the group")
struct SocialRolesJobTests {
    /// 2026-03-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_323_200)

    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    /// Every membership's stored social role by "community/member".
    static func membershipRoles(_ harness: AnalyticsHarness, tenant: TenantID? = nil) async throws -> [String: String?]
    {
        try await harness.pool.withTenant(tenant ?? harness.tenant) { connection in
            var roles: [String: String?] = [:]
            for row in try await connection.query("SELECT community_id, member_id, social_role FROM memberships") {
                let community = CommunityID(try row.decode(UUID.self, at: 0))
                let member = MemberID(try row.decode(UUID.self, at: 1))
                roles["\(community)/\(member)"] = .some(try row.decode(String?.self, at: 2))
            }
            return roles
        }
    }

    @Test func eachMemberOfAHandBuiltGroupGetsTheirRole() async throws {
        try await AnalyticsHarness.with(jobs: [SocialRolesJob()]) { harness in
            let tea = try await harness.memberJobCommunity("茶友会")
            let night = try await harness.memberJobCommunity("夜聊群")
            let names = [
                "organizer", "thinker", "energizer", "asker", "lurker", "challenger", "ordinary", "quiet", "gone",
            ]
            var created: [String: MemberID] = [:]
            for name in names { created[name] = try await harness.memberJobMember(name) }
            let members = created
            func m(_ name: String) -> MemberID { members[name]! }
            for name in names where name != "quiet" && name != "gone" {
                try await harness.memberJobMembership(
                    m(name), in: tea, socialRole: name == "ordinary" ? "thinker" : nil)
            }
            try await harness.memberJobMembership(m("gone"), in: tea, status: "left", socialRole: "thinker")
            try await harness.memberJobMembership(m("thinker"), in: night)
            try await harness.memberJobMembership(m("quiet"), in: night)
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE members SET social_role = 'thinker' WHERE member_id = \(m("gone").rawValue)")
            }

            func said(
                _ name: String, _ count: Int, _ properties: String, in community: CommunityID? = nil,
                kind: EventKind = .message, daysAgo: Double = 3
            )
                -> [AnalyticsHarness.MemberJobEvent]
            {
                (0..<count).map { index in
                    .init(
                        member: m(name), kind: kind, at: Self.daysAgo(daysAgo + Double(index) / 24),
                        community: community ?? tea, properties: properties)
                }
            }
            var events: [AnalyticsHarness.MemberJobEvent] = []
            // organizer: 3 × 2 announcements + 4 replies to another member = 10.
            events += said("organizer", 2, #"{"length": 50, "announcement": true}"#)
            events += said("organizer", 4, #"{"length": 30, "reply_to_member_id": "\#(m("thinker"))"}"#)
            // thinker: 4 long messages + 2 × 1 share = 6; and 10 short messages in the night group.
            events += said("thinker", 4, #"{"length": 200}"#)
            events += said("thinker", 1, "{}", kind: .share)
            events += said("thinker", 10, #"{"length": 5}"#, in: night)
            // energizer: 8 short messages + 2 check-ins = 10.
            events += said("energizer", 8, #"{"length": 5}"#)
            events += said("energizer", 2, "{}", kind: .checkIn)
            // asker: 4 questions + 1 request for help = 5.
            events += said("asker", 4, #"{"length": 40, "is_question": true}"#)
            events += said("asker", 1, #"{"feedback_status": "open"}"#, kind: .feedback)
            // lurker: one message now, long ones only before the window.
            events += said("lurker", 1, #"{"length": 30}"#)
            events += said("lurker", 5, #"{"length": 300}"#, daysAgo: 40)
            // challenger: 2 complaints + 1 warning = 3; a resolved one does not count.
            events += said("challenger", 3, #"{"length": 40}"#)
            events += said("challenger", 1, #"{"feedback_status": "open", "sentiment": "negative"}"#, kind: .feedback)
            events += said("challenger", 1, #"{"feedback_status": "open", "complaint": true}"#, kind: .feedback)
            events += said("challenger", 1, #"{"feedback_status": "resolved", "sentiment": -0.8}"#, kind: .feedback)
            // ordinary: five plain messages, nothing that stands out.
            events += said("ordinary", 5, #"{"length": 50}"#)
            // gone left the group: their long messages there are not judged.
            events += said("gone", 6, #"{"length": 300}"#)
            try await harness.memberJobEvents(events)
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    INSERT INTO moderation_actions (tenant_id, community_id, member_id, action, reason, acted_by,
                                                    created_at)
                    VALUES (\(harness.tenant.rawValue), \(tea.rawValue), \(m("challenger").rawValue), 'warn',
                            '公开质疑群规', 'op-test', \(Self.daysAgo(3)))
                    """)
            }
            // Another tenant's busy member keeps no role.
            let other = try await harness.otherTenant()
            let elsewhere = try await harness.memberJobCommunity("别家群", tenant: other)
            let foreign = try await harness.memberJobMember("别家", tenant: other)
            try await harness.memberJobMembership(foreign, in: elsewhere, tenant: other)
            try await harness.memberJobEvents(
                (0..<8).map { _ in
                    .init(
                        member: foreign, kind: .message, at: Self.daysAgo(2), community: elsewhere,
                        properties: #"{"length": 5}"#)
                },
                tenant: other)

            try await harness.run(SocialRolesJob(), now: Self.now)

            let roles = try await Self.membershipRoles(harness)
            let expectedInTea: [String: String?] = [
                "organizer": "organizer", "thinker": "thinker", "energizer": "energizer", "asker": "asker",
                "lurker": "lurker", "challenger": "challenger", "ordinary": nil, "gone": nil,
            ]
            for (name, role) in expectedInTea {
                #expect(roles["\(tea)/\(m(name))"] == .some(role), "\(name)")
            }
            #expect(roles["\(night)/\(m("thinker"))"] == .some("energizer"))
            #expect(roles["\(night)/\(m("quiet"))"] == .some("lurker"))

            let profiles = try await harness.memberJobProfiles()
            let expectedOverall: [String: String?] = [
                "organizer": "organizer", "energizer": "energizer", "asker": "asker", "lurker": "lurker",
                "challenger": "challenger", "ordinary": nil, "gone": nil, "quiet": "lurker",
                // Busier in the night group (10 events) than in the tea group (5).
                "thinker": "energizer",
            ]
            for (name, role) in expectedOverall {
                #expect(profiles[m(name)]?.role == role, "\(name)")
            }
            let foreignRoles = try await Self.membershipRoles(harness, tenant: other)
            #expect(foreignRoles["\(elsewhere)/\(foreign)"] == .some(nil))

            // A re-run writes nothing but the day's snapshot.
            let rerun = try await harness.run(SocialRolesJob(), now: Self.now)
            #expect(rerun == 1)
            let rolesAfterRerun = try await Self.membershipRoles(harness)
            #expect(rolesAfterRerun == roles)
            let snapshot = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT (body ->> 'memberships')::int, (body -> 'roles' ->> 'lurker')::int, count(*) OVER ()
                    FROM report_snapshots WHERE kind = 'social_roles'
                    """)[0]
            }
            #expect(try snapshot.decode(Int.self, at: 0) == 9)
            #expect(try snapshot.decode(Int.self, at: 1) == 2)
            #expect(try snapshot.decode(Int.self, at: 2) == 1)
        }
    }
}
