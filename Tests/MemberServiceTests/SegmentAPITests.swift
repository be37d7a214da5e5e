import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: segments over the wire, against PostgreSQL")
struct SegmentAPITests {
    /// Five members in two provinces with tags and purchases, to test rules against.
    static func seed(
        _ harness: MemberServiceHarness, client: Hearth_Member_V1_MemberService.Client<some ClientTransport>
    )
        async throws -> [String: String]
    {
        var ids: [String: String] = [:]
        for (name, province, tags, vip) in [
            ("pharmacy-a", "Sichuan", ["core"], 0), ("pharmacy-b", "Sichuan", [], 2), ("clinic-c", "Sichuan", [], 0),
            ("shop-d", "Hubei", ["core"], 3), ("nobody-e", "", [], 0),
        ] {
            var request = createRequest(name: name, province: province.isEmpty ? nil : province, tags: tags)
            request.profile.vipTier = Int32(vip)
            request.profile.orgKind = name.hasPrefix("pharmacy") ? "pharmacy" : name.hasPrefix("clinic") ? "clinic" : ""
            ids[name] = try await client.createMember(request).member.memberID
        }
        // Purchases: a bought twice recently, b once long ago, d once recently.
        let now = Date()
        let events = [
            ("pharmacy-a", now.addingTimeInterval(-86_400 * 3), 12_000),
            ("pharmacy-a", now.addingTimeInterval(-86_400 * 10), 8_000),
            ("pharmacy-b", now.addingTimeInterval(-86_400 * 200), 5_000),
            ("shop-d", now.addingTimeInterval(-86_400), 30_000),
        ].enumerated().map { index, purchase in
            MemberEvent(
                tenantID: harness.tenant, memberID: MemberID(ids[purchase.0]!)!, kind: .purchase,
                occurredAt: purchase.1,
                amountFen: Int64(purchase.2), idempotencyKey: "order-\(index)")
        }
        _ = try await EventStore(pool: harness.pool).record(events, tenant: harness.tenant)
        return ids
    }

    func preview(_ rule: String, _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>) async throws
        -> Set<String>
    {
        var request = Hearth_Member_V1_PreviewSegmentRequest()
        request.ruleText = rule
        request.sampleSize = 100
        let response = try await client.previewSegment(request)
        #expect(response.memberCount == Int64(response.sample.count))
        return Set(response.sample.map(\.profile.displayName))
    }

    @Test func rulesPickTheRightMembers() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                _ = try await Self.seed(harness, client: client)
                #expect(
                    try await preview(#"region.province = "Sichuan""#, client) == [
                        "pharmacy-a", "pharmacy-b", "clinic-c",
                    ])
                #expect(try await preview(#"region.province != "Sichuan""#, client) == ["shop-d", "nobody-e"])
                #expect(
                    try await preview(#"org_kind in ("pharmacy", "clinic")"#, client) == [
                        "pharmacy-a", "pharmacy-b", "clinic-c",
                    ])
                #expect(
                    try await preview(#"vip_tier >= 1 or tag "core""#, client) == [
                        "pharmacy-a", "pharmacy-b", "shop-d",
                    ])
                #expect(try await preview("purchases(last 90d).count >= 1", client) == ["pharmacy-a", "shop-d"])
                // Whether someone bought reads the member's last purchase; how often reads the events.
                #expect(try await preview("purchases(last 90d).count > 0", client) == ["pharmacy-a", "shop-d"])
                #expect(try await preview("purchases(last 90d).count != 0", client) == ["pharmacy-a", "shop-d"])
                #expect(try await preview("purchases(last 90d).count >= 2", client) == ["pharmacy-a"])
                #expect(
                    try await preview("purchases(last 90d).count != 1", client) == [
                        "pharmacy-a", "pharmacy-b", "clinic-c", "nobody-e",
                    ])
                #expect(
                    try await preview("purchases(last 7d).count < 1", client) == ["pharmacy-b", "clinic-c", "nobody-e"])
                #expect(
                    try await preview("purchases(last 90d).count = 0", client) == [
                        "pharmacy-b", "clinic-c", "nobody-e",
                    ])
                #expect(try await preview("purchases(last 30d).sum >= 20000", client) == ["pharmacy-a", "shop-d"])
                #expect(
                    try await preview("purchases(last 365d).count < 2", client) == [
                        "pharmacy-b", "clinic-c", "shop-d", "nobody-e",
                    ])
                #expect(try await preview(#"not tag "core""#, client) == ["pharmacy-b", "clinic-c", "nobody-e"])
            }
        }
    }

    @Test func segmentsNestAndRefuseCircles() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                _ = try await Self.seed(harness, client: client)
                var vip = Hearth_Member_V1_CreateSegmentRequest()
                vip.name = "vip-sichuan"
                vip.ruleText = #"region.province = "Sichuan" and vip_tier >= 1"#
                let saved = try await client.createSegment(vip).segment
                #expect(saved.kind == .dynamic)

                // The issue's example rule, nesting the saved segment.
                let example = #"""
                    region.province = "Sichuan" and org_kind in ("pharmacy", "clinic") and (vip_tier >= 1 or tag "core")
                    and purchases(last 90d).count >= 1 and not member_of("vip-sichuan")
                    """#
                #expect(try await preview(example, client) == ["pharmacy-a"])

                var outer = Hearth_Member_V1_CreateSegmentRequest()
                outer.name = "buyers-not-vip"
                outer.ruleText = #"purchases(last 90d).count >= 1 and not member_of("vip-sichuan")"#
                let outerSegment = try await client.createSegment(outer).segment
                var bySaved = Hearth_Member_V1_PreviewSegmentRequest()
                bySaved.segmentID = outerSegment.segmentID
                bySaved.sampleSize = 10
                #expect(try await client.previewSegment(bySaved).memberCount == 2)

                var missing = Hearth_Member_V1_CreateSegmentRequest()
                missing.name = "dangling"
                missing.ruleText = #"member_of("no-such-segment")"#
                let notFound = await #expect(throws: RPCError.self) { try await client.createSegment(missing) }
                #expect(notFound?.code == .notFound)

                var circle = Hearth_Member_V1_CreateSegmentRequest()
                circle.name = "vip-sichuan-2"
                circle.ruleText = #"member_of("vip-sichuan-2")"#
                let circular = await #expect(throws: RPCError.self) { try await client.createSegment(circle) }
                #expect(circular?.code == .invalidArgument)

                let taken = await #expect(throws: RPCError.self) { try await client.createSegment(vip) }
                #expect(taken?.code == .alreadyExists)

                let listed = try await client.listSegments(Hearth_Member_V1_ListSegmentsRequest()).segments
                #expect(listed.map(\.name) == ["buyers-not-vip", "vip-sichuan"])
            }
        }
    }

    @Test func ruleErrorsPointAtTheirPlace() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                var request = Hearth_Member_V1_PreviewSegmentRequest()
                request.ruleText = "vip_tier >= 1 and\nregion.provice = \"Sichuan\""
                let error = await #expect(throws: RPCError.self) { try await client.previewSegment(request) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("line 2") == true)
                let bytes = try #require(error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }))
                let detail = try Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
                #expect(detail.position.line == 2)
                #expect(detail.position.column == 1)
                #expect(detail.reason == "rule_invalid")
            }
        }
    }
}
