import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

/// The `ErrorDetail.reason` a failed campaign-service call carries.
func campaignErrorReason(_ error: RPCError?) -> String? {
    guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else { return nil }
    return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
}

@Suite("campaign-service: changing and deleting campaigns and offers, and kind rules")
struct CampaignEditingAPITests {
    typealias Client = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    /// A weekly Thursday 20:00 campaign over four weeks starting next Monday, announced the day before.
    static func weeklySpec() -> Hearth_Campaign_V1_CampaignSpec {
        let calendar = Calendar(identifier: .gregorian)
        let monday = calendar.nextDate(
            after: Date().addingTimeInterval(86_400), matching: DateComponents(weekday: 2), matchingPolicy: .nextTime)!
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = "周四会员日"
        spec.kind = .recurringActivity
        spec.channels = [.log]
        spec.period.start = Google_Protobuf_Timestamp(date: monday)
        spec.period.end = Google_Protobuf_Timestamp(date: monday.addingTimeInterval(28 * 86_400))
        spec.schedule.weekly.days = [.thursday]
        spec.schedule.weekly.startTime.hour = 20
        spec.schedule.duration = Google_Protobuf_Duration(seconds: 7_200)
        spec.schedule.timeZone = "Asia/Shanghai"
        var live = Hearth_Campaign_V1_PhaseMessage()
        live.phase = .live
        live.offset = Google_Protobuf_Duration(seconds: 0)
        live.text = "会员日开始"
        spec.messages = [live]
        return spec
    }

    func scheduledOccurrences(_ client: Client, _ campaign: String) async throws -> Int {
        var list = Hearth_Campaign_V1_ListOccurrencesRequest()
        list.campaignID = campaign
        list.statuses = [.scheduled]
        return try await client.listOccurrences(list).occurrences.count
    }

