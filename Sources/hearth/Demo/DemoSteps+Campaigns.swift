import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

/// The campaigns: the Thursday activity with its offers and orders, the win-back, and waiting
/// until their messages went out.
extension DemoSteps {
    /// Creates a draft, lets `prepare` add to it (offers), schedules it (laying out its
    /// occurrences) and launches it.
    func createAndLaunch(
        _ spec: Hearth_Campaign_V1_CampaignSpec, prepare: (String) async throws -> Void = { _ in }
    ) async throws -> (id: String, scheduled: Hearth_Campaign_V1_ScheduleCampaignResponse) {
        var create = Hearth_Campaign_V1_CreateCampaignRequest()
        create.spec = spec
        create.idempotencyKey = UUID().uuidString.lowercased()
        let id = try await calling(.campaign, "creating the campaign \(spec.name)") {
            try await campaignService.createCampaign(create, options: Self.options(seconds: 30)).campaign.campaignID
        }
        try await prepare(id)
        var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
        schedule.campaignID = id
        schedule.idempotencyKey = UUID().uuidString.lowercased()
        let scheduled = try await calling(.campaign, "scheduling \(spec.name)") {
            try await campaignService.scheduleCampaign(schedule, options: Self.options(seconds: 60))
        }
        var launch = Hearth_Campaign_V1_LaunchCampaignRequest()
        launch.campaignID = id
        launch.idempotencyKey = UUID().uuidString.lowercased()
        _ = try await calling(.campaign, "launching \(spec.name)") {
            try await campaignService.launchCampaign(launch, options: Self.options(seconds: 60))
        }
        return (id, scheduled)
    }

    /// "周四会员日": every Thursday at 20:00 (Asia/Shanghai) over the period of ``DemoCalendar``,
    /// announced the Wednesday before at 10:00, live at the start, with members-only offers and a
    /// revenue goal of 300,000 CNY, for the Sichuan VIP segment.
    func launchActivity(segment: DemoSegment) async throws -> DemoLaunch {
        let calendar = scenario.calendar
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = DemoCatalog.activityName
        spec.kind = .recurringActivity
        spec.audience.segmentID = segment.id
        spec.channels = [.log]
        spec.goal.revenueFen = DemoCatalog.goalRevenueFen
        spec.period.start = Google_Protobuf_Timestamp(date: calendar.periodStart)
        spec.period.end = Google_Protobuf_Timestamp(date: calendar.periodEnd)
        spec.schedule.weekly.days = [.thursday]
        spec.schedule.weekly.startTime.hour = DemoCatalog.activityStartHour
        spec.schedule.duration = Google_Protobuf_Duration(seconds: DemoCatalog.activityDurationSeconds)
        spec.schedule.timeZone = DemoCatalog.timeZoneName
        var announce = Hearth_Campaign_V1_PhaseMessage()
        announce.phase = .announce
        announce.dayTime.dayOffset = -1
        announce.dayTime.time.hour = 10
        announce.text = DemoCatalog.announceText
        var live = Hearth_Campaign_V1_PhaseMessage()
        live.phase = .live
        live.offset = Google_Protobuf_Duration(seconds: 0)
        live.text = DemoCatalog.liveText
        spec.messages = [announce, live]
        let (id, scheduled) = try await createAndLaunch(spec) { draft in try await createOffers(campaign: draft) }
        // Every phase whose time has passed goes out as soon as the campaign runs.
        let now = Date()
        let due = scheduled.upcoming.flatMap(\.phaseTimes).filter { $0.at.date <= now }.count
        let days = scheduled.upcoming.map { calendar.dayText($0.startsAt.date) }.joined(separator: ", ")
        say(
            "campaign \(spec.name): \(scheduled.occurrenceCount) Thursdays at 20:00 (\(days)), each announced the "
                + "Wednesday before at 10:00; goal \(DemoText.yuan(DemoCatalog.goalRevenueFen)); launched")
        return DemoLaunch(id: id, name: spec.name, expectedDeliveries: Int64(due) * segment.memberCount)
    }

    private func createOffers(campaign: String) async throws {
        for offer in DemoCatalog.offers {
            var request = Hearth_Campaign_V1_CreateOfferRequest()
            request.campaignID = campaign
            request.sku = offer.sku
            request.listPriceFen = offer.listFen
            request.siteLowestPriceFen = offer.siteLowestFen
            request.exclusivePriceFen = offer.exclusiveFen
            request.floorPriceFen = offer.floorFen
            request.idempotencyKey = UUID().uuidString.lowercased()
            _ = try await calling(.campaign, "adding the offer \(offer.sku)") {
                try await campaignService.createOffer(request, options: Self.options(seconds: 30))
            }
        }
        let offers = DemoCatalog.offers.map {
            "\($0.sku) \(DemoText.yuan($0.exclusiveFen)) (lowest on the site \(DemoText.yuan($0.siteLowestFen)))"
        }
        say("members-only offers: " + offers.joined(separator: "; "))
    }

