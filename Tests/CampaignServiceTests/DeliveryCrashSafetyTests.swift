import CampaignService
import Foundation
import HearthDomain
import HearthStore
import Testing

@Suite("campaign engine: sends are never lost or doubled, through crashes, races and pauses")
struct DeliveryCrashSafetyTests {
    /// A sender cancelled at random moments (between claims, mid-batch, while the sink writes)
    /// and restarted until the outbox is empty: every live member's delivery reaches the sink,
    /// under one delivery id each, and no deleted member's does.
    @Test func cancelledSendersLoseNothingAndSendNothingTwice() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(2_000, goneEvery: 1_000_000)
            _ = try await harness.launchedCampaign()
            let planned = try await harness.planner().planDue(tenant: harness.tenant)
            #expect(planned == 2_000)
            // Planning again (a restarted planner) adds nothing.
            let again = try await harness.planner().planDue(tenant: harness.tenant)
            #expect(again == 0)
            // Members deleted after planning must not be messaged: checked at send time.
            try await harness.deleteMembers(every: 10)

            var crashes = 0
            while try await harness.statusCounts().keys.contains(where: { $0 == "pending" || $0 == "claimed" }) {
                let sender = try harness.sender(name: "sender-\(crashes)")
                let run = Task {
                    while try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) > 0 {}
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...600)))
                run.cancel()
                _ = await run.result
                crashes += 1
                // Leases of the cancelled sender run out before the next one looks.
                try await Task.sleep(for: .milliseconds(1_100))
            }
            #expect(crashes >= 3)
            let counts = try await harness.statusCounts()
            #expect(counts["sent"] == 1_800)
            #expect(counts["suppressed"] == 200)

            let expected = try await harness.expectedRecipients()
            let atSink = try harness.sinkDeliveryIDs()
            #expect(Set(atSink) == expected.sent)
            #expect(Set(atSink).isDisjoint(with: expected.suppressed))
            // A line written just before a cancellation is written again under the same delivery
            // id (the idempotency key a real channel deduplicates by); never under another id.
            #expect(atSink.count - Set(atSink).count <= crashes)
        }
    }

    @Test func twoSendersRacingShareTheWork() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(1_000, goneEvery: 1_000_000)
            _ = try await harness.launchedCampaign()
            try await harness.planner().planDue(tenant: harness.tenant)
            let first = try harness.sender(name: "first", lease: .seconds(30))
            let second = try harness.sender(name: "second", lease: .seconds(30))
            async let a: Int = {
                var total = 0
                while true {
                    let claimed = try await first.sendBatch(tenant: harness.tenant, timeZone: .gmt)
                    if claimed == 0 { return total }
                    total += claimed
                }
            }()
            async let b: Int = {
                var total = 0
                while true {
                    let claimed = try await second.sendBatch(tenant: harness.tenant, timeZone: .gmt)
                    if claimed == 0 { return total }
                    total += claimed
                }
            }()
            let (byFirst, bySecond) = try await (a, b)
            #expect(byFirst + bySecond == 1_000)
            let atSink = try harness.sinkDeliveryIDs()
            #expect(atSink.count == 1_000)
            #expect(Set(atSink).count == 1_000)
        }
    }

    @Test func pauseStopsSendingAndResumeSendsTheRestOnce() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(600, goneEvery: 1_000_000)
            let campaign = try await harness.launchedCampaign()
            try await harness.planner().planDue(tenant: harness.tenant)
            let sender = try harness.sender(name: "pausable", lease: .seconds(30), batchSize: 100)
            _ = try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt)
            _ = try await harness.campaigns.apply(
                .pause, reason: "price check", to: campaign.id, tenant: harness.tenant)
            // Paused: nothing more is claimed.
            let claimedWhilePaused = try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt)
            #expect(claimedWhilePaused == 0)
            let sentBeforePause = try await harness.statusCounts()
            #expect(sentBeforePause["sent"] == 100)
            _ = try await harness.campaigns.apply(.resume, reason: nil, to: campaign.id, tenant: harness.tenant)
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) > 0 {}
            let sentAfterResume = try await harness.statusCounts()
            #expect(sentAfterResume["sent"] == 600)
            let atSink = try harness.sinkDeliveryIDs()
            #expect(atSink.count == 600)
            #expect(Set(atSink).count == 600)
        }
    }
}