    @Test func aDraftChangesAnythingButItsKindAndCanBeDeleted() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.withCampaignClient { client in
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = Self.weeklySpec()
                let id = try await client.createCampaign(create).campaign.campaignID

                var update = Hearth_Campaign_V1_UpdateCampaignRequest()
                update.campaignID = id
                update.spec.name = "周四会员日（新）"
                update.spec.channels = [.log, .sms]
                update.updateMask.paths = ["name", "channels"]
                let updated = try await client.updateCampaign(update).campaign
                #expect(updated.spec.name == "周四会员日（新）")
                #expect(updated.spec.channels == [.log, .sms])
                #expect(updated.spec.messages.map(\.text) == ["会员日开始"])
                #expect(updated.status == .draft)

                var kind = update
                kind.updateMask.paths = ["kind"]
                let refused = await #expect(throws: RPCError.self) { try await client.updateCampaign(kind) }
                #expect(refused?.code == .invalidArgument)
                #expect(campaignErrorReason(refused) == "update_mask_invalid")

                var delete = Hearth_Campaign_V1_DeleteCampaignRequest()
                delete.campaignID = id
                _ = try await client.deleteCampaign(delete)
                var get = Hearth_Campaign_V1_GetCampaignRequest()
                get.campaignID = id
                let gone = await #expect(throws: RPCError.self) { try await client.getCampaign(get) }
                #expect(gone?.code == .notFound)
            }
        }
    }

    @Test func aScheduledCampaignTakesNewMessagesAndAShorterPeriodButKeepsItsAudience() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.withCampaignClient { client in
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = Self.weeklySpec()
                let created = try await client.createCampaign(create).campaign
                let id = created.campaignID
                var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
                schedule.campaignID = id
                #expect(try await client.scheduleCampaign(schedule).occurrenceCount == 4)

                // New messages: an announce the day before at 10:00 joins every later occurrence.
                var announce = Hearth_Campaign_V1_PhaseMessage()
                announce.phase = .announce
                announce.dayTime.dayOffset = -1
                announce.dayTime.time.hour = 10
                announce.text = "明晚八点会员日"
                var update = Hearth_Campaign_V1_UpdateCampaignRequest()
                update.campaignID = id
                update.spec.messages = created.spec.messages + [announce]
                update.updateMask.paths = ["messages"]
                let updated = try await client.updateCampaign(update).campaign
                #expect(updated.spec.messages.count == 2)
                var occurrences = Hearth_Campaign_V1_ListOccurrencesRequest()
                occurrences.campaignID = id
                let listed = try await client.listOccurrences(occurrences).occurrences
                #expect(listed.count == 4)
                #expect(listed.allSatisfy { $0.phaseTimes.contains { $0.phase == .announce } })

                // Two weeks instead of four: the last two occurrences are no longer scheduled.
                var shorter = Hearth_Campaign_V1_UpdateCampaignRequest()
                shorter.campaignID = id
                shorter.spec.period.end = Google_Protobuf_Timestamp(
                    date: created.spec.period.start.date.addingTimeInterval(14 * 86_400))
                shorter.updateMask.paths = ["period.end"]
                _ = try await client.updateCampaign(shorter)
                var all = Hearth_Campaign_V1_ListOccurrencesRequest()
                all.campaignID = id
                let after = try await client.listOccurrences(all).occurrences
                #expect(
                    after.filter { $0.status == .scheduled }.count == 2,
                    "\(after.map { "\($0.startsAt.date) \($0.status)" })")
                let filtered = try await scheduledOccurrences(client, id)
                #expect(filtered == 2, "\(after.map { "\($0.startsAt.date) \($0.status)" })")

                var channels = Hearth_Campaign_V1_UpdateCampaignRequest()
                channels.campaignID = id
                channels.spec.channels = [.sms]
                channels.updateMask.paths = ["channels"]
                let frozen = await #expect(throws: RPCError.self) { try await client.updateCampaign(channels) }
                #expect(frozen?.code == .failedPrecondition)
                #expect(campaignErrorReason(frozen) == "field_frozen")

                var delete = Hearth_Campaign_V1_DeleteCampaignRequest()
                delete.campaignID = id
                let kept = await #expect(throws: RPCError.self) { try await client.deleteCampaign(delete) }
                #expect(kept?.code == .failedPrecondition)
            }
        }
    }

    @Test func lotteryRulesAreKeptAndMustMatchTheKind() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.withCampaignClient { client in
                var spec = CampaignAPITests.spec(segment: "", at: Date().addingTimeInterval(3_600))
                spec.kind = .lottery
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = spec
                let bare = try await client.createCampaign(create).campaign.campaignID
                var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
                schedule.campaignID = bare
                let unruled = await #expect(throws: RPCError.self) { try await client.scheduleCampaign(schedule) }
                #expect(unruled?.code == .failedPrecondition)

                var rules = Hearth_Campaign_V1_LotteryRules()
                rules.entriesCloseAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(1_800))
                rules.winnerCount = 3
                rules.prizes = ["iPad", "体检套餐"]
                create.spec.lotteryRules = rules
                let ruled = try await client.createCampaign(create).campaign
                #expect(ruled.spec.lotteryRules.winnerCount == 3)
                #expect(ruled.spec.lotteryRules.prizes == ["iPad", "体检套餐"])
                var get = Hearth_Campaign_V1_GetCampaignRequest()
                get.campaignID = ruled.campaignID
                #expect(try await client.getCampaign(get).campaign.spec.lotteryRules == ruled.spec.lotteryRules)

                var mismatched = create
                mismatched.spec.kind = .contest
                let wrong = await #expect(throws: RPCError.self) { try await client.createCampaign(mismatched) }
                #expect(campaignErrorReason(wrong) == "kind_rules_mismatch")

                var tooManyPrizes = create
                tooManyPrizes.spec.lotteryRules.winnerCount = 1
                let invalid = await #expect(throws: RPCError.self) { try await client.createCampaign(tooManyPrizes) }
                #expect(campaignErrorReason(invalid) == "kind_rules_invalid")
            }
        }
    }

    @Test func offerPricesChangeUnderTheGuard() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.withCampaignClient { client in
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = CampaignAPITests.spec(segment: "", at: Date().addingTimeInterval(3_600))
                let campaign = try await client.createCampaign(create).campaign.campaignID
                var offer = Hearth_Campaign_V1_CreateOfferRequest()
                offer.campaignID = campaign
                offer.sku = "AMOX-500"
                offer.listPriceFen = 3_990
                offer.siteLowestPriceFen = 3_200
                offer.exclusivePriceFen = 2_990
                offer.floorPriceFen = 2_500
                let created = try await client.createOffer(offer).offer

                var update = Hearth_Campaign_V1_UpdateOfferRequest()
                update.offerID = created.offerID
                update.offer.exclusivePriceFen = 2_790
                update.updateMask.paths = ["exclusive_price_fen"]
                let cheaper = try await client.updateOffer(update).offer
                #expect(cheaper.exclusivePriceFen == 2_790)
                #expect(cheaper.siteLowestPriceFen == 3_200)

                update.offer.exclusivePriceFen = 2_000
                let belowFloor = await #expect(throws: RPCError.self) { try await client.updateOffer(update) }
                #expect(campaignErrorReason(belowFloor) == "offer_price_guard")

                var unknown = update
                unknown.offerID = UUID().uuidString
                let missing = await #expect(throws: RPCError.self) { try await client.updateOffer(unknown) }
                #expect(missing?.code == .notFound)
            }
            // Another tenant sees no such offer.
            let other = try await TenantStoreHelper.otherTenant(harness)
            try await harness.withCampaignClient(tenant: other) { client in
                var list = Hearth_Campaign_V1_ListCampaignsRequest()
                list.page.pageSize = 10
                let campaigns = try await client.listCampaigns(list).campaigns
                #expect(campaigns.isEmpty)
            }
        }
    }
}

enum TenantStoreHelper {
    static func otherTenant(_ harness: CampaignEngineHarness) async throws -> TenantID {
        try await TenantStore(pool: harness.pool).create(
            slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
    }
}
