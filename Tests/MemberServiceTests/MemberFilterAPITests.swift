import Foundation
import GRPCCore
import HearthPostgres
import HearthProtos
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: every member filter, in lists, streams and bulk tags")
struct MemberFilterAPITests {
    @Test func eachFilterNarrowsToTheMembersItDescribes() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                func create(
                    _ name: String, city: String, orgKind: String, source: Hearth_Common_V1_SourceChannel,
                    tags: [String], interests: [String], vip: Int32
                ) async throws -> String {
                    var request = createRequest(name: name, province: "Sichuan", tags: tags)
                    request.profile.region.city = city
                    request.profile.orgKind = orgKind
                    request.profile.sourceChannel = source
                    request.profile.interests = interests
                    request.profile.vipTier = vip
                    return try await client.createMember(request).member.memberID
                }
                let wang = try await create(
                    "Wang", city: "Chengdu", orgKind: "pharmacy", source: .qrPoster, tags: ["core"],
                    interests: ["diabetes"], vip: 3)
                let li = try await create(
                    "Li", city: "Mianyang", orgKind: "clinic", source: .referral, tags: ["new"],
                    interests: ["cardio", "diabetes"], vip: 1)
                let zhao = try await create(
                    "Zhao", city: "Chengdu", orgKind: "hospital", source: .weibo, tags: [], interests: [], vip: 0)
                let group = try await CommunityCalls.community(client, name: "Chengdu pharmacists")
                _ = try await CommunityCalls.join(client, group.communityID, wang)
                _ = try await CommunityCalls.join(client, group.communityID, zhao)
                var event = Hearth_Member_V1_RecordEventsRequest()
                event.events = [EventAPITests.input(member: li, kind: .checkIn, key: "li-checkin")]
                event.events[0].occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-2 * 86_400))
                #expect(try await client.recordEvents(event).acceptedCount == 1)

                func listed(_ change: (inout Hearth_Member_V1_MemberFilter) -> Void) async throws -> Set<String> {
                    var request = Hearth_Member_V1_ListMembersRequest()
                    change(&request.filter)
                    return Set(try await client.listMembers(request).members.map(\.memberID))
                }
                let hourAgo = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-3_600))
                #expect(try await listed { $0.cities = ["Chengdu"] } == [wang, zhao])
                #expect(try await listed { $0.orgKinds = ["clinic", "hospital"] } == [li, zhao])
                #expect(try await listed { $0.sourceChannels = [.qrPoster, .weibo] } == [wang, zhao])
                #expect(try await listed { $0.tagsAny = ["core", "new"] } == [wang, li])
                #expect(try await listed { $0.interestsAny = ["cardio"] } == [li])
                #expect(try await listed { $0.vipTierMin = 1 } == [wang, li])
                #expect(try await listed { $0.vipTierMax = 1 } == [li, zhao])
                #expect(try await listed { $0.communityID = group.communityID } == [wang, zhao])
                #expect(
                    try await listed {
                        $0.lastActive.start = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-3 * 86_400))
                        $0.lastActive.end = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-86_400))
                    } == [li])
                #expect(try await listed { $0.created.start = hourAgo } == [wang, li, zhao])
                #expect(try await listed { $0.created.end = hourAgo }.isEmpty)
                // Filters combine with AND.
                #expect(
                    try await listed {
                        $0.cities = ["Chengdu"]
                        $0.interestsAny = ["diabetes"]
                        $0.vipTierMin = 2
                    } == [wang])

                // A saved segment narrows like any other filter, and combines with them.
                var diabetes = Hearth_Member_V1_CreateSegmentRequest()
                diabetes.name = "diabetes"
                diabetes.ruleText = #"interest "diabetes""#
                let segment = try await client.createSegment(diabetes).segment.segmentID
                #expect(try await listed { $0.segmentID = segment } == [wang, li])
                #expect(
                    try await listed {
                        $0.segmentID = segment
                        $0.cities = ["Mianyang"]
                    } == [li])

                // The same filters choose the members a bulk tag changes.
                var tag = Hearth_Member_V1_TagMembersRequest()
                tag.selection.filter.communityID = group.communityID
                tag.selection.filter.segmentID = segment
                tag.tags = ["chengdu-vip"]
                let tagged = try await client.tagMembers(tag)
                #expect((tagged.matchedCount, tagged.changedCount) == (1, 1))
                #expect(try await listed { $0.tagsAll = ["chengdu-vip"] } == [wang])

                // And the members a stream sends.
                var stream = Hearth_Member_V1_StreamMembersRequest()
                stream.filter.orgKinds = ["pharmacy", "clinic", "hospital"]
                stream.filter.segmentID = segment
                let streamed = try await client.streamMembers(stream) { response in
                    var ids: Set<String> = []
                    for try await batch in response.messages { ids.formUnion(batch.members.map(\.memberID)) }
                    return ids
                }
                #expect(streamed == [wang, li])

                // What cannot be asked, each with its reason.
                var bad = Hearth_Member_V1_ListMembersRequest()
                bad.filter.vipTierMin = 5
                bad.filter.vipTierMax = 2
                let range = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(range?.code == .invalidArgument)
                #expect(range?.message.contains("got 5 to 2") == true)
                bad = Hearth_Member_V1_ListMembersRequest()
                bad.filter.communityID = UUID().uuidString.lowercased()
                let missing = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(missing?.code == .notFound)
                bad = Hearth_Member_V1_ListMembersRequest()
                bad.filter.created.start = Google_Protobuf_Timestamp(date: Date())
                bad.filter.created.end = hourAgo
                let backwards = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(backwards?.code == .invalidArgument)
                bad = Hearth_Member_V1_ListMembersRequest()
                bad.filter.segmentID = UUID().uuidString.lowercased()
                let noSegment = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(noSegment?.code == .notFound)
                bad = Hearth_Member_V1_ListMembersRequest()
                bad.view = .full
                let view = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(view?.code == .invalidArgument)
            }
        }
    }

    /// Each order, read two members a page: every member once, in the order's sequence.
    @Test func listsInEveryOrderPageByPage() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                var ids: [String: String] = [:]
                for name in ["Chen", "An", "Bo", "Du", "Em"] {
                    ids[name] = try await client.createMember(createRequest(name: name)).member.memberID
                }
                // Spend and last activity from purchases; Du never did anything.
                var purchases = Hearth_Member_V1_RecordEventsRequest()
                for (name, amount, daysAgo) in [("Chen", 500, 1), ("An", 100, 3), ("Bo", 900, 2), ("Em", 200, 5)] {
                    var event = EventAPITests.input(
                        member: ids[name], kind: .purchase, key: "order-\(name)", amount: Int64(amount))
                    event.occurredAt = Google_Protobuf_Timestamp(
                        date: Date().addingTimeInterval(-Double(daysAgo) * 86_400))
                    purchases.events.append(event)
                }
                #expect(try await client.recordEvents(purchases).acceptedCount == 4)
                for (name, score) in [("Chen", 0.5), ("An", 0.9), ("Bo", 0.1), ("Du", 0.7), ("Em", 0.3)] {
                    let text = try #require(ids[name])
                    let id = try #require(UUID(uuidString: text))
                    try await harness.sql("UPDATE members SET engagement_score = \(score) WHERE member_id = \(id)")
                }

                func names(_ order: Hearth_Member_V1_MemberOrder) async throws -> [String] {
                    let byID = Dictionary(uniqueKeysWithValues: ids.map { ($0.value, $0.key) })
                    var request = Hearth_Member_V1_ListMembersRequest()
                    request.orderBy = order
                    request.page.pageSize = 2
                    var listed: [String] = []
                    repeat {
                        let page = try await client.listMembers(request)
                        listed += page.members.map { byID[$0.memberID] ?? "?" }
                        request.page.cursor = page.page.nextCursor
                    } while !request.page.cursor.isEmpty
                    return listed
                }
                #expect(try await names(.createdAtDesc) == ["Em", "Du", "Bo", "An", "Chen"])
                #expect(try await names(.totalSpendDesc) == ["Bo", "Chen", "Em", "An", "Du"])
                #expect(try await names(.lastActiveAtDesc) == ["Chen", "Bo", "An", "Em", "Du"])
                #expect(try await names(.engagementScoreDesc) == ["An", "Du", "Chen", "Em", "Bo"])
                #expect(try await names(.displayNameAsc) == ["An", "Bo", "Chen", "Du", "Em"])

                // A cursor continues the order that issued it, and no other.
                var bySpend = Hearth_Member_V1_ListMembersRequest()
                bySpend.orderBy = .totalSpendDesc
                bySpend.page.pageSize = 2
                var byName = Hearth_Member_V1_ListMembersRequest()
                byName.orderBy = .displayNameAsc
                byName.page.cursor = try await client.listMembers(bySpend).page.nextCursor
                let mixed = await #expect(throws: RPCError.self) { try await client.listMembers(byName) }
                #expect(mixed?.code == .invalidArgument)
            }
        }
    }
}
