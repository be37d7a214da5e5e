import CampaignService
import Foundation
import HearthDomain
import HearthPostgres
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
            // Exactly one line a delivery: a line written just before a cancellation is not written
            // again, because the sink honours the delivery id as its idempotency key.
            #expect(atSink.count == Set(atSink).count)
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

@Suite("campaign engine: send-time rules suppress with the right reason")
struct DeliveryRuleTests {
    @Test func consentDeletionAndTheFrequencyCapEachSuppress() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(3, goneEvery: 1_000_000)
            // member 1 agreed to SMS, member 2 did not answer, member 3 agreed but is deleted later.
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
                    SELECT tenant_id, member_id, 'sms', true, 'signup_form' FROM members
                    WHERE tenant_id = \(harness.tenant.rawValue) AND display_name IN ('member 1', 'member 3')
                    """)
            }
            let first = try await harness.launchedCampaign(channels: [.sms])
            let second = try await harness.launchedCampaign(channels: [.sms])
            try await harness.planner().planDue(tenant: harness.tenant)
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE members SET deleted_at = now() WHERE tenant_id = \(harness.tenant.rawValue) AND display_name = 'member 3'"
                )
            }
            let sender = try harness.sender(
                name: "rules", lease: .seconds(30), batchSize: 100, dailyCap: 1, smsToLog: true)
            // A zone where it is midday now, so quiet hours never hold the SMS back in this test.
            let hour = Calendar(identifier: .gregorian).dateComponents(in: .gmt, from: Date()).hour ?? 0
            let midday = TimeZone(secondsFromGMT: ((12 - hour + 12) % 24 - 12) * 3_600) ?? .gmt
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: midday) > 0 {}
            let reasons = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT m.display_name, d.campaign_id = \(first.id.rawValue), d.status, coalesce(d.suppression_reason, '')
                    FROM deliveries d JOIN members m USING (tenant_id, member_id) ORDER BY 1, 2 DESC
                    """
                ).map {
                    "\(try $0.decode(String.self, at: 0))|\(try $0.decode(Bool.self, at: 1) ? "first" : "second")|\(try $0.decode(String.self, at: 2))|\(try $0.decode(String.self, at: 3))"
                }
            }
            _ = second
            // member 1 gets the first campaign's SMS; the second would exceed one a day.
            #expect(
                reasons.filter { $0.hasPrefix("member 1|") }.sorted()
                    == ["member 1|first|sent|", "member 1|second|suppressed|frequency_cap"].sorted()
                    || reasons.filter { $0.hasPrefix("member 1|") }.sorted()
                        == ["member 1|first|suppressed|frequency_cap", "member 1|second|sent|"].sorted()
            )
            #expect(reasons.filter { $0.hasPrefix("member 2|") }.allSatisfy { $0.hasSuffix("|suppressed|no_consent") })
            #expect(
                reasons.filter { $0.hasPrefix("member 3|") }.allSatisfy { $0.hasSuffix("|suppressed|member_deleted") })
            #expect(reasons.count == 6)
        }
    }
}
