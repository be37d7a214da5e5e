import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: RecordEvents over the wire, against PostgreSQL")
struct EventAPITests {
    static func input(
        member: String? = nil, phone: String? = nil, kind: Hearth_Common_V1_EventKind, key: String,
        amount: Int64? = nil
    ) -> Hearth_Member_V1_EventInput {
        var input = Hearth_Member_V1_EventInput()
        if let member { input.memberID = member }
        if let phone {
            var identity = Hearth_Member_V1_IdentityRef()
            identity.kind = .phone
            identity.value = phone
            input.identity = identity
        }
        input.kind = kind
        input.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-3600))
        if let amount { input.amountFen = amount }
        input.idempotencyKey = key
        return input
    }

    @Test func eachEventGetsItsOwnOutcomeAndRetriesNeverCountTwice() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .agent) { client in
                let member = try await harness.withClient(role: .operator) { operatorClient in
                    try await operatorClient.createMember(createRequest(name: "Buyer", phone: "13800138000")).member
                }
                var request = Hearth_Member_V1_RecordEventsRequest()
                request.events = [
                    Self.input(member: member.memberID, kind: .purchase, key: "order-1", amount: 12_800),
                    Self.input(phone: "+86 138 0013 8000", kind: .checkIn, key: "checkin-1"),
                    Self.input(member: member.memberID, kind: .purchase, key: "order-1", amount: 12_800),  // repeated
                    Self.input(member: UUID().uuidString.lowercased(), kind: .share, key: "share-1"),  // unknown
                    Self.input(phone: "13900000000", kind: .share, key: "share-2"),  // no such phone
                    Self.input(member: member.memberID, kind: .purchase, key: "order-2"),  // no amount
                    Self.input(member: member.memberID, kind: .unspecified, key: "x-1"),  // no kind
                    {
                        var visit = Self.input(member: member.memberID, kind: .visit, key: "visit-1")
                        visit.communityID = "group-7"  // not an id
                        return visit
                    }(),
                    {
                        // Local time written as UTC, eight hours ahead: a wrong time zone, not an event.
                        var ahead = Self.input(member: member.memberID, kind: .message, key: "message-1")
                        ahead.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(8 * 3_600))
                        return ahead
                    }(),
                    {
                        // A sender whose clock runs a minute fast is believed.
                        var fast = Self.input(member: member.memberID, kind: .message, key: "message-2")
                        fast.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(60))
                        return fast
                    }(),
                    // The first purchase's key on another purchase: not a retry.
                    Self.input(member: member.memberID, kind: .purchase, key: "order-1", amount: 99),
                ]
                let first = try await client.recordEvents(request)
                #expect(
                    first.results.map(\.outcome) == [
                        .accepted, .accepted, .duplicate, .rejected, .rejected, .rejected, .rejected, .rejected,
                        .rejected, .accepted, .rejected,
                    ])
                #expect(
                    first.results.map(\.reasonCode) == [
                        "", "", "", "member_unknown", "member_unknown", "amount_missing", "kind_missing",
                        "community_id_invalid", "occurred_in_future", "", "idempotency_key_reused",
                    ])
                #expect(first.results[8].reason.contains("lies in the future"))
                #expect(first.results[2].eventID == first.results[0].eventID)
                #expect(first.results[10].reason.contains("already names another event (purchase of member"))
                #expect((first.acceptedCount, first.duplicateCount, first.rejectedCount) == (3, 1, 7))

                // The whole batch again: nothing new is stored.
                let retry = try await client.recordEvents(request)
                #expect(
                    retry.results.map(\.outcome) == [
                        .duplicate, .duplicate, .duplicate, .rejected, .rejected, .rejected, .rejected, .rejected,
                        .rejected, .duplicate, .rejected,
                    ])
                #expect(retry.results[0].eventID == first.results[0].eventID)

                // The stored purchase now counts in segments.
                var preview = Hearth_Member_V1_PreviewSegmentRequest()
                preview.ruleText = "purchases(last 7d).count = 1 and check_ins(last 7d).count = 1"
                #expect(try await client.previewSegment(preview).memberCount == 1)

                let empty = await #expect(throws: RPCError.self) {
                    try await client.recordEvents(Hearth_Member_V1_RecordEventsRequest())
                }
                #expect(empty?.code == .invalidArgument)
            }
        }
    }
}
