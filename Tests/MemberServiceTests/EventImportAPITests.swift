import Foundation
import GRPCCore
import HearthImportClient
import HearthProtos
import HearthWire
import SwiftProtobuf
import Testing

/// Shorthands for running the file imports in tests.
enum HearthImportClientRun {
    static func members(_ file: URL, _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>)
        async throws -> MemberFileImport.Outcome
    {
        try await MemberFileImport.run(file: file, client: client, dryRun: false, onRejected: { _ in })
    }
}

@Suite("member-service: ImportEvents and ListEvents, against PostgreSQL")
struct EventImportAPITests {
    @Test func ndjsonAndCSVImportOnceWithRejectsByRow() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let wang = try await client.createMember(createRequest(name: "王芳", phone: "13800138000")).member
                let ndjson = try write(
                    "\u{FEFF}"
                        + #"{"phone": "138 0013 8000", "kind": "purchase", "occurred_at": "2026-11-20T14:30:00+08:00", "amount_fen": 12800, "idempotency_key": "order-1"}"#
                        + "\n"
                        + #"{"member_id": "\#(wang.memberID)", "kind": "message", "occurred_at": "2026-11-21T09:00:00Z", "idempotency_key": "msg-1", "properties": {"length": 12}}"#
                        + "\n\n"  // a blank line 3
                        + #"{"phone": "13900139000", "kind": "visit", "occurred_at": "2026-11-21T09:00:00Z", "idempotency_key": "v-1"}"#
                        + "\n" + "not json\n"
                        + #"{"phone": "13800138000", "kind": "purchase", "occurred_at": "2026-11-21T09:00:00Z", "idempotency_key": "order-2"}"#
                        + "\n"
                        + #"{"phone": "13800138000", "kind": "purchase", "occurred_at": "yesterday", "amount_fen": 1, "idempotency_key": "order-3"}"#
                        + "\n", extension: "ndjson")
                let rejects = Rejects()
                let first = try await EventFileImport.run(
                    file: ndjson, client: client, dryRun: false, onRejected: rejects.add)
                #expect(first.accepted == 2)
                #expect(first.duplicate == 0)
                #expect(first.rejected == 4)
                #expect(
                    rejects.byRow == [
                        4: "member_unknown", 5: "json_invalid", 6: "amount_missing", 7: "occurred_at_invalid",
                    ])
                let again = try await EventFileImport.run(
                    file: ndjson, client: client, dryRun: false, onRejected: { _ in })
                #expect(again.accepted == 0)
                #expect(again.duplicate == 2)

                let csv = try write(
                    "phone,kind,occurred_at,amount_fen,idempotency_key\r\n"
                        + "13800138000,check_in,2026-11-22T08:00:00+08:00,,c-1\r\n"
                        // The key of the purchase imported above, for another purchase: refused, not a retry.
                        + "13800138000,purchase,2026-11-22T09:00:00+08:00,500,order-1\r\n"
                        + "13800138000,dance,2026-11-22T09:00:00+08:00,,d-1\r\n"
                        // The same purchase again, as a retry sends it: a duplicate.
                        + "138 0013 8000,purchase,2026-11-20T14:30:00+08:00,12800,order-1\r\n", extension: "csv")
                let csvRejects = Rejects()
                let fromCSV = try await EventFileImport.run(
                    file: csv, client: client, dryRun: false, onRejected: csvRejects.add)
                #expect(fromCSV.accepted == 1)
                #expect(fromCSV.duplicate == 1)
                #expect(csvRejects.byRow == [3: "idempotency_key_reused", 4: "kind_unknown"])

                var list = Hearth_Member_V1_ListEventsRequest()
                list.filter.memberID = wang.memberID
                list.page.pageSize = 2
                var keys: [String] = []
                repeat {
                    let page = try await client.listEvents(list)
                    keys += page.events.map(\.idempotencyKey)
                    list.page.cursor = page.page.nextCursor
                } while !list.page.cursor.isEmpty
                #expect(keys == ["c-1", "msg-1", "order-1"])  // newest first
                var purchases = Hearth_Member_V1_ListEventsRequest()
                purchases.filter.kinds = [.purchase]
                let bought = try await client.listEvents(purchases).events
                #expect(bought.map(\.amountFen) == [12_800])
            }
        }
    }

    @Test func dryRunStoresNothing() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                _ = try await client.createMember(createRequest(name: "王芳", phone: "13800138000"))
                let file = try write(
                    #"{"phone": "13800138000", "kind": "visit", "occurred_at": "2026-11-21T09:00:00Z", "idempotency_key": "v-1"}"#
                        + "\n", extension: "jsonl")
                let outcome = try await EventFileImport.run(
                    file: file, client: client, dryRun: true, onRejected: { _ in })
                #expect(outcome.dryRun)
                #expect(outcome.accepted == 1)
                #expect(try await client.listEvents(Hearth_Member_V1_ListEventsRequest()).events.isEmpty)
            }
        }
    }

    /// One row of every kind the issue lists, with the community and campaign each names.
    @Test func everyKindIsStoredWithItsCommunityAndCampaign() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                _ = try await client.createMember(createRequest(name: "王芳", phone: "13800138000"))
                let group = try await CommunityCalls.community(client, name: "成都药店会员群").communityID
                let campaign = UUID().uuidString.lowercased()
                let rows = [
                    "message,\(group),,,", "check_in,\(group),,,", "share,,\(campaign),,", "referral,,\(campaign),,",
                    "purchase,,\(campaign),9900,", "campaign_participation,,\(campaign),,", "visit,,,,",
                    "feedback,\(group),,,open", "join,\(group),,,", "leave,\(group),,,",
                ]
                // One a day over the ten days before today.
                let iso = ISO8601DateFormatter()
                let csv = try write(
                    "phone,kind,community_id,campaign_id,amount_fen,feedback_status,occurred_at,idempotency_key\n"
                        + rows.enumerated().map { index, row in
                            let day = Date().addingTimeInterval(-Double(10 - index) * 86_400)
                            return "13800138000,\(row),\(iso.string(from: day)),k-\(index)"
                        }.joined(separator: "\n") + "\n", extension: "csv")
                let rejects = Rejects()
                let outcome = try await EventFileImport.run(
                    file: csv, client: client, dryRun: false, onRejected: rejects.add)
                #expect(rejects.byRow == [:])
                #expect(outcome.accepted == 10)

                var list = Hearth_Member_V1_ListEventsRequest()
                list.page.pageSize = 100
                let stored = Dictionary(
                    uniqueKeysWithValues: try await client.listEvents(list).events.map { ($0.kind, $0) })
                #expect(
                    Set(stored.keys) == [
                        .message, .checkIn, .share, .referral, .purchase, .campaignParticipation, .visit, .feedback,
                        .join, .leave,
                    ])
                for kind in [Hearth_Common_V1_EventKind.message, .checkIn, .feedback, .join, .leave] {
                    #expect(stored[kind]?.communityID == group, "\(kind)")
                }
                for kind in [Hearth_Common_V1_EventKind.share, .referral, .purchase, .campaignParticipation] {
                    #expect(stored[kind]?.campaignID == campaign, "\(kind)")
                }
                #expect(stored[.purchase]?.amountFen == 9_900)
                #expect(stored[.feedback]?.feedbackStatus == .open)
                #expect(stored[.visit]?.communityID == "")
            }
        }
    }

    func write(_ text: String, extension: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hearth-events-\(UUID()).\(`extension`)")
        try Data(text.utf8).write(to: url)
        return url
    }
}
