import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("campaign-service: campaigns over the wire, against PostgreSQL")
struct CampaignAPITests {
    static func spec(segment: String, at start: Date) -> Hearth_Campaign_V1_CampaignSpec {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = "周四会员专享"
        spec.kind = .flashOffer
        spec.audience.segmentID = segment
        spec.channels = [.log]
        spec.schedule.onceAt = Google_Protobuf_Timestamp(date: start)
        spec.schedule.duration = Google_Protobuf_Duration(seconds: 3_600)
        var live = Hearth_Campaign_V1_PhaseMessage()
        live.phase = .live
        live.offset = Google_Protobuf_Duration(seconds: 0)
        live.text = "今晚八点，会员专享价"
        spec.messages = [live]
        return spec
    }

    @Test func createLaunchSendPauseAndReadTheStats() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(300, goneEvery: 1_000_000)
            let segment = try await SegmentStore(pool: harness.pool).create(
                name: "everyone", ruleText: "vip_tier >= 0", rule: try SegmentRule.parse("vip_tier >= 0"),
                tenant: harness.tenant)
            try await harness.withCampaignClient { client in
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = Self.spec(segment: segment.id.description, at: Date().addingTimeInterval(-30))
                let campaign = try await client.createCampaign(create).campaign
                #expect(campaign.status == .draft)
                #expect(campaign.spec.name == "周四会员专享")

                var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
                schedule.campaignID = campaign.campaignID
                let scheduled = try await client.scheduleCampaign(schedule)
                #expect(scheduled.campaign.status == .scheduled)
                #expect(scheduled.upcoming.count == 1)

                // An illegal move is refused with the reason.
                var resume = Hearth_Campaign_V1_ResumeCampaignRequest()
                resume.campaignID = campaign.campaignID
                let refused = await #expect(throws: RPCError.self) { try await client.resumeCampaign(resume) }
                #expect(refused?.code == .failedPrecondition)

                var launch = Hearth_Campaign_V1_LaunchCampaignRequest()
                launch.campaignID = campaign.campaignID
                #expect(try await client.launchCampaign(launch).campaign.status == .running)

                try await harness.planner().planDue(tenant: harness.tenant)
                let sender = try harness.sender(name: "api-test", lease: .seconds(30), batchSize: 100)
                _ = try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt)

                var pause = Hearth_Campaign_V1_PauseCampaignRequest()
                pause.campaignID = campaign.campaignID
                pause.reason = "price check"
                let paused = try await client.pauseCampaign(pause).campaign
                #expect(paused.status == .paused)
                #expect(paused.statusReason == "price check")
                #expect(try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) == 0)

                var stats = Hearth_Campaign_V1_GetDeliveryStatsRequest()
                stats.campaignID = campaign.campaignID
                let midway = try await client.getDeliveryStats(stats).stats
                #expect(midway.sent == 100)
                #expect(midway.pending == 200)

                #expect(try await client.resumeCampaign(resume).campaign.status == .running)
                while try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) > 0 {}
                let done = try await client.getDeliveryStats(stats).stats
                #expect(done.sent == 300)
                #expect(done.pending == 0)

                var list = Hearth_Campaign_V1_ListCampaignsRequest()
                list.statuses = [.running]
                #expect(try await client.listCampaigns(list).campaigns.map(\.campaignID) == [campaign.campaignID])
            }
        }
    }

    @Test func badSpecsAreRefusedByFieldAndTenantsAndRolesHold() async throws {
        try await CampaignEngineHarness.with { harness in
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let campaignID = try await harness.withCampaignClient { client in
                var bad = Hearth_Campaign_V1_CreateCampaignRequest()
                bad.spec = Self.spec(segment: UUID().uuidString, at: Date())
                bad.spec.schedule.cron = "61 * * * *"
                let refused = await #expect(throws: RPCError.self) { try await client.createCampaign(bad) }
                #expect(refused?.code == .invalidArgument)

                var good = Hearth_Campaign_V1_CreateCampaignRequest()
                good.spec = Self.spec(segment: "", at: Date().addingTimeInterval(3_600))
                return try await client.createCampaign(good).campaign.campaignID
            }
            try await harness.withCampaignClient(tenant: other) { client in
                var get = Hearth_Campaign_V1_GetCampaignRequest()
                get.campaignID = campaignID
                let hidden = await #expect(throws: RPCError.self) { try await client.getCampaign(get) }
                #expect(hidden?.code == .notFound)
            }
            try await harness.withCampaignClient(role: .viewer) { client in
                var launch = Hearth_Campaign_V1_LaunchCampaignRequest()
                launch.campaignID = campaignID
                let denied = await #expect(throws: RPCError.self) { try await client.launchCampaign(launch) }
                #expect(denied?.code == .permissionDenied)
                var get = Hearth_Campaign_V1_GetCampaignRequest()
                get.campaignID = campaignID
                let seen = try await client.getCampaign(get).campaign
                #expect(seen.campaignID == campaignID)
            }
        }
    }
}

@Suite("campaign-service: offers under the price guard")
struct OfferAPITests {
    @Test func offersMustBeatTheSiteAndKeepAboveTheFloor() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.withCampaignClient { client in
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = CampaignAPITests.spec(segment: "", at: Date().addingTimeInterval(3_600))
                let campaign = try await client.createCampaign(create).campaign.campaignID
                var offer = Hearth_Campaign_V1_CreateOfferRequest()
                offer.campaignID = campaign
                offer.sku = "SKU-1"
                offer.listPriceFen = 12_900
                offer.siteLowestPriceFen = 9_900
                offer.exclusivePriceFen = 8_900
                offer.floorPriceFen = 7_000
                let created = try await client.createOffer(offer).offer
                #expect(created.exclusivePriceFen == 8_900)

                var tooDear = offer
                tooDear.sku = "SKU-2"
                tooDear.exclusivePriceFen = 9_900  // not below the site's lowest
                let guarded = await #expect(throws: RPCError.self) { try await client.createOffer(tooDear) }
                #expect(guarded?.code == .invalidArgument)
                var belowFloor = offer
                belowFloor.sku = "SKU-3"
                belowFloor.exclusivePriceFen = 6_000
                await #expect(throws: RPCError.self) { try await client.createOffer(belowFloor) }
                let again = await #expect(throws: RPCError.self) { try await client.createOffer(offer) }
                #expect(again?.code == .alreadyExists)

                var list = Hearth_Campaign_V1_ListOffersRequest()
                list.campaignID = campaign
                #expect(try await client.listOffers(list).offers.map(\.sku) == ["SKU-1"])
            }
        }
    }
}
