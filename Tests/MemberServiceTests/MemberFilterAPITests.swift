import Foundation
import GRPCCore
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
                bad.orderBy = .totalSpendDesc
                let order = await #expect(throws: RPCError.self) { try await client.listMembers(bad) }
                #expect(order?.code == .invalidArgument)
            }
        }
    }
}
