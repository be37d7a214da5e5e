import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: changing, freezing and streaming segments")
struct SegmentChangeAPITests {
    func create(_ name: String, _ rule: String, _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>)
        async throws -> Hearth_Member_V1_Segment
    {
        var request = Hearth_Member_V1_CreateSegmentRequest()
        request.name = name
        request.ruleText = rule
        return try await client.createSegment(request).segment
    }

    func streamed(_ segmentID: String, _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>)
        async throws -> [String]
    {
        var request = Hearth_Member_V1_StreamMembersRequest()
        request.filter.segmentID = segmentID
        return try await client.streamMembers(request) { response in
            var names: [String] = []
            for try await message in response.messages { names += message.members.map(\.profile.displayName) }
            return names
        }
    }

    @Test func snapshotFreezesTheListWhileTheDynamicSegmentMoves() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let ids = try await SegmentAPITests.seed(harness, client: client)
                let sichuan = try await create("sichuan", #"region.province = "Sichuan""#, client)
                #expect(Set(try await streamed(sichuan.segmentID, client)) == ["pharmacy-a", "pharmacy-b", "clinic-c"])

                var snapshot = Hearth_Member_V1_SnapshotSegmentRequest()
                snapshot.sourceSegmentID = sichuan.segmentID
                snapshot.name = "sichuan-frozen"
                let frozen = try await client.snapshotSegment(snapshot).segment
                #expect(frozen.kind == .static)
                #expect(frozen.memberCount == 3)
                #expect(frozen.hasSnapshotAt)

                // A new Sichuan member joins the dynamic segment, not the frozen one.
                _ = try await client.createMember(createRequest(name: "newcomer", province: "Sichuan"))
                #expect(try await streamed(sichuan.segmentID, client).count == 4)
                #expect(Set(try await streamed(frozen.segmentID, client)) == ["pharmacy-a", "pharmacy-b", "clinic-c"])
                // A rule over the frozen list works like any other segment.
                var preview = Hearth_Member_V1_PreviewSegmentRequest()
                preview.ruleText = #"member_of("sichuan-frozen") and tag "core""#
                preview.sampleSize = 10
                #expect(try await client.previewSegment(preview).sample.map(\.memberID) == [ids["pharmacy-a"]!])

                let taken = await #expect(throws: RPCError.self) { try await client.snapshotSegment(snapshot) }
                #expect(taken?.code == .alreadyExists)
            }
        }
    }

    @Test func streamsMoreThanOneBatchInIDOrder() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let file = try MemberImportAPITests.write(
                    "name,phone,province\n"
                        + (0..<2_345).map { "m\($0),1380000\(String(format: "%04d", $0)),Yunnan" }.joined(
                            separator: "\n"))
                _ = try await HearthImportClientRun.members(file, client)
                let yunnan = try await create("yunnan", #"region.province = "Yunnan""#, client)
                var request = Hearth_Member_V1_StreamMembersRequest()
                request.filter.segmentID = yunnan.segmentID
                let batches = try await client.streamMembers(request) { response in
                    var batches: [[String]] = []
                    for try await message in response.messages { batches.append(message.members.map(\.memberID)) }
                    return batches
                }
                #expect(batches.map(\.count) == [1_000, 1_000, 345])
                let ids = batches.flatMap { $0 }
                #expect(ids == ids.sorted())
                #expect(Set(ids).count == 2_345)

                var byProvince = Hearth_Member_V1_StreamMembersRequest()
                byProvince.filter.provinces = ["Yunnan"]
                let count = try await client.streamMembers(byProvince) { response in
                    var count = 0
                    for try await message in response.messages { count += message.members.count }
                    return count
                }
                #expect(count == 2_345)
            }
        }
    }

    @Test func renameRuleChangeAndDeleteKeepReferencesWhole() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                _ = try await SegmentAPITests.seed(harness, client: client)
                let vip = try await create("vip", "vip_tier >= 2", client)
                let user = try await create(
                    "vip-in-sichuan", #"member_of("vip") and region.province = "Sichuan""#, client)

                var rename = Hearth_Member_V1_UpdateSegmentRequest()
                rename.segmentID = vip.segmentID
                rename.segment.name = "big-spenders"
                rename.updateMask.paths = ["name"]
                let refused = await #expect(throws: RPCError.self) { try await client.updateSegment(rename) }
                #expect(refused?.code == .failedPrecondition)
                #expect(refused?.message.contains("vip-in-sichuan") == true)

                var circle = Hearth_Member_V1_UpdateSegmentRequest()
                circle.segmentID = vip.segmentID
                circle.segment.ruleText = #"member_of("vip-in-sichuan")"#
                circle.updateMask.paths = ["rule_text"]
                await #expect(throws: RPCError.self) { try await client.updateSegment(circle) }

                var widen = Hearth_Member_V1_UpdateSegmentRequest()
                widen.segmentID = vip.segmentID
                widen.segment.ruleText = "vip_tier >= 0"
                widen.updateMask.paths = ["rule_text"]
                #expect(try await client.updateSegment(widen).segment.ruleText == "vip_tier >= 0")
                #expect(Set(try await streamed(user.segmentID, client)) == ["pharmacy-a", "pharmacy-b", "clinic-c"])

                var deleteVip = Hearth_Member_V1_DeleteSegmentRequest()
                deleteVip.segmentID = vip.segmentID
                let inUse = await #expect(throws: RPCError.self) { try await client.deleteSegment(deleteVip) }
                #expect(inUse?.code == .failedPrecondition)
                var deleteUser = Hearth_Member_V1_DeleteSegmentRequest()
                deleteUser.segmentID = user.segmentID
                _ = try await client.deleteSegment(deleteUser)
                _ = try await client.deleteSegment(deleteVip)
                let gone = await #expect(throws: RPCError.self) { try await client.deleteSegment(deleteVip) }
                #expect(gone?.code == .notFound)
            }
        }
    }

    @Test func listSegmentsPages() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                for index in 0..<7 { _ = try await create("segment-\(index)", "vip_tier >= \(index)", client) }
                var request = Hearth_Member_V1_ListSegmentsRequest()
                request.page.pageSize = 3
                var names: [String] = []
                repeat {
                    let page = try await client.listSegments(request)
                    names += page.segments.map(\.name)
                    request.page.cursor = page.page.nextCursor
                } while !request.page.cursor.isEmpty
                #expect(names == (0..<7).map { "segment-\($0)" })
            }
        }
    }
}
