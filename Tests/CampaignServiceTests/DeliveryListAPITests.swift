import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("campaign-service: listing the delivery outbox, against PostgreSQL")
struct DeliveryListAPITests {
    static func byCampaign(_ campaign: CampaignID) -> Hearth_Campaign_V1_ListDeliveriesRequest {
        var request = Hearth_Campaign_V1_ListDeliveriesRequest()
        request.campaignID = campaign.description
        return request
    }

    /// Every delivery the request matches, page by page (`pageSize` a page), with the pages' sizes.
    static func allPages(
        _ request: Hearth_Campaign_V1_ListDeliveriesRequest, pageSize: Int32,
        client: Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>
    ) async throws -> (deliveries: [Hearth_Campaign_V1_Delivery], pageSizes: [Int]) {
        var request = request
        request.page.pageSize = pageSize
        var deliveries: [Hearth_Campaign_V1_Delivery] = []
        var pageSizes: [Int] = []
        repeat {
            let response = try await client.listDeliveries(request)
            deliveries += response.deliveries
            pageSizes.append(response.deliveries.count)
            request.page.cursor = response.page.nextCursor
        } while !request.page.cursor.isEmpty
        return (deliveries, pageSizes)
    }

    @Test func aSentCampaignListsByStatusAndReasonAndPagesEveryRowOnce() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(10, goneEvery: 1_000_000)
            let campaign = try await harness.launchedCampaign()
            let planned = try await harness.planner().planDue(tenant: harness.tenant)
            #expect(planned == 10)
            // Two members are deleted after planning: the sender suppresses their messages.
            try await harness.deleteMembers(every: 5)
            let sender = try harness.sender(name: "list-test", lease: .seconds(30), batchSize: 100)
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) > 0 {}

            try await harness.withCampaignClient(role: .viewer) { client in
                let everything = try await client.listDeliveries(Self.byCampaign(campaign.id)).deliveries
                #expect(everything.count == 10)
                #expect(everything.allSatisfy { $0.campaignID == campaign.id.description })
                #expect(everything.allSatisfy { $0.channel == .log && $0.phase == .live })

                var sent = Self.byCampaign(campaign.id)
                sent.statuses = [.sent]
                let sentRows = try await client.listDeliveries(sent).deliveries
                #expect(sentRows.count == 8)
                #expect(sentRows.allSatisfy { $0.status == .sent && $0.hasSentAt && $0.attempts == 1 })

                var deleted = Self.byCampaign(campaign.id)
                deleted.statuses = [.suppressed]
                deleted.suppressionReasons = [.memberDeleted]
                let deletedRows = try await client.listDeliveries(deleted).deliveries
                #expect(deletedRows.count == 2)
                #expect(deletedRows.allSatisfy { $0.status == .suppressed && $0.suppressionReason == .memberDeleted })
                #expect(deletedRows.allSatisfy { !$0.hasSentAt })

                var quiet = Self.byCampaign(campaign.id)
                quiet.suppressionReasons = [.quietHours]
                let quietRows = try await client.listDeliveries(quiet).deliveries
                #expect(quietRows.isEmpty)

                var sms = Self.byCampaign(campaign.id)
                sms.channels = [.sms]
                let smsRows = try await client.listDeliveries(sms).deliveries
                #expect(smsRows.isEmpty)

                var announcements = Self.byCampaign(campaign.id)
                announcements.phases = [.announce, .warmUp]
                let announcementRows = try await client.listDeliveries(announcements).deliveries
                #expect(announcementRows.isEmpty)

                // The planner queued all ten in one statement (one created_at): the id breaks ties.
                let paged = try await Self.allPages(Self.byCampaign(campaign.id), pageSize: 3, client: client)
                #expect(paged.pageSizes == [3, 3, 3, 1])
                #expect(paged.deliveries.map(\.deliveryID) == everything.map(\.deliveryID))
                #expect(Set(paged.deliveries.map(\.deliveryID)).count == 10)

                // One member's messages: here the one this campaign sent them.
                let recipient = try #require(sentRows.first)
                var ofMember = Hearth_Campaign_V1_ListDeliveriesRequest()
                ofMember.memberID = recipient.memberID
                let memberRows = try await client.listDeliveries(ofMember).deliveries
                #expect(memberRows.map(\.deliveryID) == [recipient.deliveryID])
            }

            // The message just sent is the member's last touch: an order now is credited to it.
            let recipient = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query("SELECT member_id FROM deliveries WHERE status = 'sent' LIMIT 1")[0]
                    .decode(UUID.self, at: 0)
            }
            try await harness.withCampaignClient { client in
                let order = ConversionAPITests.order(
                    "SO-AFTER-SEND", member: MemberID(recipient), at: Date().addingTimeInterval(1))
                let recorded = try await client.recordConversion(order).conversion
                #expect(recorded.attribution == .lastTouch)
                #expect(recorded.campaignID == campaign.id.description)
            }
        }
    }

    @Test func filtersCombineAndAMemberSpansCampaigns() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.fixtureCampaign(named: "周四会员价")
            let another = try await harness.fixtureCampaign(named: "复购提醒")
            let first = try await harness.fixtureMember(named: "王芳")
            let second = try await harness.fixtureMember(named: "李雷")
            let sentAt = Date().addingTimeInterval(-3_600)
            try await harness.fixtureDeliveries(
                campaign: campaign, member: first,
                [
                    .sent(at: sentAt), .suppressed("quiet_hours"), .suppressed("frequency_cap"), .pending,
                    .failed(error: "HTTP 400: bad template"),
                ])
            let secondBatch = try await harness.fixtureDeliveries(
                campaign: campaign, member: second, [.suppressed("quiet_hours", channel: "sms")])
            let elsewhere = try await harness.fixtureDeliveries(
                campaign: another, member: first, [.sent(at: sentAt, phase: "announce")])
            // A robot's per-minute cap holds a third member's message back: pending, with the hold.
            let third = try await harness.fixtureMember(named: "韩梅梅")
            let heldUntil = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 45).rounded(.down))
            try await harness.fixtureDeliveries(
                campaign: campaign, member: third, [.held("platform_cap", until: heldUntil)])

            try await harness.withCampaignClient(role: .viewer) { client in
                var quiet = Self.byCampaign(campaign)
                quiet.statuses = [.suppressed]
                quiet.suppressionReasons = [.quietHours]
                let quietRows = try await client.listDeliveries(quiet).deliveries
                #expect(quietRows.count == 2)
                #expect(Set(quietRows.map(\.memberID)) == [first.description, second.description])

                var quietBySMS = quiet
                quietBySMS.channels = [.sms]
                let smsRows = try await client.listDeliveries(quietBySMS).deliveries
                #expect(smsRows.map(\.deliveryID) == secondBatch.deliveries.map { $0.uuidString.lowercased() })
                #expect(smsRows.first?.channel == .sms)

                var suppressedOrFailed = Self.byCampaign(campaign)
                suppressedOrFailed.statuses = [.suppressed, .failed]
                let refusedRows = try await client.listDeliveries(suppressedOrFailed).deliveries
                #expect(refusedRows.count == 4)
                let failed = refusedRows.filter { $0.status == .failed }
                #expect(failed.map(\.lastError) == ["HTTP 400: bad template"])

                var pending = Self.byCampaign(campaign)
                pending.statuses = [.pending]
                let pendingRows = try await client.listDeliveries(pending).deliveries
                #expect(Set(pendingRows.map(\.memberID)) == [first.description, third.description])
                let held = pendingRows.filter { $0.memberID == third.description }
                #expect(held.map(\.heldReason) == [.platformCap])
                #expect(held.map { $0.heldUntil.date } == [heldUntil])
                let waiting = pendingRows.filter { $0.memberID == first.description }
                #expect(waiting.map(\.hasHeldUntil) == [false])
                #expect(waiting.map(\.heldReason) == [.unspecified])

                var ofMember = Hearth_Campaign_V1_ListDeliveriesRequest()
                ofMember.memberID = first.description
                let memberRows = try await client.listDeliveries(ofMember).deliveries
                #expect(memberRows.count == 6)
                #expect(Set(memberRows.map(\.campaignID)) == [campaign.description, another.description])

                var ofMemberInCampaign = ofMember
                ofMemberInCampaign.campaignID = campaign.description
                let inCampaign = try await client.listDeliveries(ofMemberInCampaign).deliveries
                #expect(inCampaign.count == 5)

                var announcements = ofMember
                announcements.phases = [.announce]
                let announcementRows = try await client.listDeliveries(announcements).deliveries
                #expect(announcementRows.map(\.deliveryID) == elsewhere.deliveries.map { $0.uuidString.lowercased() })

                var ofOccurrence = Self.byCampaign(campaign)
                ofOccurrence.occurrenceID = secondBatch.occurrence.uuidString
                let occurrenceRows = try await client.listDeliveries(ofOccurrence).deliveries
                #expect(occurrenceRows.map(\.memberID) == [second.description])

                let paged = try await Self.allPages(Self.byCampaign(campaign), pageSize: 2, client: client)
                #expect(paged.pageSizes == [2, 2, 2, 1])
                #expect(Set(paged.deliveries.map(\.deliveryID)).count == 7)
            }
        }
    }

    @Test func badRequestsAndOtherTenantsAreRefused() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.fixtureCampaign(named: "周四会员价")
            let another = try await harness.fixtureCampaign(named: "复购提醒")
            let member = try await harness.fixtureMember(named: "王芳")
            try await harness.fixtureDeliveries(campaign: campaign, member: member, [.pending])
            let elsewhere = try await harness.fixtureDeliveries(campaign: another, member: member, [.pending])

            try await harness.withCampaignClient { client in
                let unscoped = await #expect(throws: RPCError.self) {
                    try await client.listDeliveries(Hearth_Campaign_V1_ListDeliveriesRequest())
                }
                #expect(unscoped?.code == .invalidArgument)
                #expect(CampaignEngineHarness.refusalDetail(unscoped)?.reason == "missing_field")

                var unspecified = Self.byCampaign(campaign)
                unspecified.statuses = [.sent, .unspecified]
                let blank = await #expect(throws: RPCError.self) { try await client.listDeliveries(unspecified) }
                #expect(blank?.code == .invalidArgument)
                #expect(CampaignEngineHarness.refusalDetail(blank)?.fieldViolations.map(\.field) == ["statuses[1]"])

                var malformed = Hearth_Campaign_V1_ListDeliveriesRequest()
                malformed.campaignID = "campaign-1"
                let notAnID = await #expect(throws: RPCError.self) { try await client.listDeliveries(malformed) }
                #expect(CampaignEngineHarness.refusalDetail(notAnID)?.reason == "invalid_id")

                // An occurrence of another campaign is not one of this campaign's.
                var wrongOccurrence = Self.byCampaign(campaign)
                wrongOccurrence.occurrenceID = elsewhere.occurrence.uuidString
                let mismatch = await #expect(throws: RPCError.self) { try await client.listDeliveries(wrongOccurrence) }
                #expect(mismatch?.code == .notFound)

                var unknownCampaign = Hearth_Campaign_V1_ListDeliveriesRequest()
                unknownCampaign.campaignID = UUID().uuidString
                let noCampaign = await #expect(throws: RPCError.self) {
                    try await client.listDeliveries(unknownCampaign)
                }
                #expect(noCampaign?.code == .notFound)
            }

            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            try await harness.withCampaignClient(tenant: other, role: .viewer) { client in
                let hiddenCampaign = await #expect(throws: RPCError.self) {
                    try await client.listDeliveries(Self.byCampaign(campaign))
                }
                #expect(hiddenCampaign?.code == .notFound)
                var ofMember = Hearth_Campaign_V1_ListDeliveriesRequest()
                ofMember.memberID = member.description
                let hiddenMember = await #expect(throws: RPCError.self) { try await client.listDeliveries(ofMember) }
                #expect(hiddenMember?.code == .notFound)
            }
        }
    }
}