    /// The Thursday orders, attributed by the campaign's code; the few refunds; the same orders
    /// as purchase events (member figures, RFM) and who took part each Thursday.
    func recordOrders(activity: DemoLaunch, ids: [Int: String]) async throws {
        var revenue: Int64 = 0
        var orders = 0
        var unattributed = 0
        var purchases: [Hearth_Member_V1_EventInput] = []
        for order in scenario.orders {
            guard let member = ids[order.memberIndex] else { continue }
            var request = Hearth_Campaign_V1_RecordConversionRequest()
            request.orderID = order.orderID
            request.memberID = member
            request.amountFen = order.amountFen
            request.occurredAt = Google_Protobuf_Timestamp(date: order.at)
            request.campaignCode = activity.id
            let conversion = try await calling(.campaign, "recording orders") {
                try await campaignService.recordConversion(request, options: Self.options(seconds: 30)).conversion
            }
            if conversion.campaignID != activity.id { unattributed += 1 }
            revenue += order.amountFen
            orders += 1
            purchases.append(
                Self.purchaseEvent(
                    member: member, at: order.at, amountFen: order.amountFen, key: "hearth-demo-order-\(order.orderID)",
                    campaign: activity.id))
        }
        var refunded: Int64 = 0
        var refunds = 0
        for order in scenario.orders where order.refunded && ids[order.memberIndex] != nil {
            var request = Hearth_Campaign_V1_RefundConversionRequest()
            request.orderID = order.orderID
            if let at = order.refundedAt { request.refundedAt = Google_Protobuf_Timestamp(date: at) }
            _ = try await calling(.campaign, "refunding orders") {
                try await campaignService.refundConversion(request, options: Self.options(seconds: 30))
            }
            refunded += order.amountFen
            refunds += 1
        }
        say(
            "\(DemoText.number(orders)) orders on the four Thursdays, \(DemoText.yuan(revenue)); \(refunds) refunded "
                + "(\(DemoText.yuan(refunded))): \(DemoText.yuan(revenue - refunded)) against the goal of "
                + DemoText.yuan(DemoCatalog.goalRevenueFen))
        if unattributed > 0 {
            say("\(unattributed) orders were not attributed to \(activity.name) despite its code")
        }
        _ = try await record(purchases, what: "order purchases")
        let attendances = scenario.participations.compactMap { taking -> Hearth_Member_V1_EventInput? in
            guard let member = ids[taking.memberIndex] else { return nil }
            var event = Hearth_Member_V1_EventInput()
            event.memberID = member
            event.kind = .campaignParticipation
            event.campaignID = activity.id
            event.occurredAt = Google_Protobuf_Timestamp(date: taking.at)
            event.idempotencyKey = taking.idempotencyKey
            return event
        }
        let attended = try await record(attendances, what: "activity attendances")
        say("\(DemoText.number(attended)) attendances of the Thursday activities recorded, buyers or not")
    }

    /// "沉睡客户短信召回": one message, now, to the lapsed segment. It goes out on the log channel
    /// (.hearth/deliveries.jsonl under scripts/up), which needs no SMS gateway.
    func launchWinBack(segment: DemoSegment) async throws -> DemoLaunch {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = DemoCatalog.reactivationName
        spec.kind = .reactivation
        spec.audience.segmentID = segment.id
        spec.channels = [.log]
        spec.schedule.onceAt = Google_Protobuf_Timestamp(date: Date())
        spec.schedule.duration = Google_Protobuf_Duration(seconds: 86_400)
        spec.schedule.timeZone = DemoCatalog.timeZoneName
        var message = Hearth_Campaign_V1_PhaseMessage()
        message.phase = .live
        message.offset = Google_Protobuf_Duration(seconds: 0)
        message.text = DemoCatalog.winBackText
        spec.messages = [message]
        let (id, _) = try await createAndLaunch(spec)
        say(
            "campaign \(spec.name): a win-back text to the \(DemoText.number(segment.memberCount)) lapsed "
                + "customers, now, on the log channel; launched")
        return DemoLaunch(id: id, name: spec.name, expectedDeliveries: segment.memberCount)
    }

    /// Waits (up to 5 minutes) until campaign-service has planned and sent the launched campaigns'
    /// due messages, so the report counts them; after that the report counts what went out so far.
    func waitForDeliveries(_ launches: [DemoLaunch]) async throws {
        let deadline = Date().addingTimeInterval(300)
        while true {
            var settled = true
            var lines: [String] = []
            for launch in launches {
                var request = Hearth_Campaign_V1_GetDeliveryStatsRequest()
                request.campaignID = launch.id
                let stats = try await calling(.campaign, "watching the deliveries of \(launch.name)") {
                    try await campaignService.getDeliveryStats(request, options: Self.options(seconds: 30)).stats
                }
                let done = stats.sent + stats.failed + stats.suppressed
                if stats.pending + stats.claimed > 0 || done < launch.expectedDeliveries { settled = false }
                var line = "\(launch.name) \(DemoText.number(stats.sent)) sent"
                if stats.suppressed > 0 { line += ", \(DemoText.number(stats.suppressed)) suppressed" }
                if stats.failed > 0 { line += ", \(DemoText.number(stats.failed)) failed" }
                lines.append(line)
            }
            if settled {
                say("deliveries: " + lines.joined(separator: "; "))
                return
            }
            guard Date() < deadline else {
                say(
                    "deliveries still going out after 5 minutes (" + lines.joined(separator: "; ")
                        + "); the report counts those done so far (see campaign-service's log)")
                return
            }
            try await Task.sleep(for: .seconds(2))
        }
    }
}

/// A launched campaign and how many deliveries its due messages make.
struct DemoLaunch: Sendable {
    let id: String
    let name: String
    let expectedDeliveries: Int64
}
