import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: member totals and feedback kept from events")
struct EventTotalsAPITests {
    @Test func totalsMoveWithEachStoredEventAndNeverWithARetry() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let member = try await client.createMember(createRequest(name: "Buyer", phone: "13800138000")).member
                var first = Hearth_Member_V1_RecordEventsRequest()
                var older = EventTotalsAPITests.input(member.memberID, .purchase, "order-1", amount: 12_800)
                older.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_790_000_000))
                var newer = EventTotalsAPITests.input(member.memberID, .purchase, "order-2", amount: 5_000)
                newer.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_790_086_400))
                var message = EventTotalsAPITests.input(member.memberID, .message, "msg-1")
                message.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_790_172_800))
                first.events = [older, newer, message]
                _ = try await client.recordEvents(first)
                _ = try await client.recordEvents(first)  // a retry changes nothing

                var get = Hearth_Member_V1_GetMemberRequest()
                get.memberID = member.memberID
                let metrics = try await client.getMember(get).member.metrics
                #expect(metrics.totalSpendFen == 17_800)
                #expect(metrics.orderCount == 2)
                #expect(metrics.lastPurchaseAt.seconds == 1_790_086_400)
                #expect(metrics.lastActiveAt.seconds == 1_790_172_800)
            }
        }
    }

    @Test func feedbackOpensAndResolvesWithItsProperties() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let member = try await client.createMember(createRequest(name: "Asker", phone: "13800138000")).member
                var open = EventTotalsAPITests.input(member.memberID, .feedback, "fb-1")
                open.properties = try Google_Protobuf_Struct(jsonString: #"{"topic": "delivery late"}"#)
                var resolved = EventTotalsAPITests.input(member.memberID, .feedback, "fb-1-done")
                resolved.feedbackStatus = .resolved
                resolved.resolvesIdempotencyKey = "fb-1"
                var misplaced = EventTotalsAPITests.input(member.memberID, .message, "msg-x")
                misplaced.feedbackStatus = .open
                var request = Hearth_Member_V1_RecordEventsRequest()
                request.events = [open, resolved, misplaced]
                let results = try await client.recordEvents(request).results
                #expect(results.map(\.outcome) == [.accepted, .accepted, .rejected])

                var list = Hearth_Member_V1_ListEventsRequest()
                list.filter.kinds = [.feedback]
                let events = try await client.listEvents(list).events
                let byKey = Dictionary(uniqueKeysWithValues: events.map { ($0.idempotencyKey, $0) })
                #expect(byKey["fb-1"]?.feedbackStatus == .open)
                #expect(byKey["fb-1"]?.properties.fields["topic"]?.stringValue == "delivery late")
                #expect(byKey["fb-1-done"]?.feedbackStatus == .resolved)
                #expect(byKey["fb-1-done"]?.resolvesIdempotencyKey == "fb-1")
                #expect(byKey["fb-1-done"]?.properties.fields.isEmpty == true)
            }
        }
    }

    static func input(
        _ member: String, _ kind: Hearth_Common_V1_EventKind, _ key: String, amount: Int64? = nil
    ) -> Hearth_Member_V1_EventInput {
        var input = Hearth_Member_V1_EventInput()
        input.memberID = member
        input.kind = kind
        input.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-60))
        if let amount { input.amountFen = amount }
        input.idempotencyKey = key
        return input
    }
}
