import CampaignService
import Foundation
import HearthChannels
import HearthDomain
import HearthPostgres
import HearthStore
import Testing

/// A channel that always asks to be tried later, as a gateway answering 429 with Retry-After.
private struct SlowDownChannel: ChannelAdapter {
    var kind: ChannelKind { .webhook }

    func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        .retryable(
            ChannelFailure(code: .rateLimited, reason: "too many requests", httpStatus: 429, retryAfter: .seconds(600)))
    }
}

@Suite("campaign engine: held messages wait and are sent later, never dropped")
struct DeliveryHoldTests {
    /// The zone whose wall clock reads `hour` o'clock now.
    static func zone(wallHour: Int) -> TimeZone {
        let hour = Calendar(identifier: .gregorian).dateComponents(in: .gmt, from: Date()).hour ?? 0
        return TimeZone(secondsFromGMT: ((wallHour - hour + 36) % 24 - 12) * 3_600) ?? .gmt
    }

    func grantIM(_ harness: CampaignEngineHarness) async throws {
        try await harness.pool.withTenant(harness.tenant) { connection in
            try await connection.query(
                """
                INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
                SELECT tenant_id, member_id, 'im', true, 'signup_form' FROM members WHERE tenant_id = \(harness.tenant.rawValue)
                """)
        }
    }

    func holds(_ harness: CampaignEngineHarness) async throws -> [String: Int] {
        try await harness.pool.withTenant(harness.tenant) { connection in
            var counts: [String: Int] = [:]
            for row in try await connection.query(
                """
                SELECT status || '/' || coalesce(held_reason, '') || '/' || coalesce((not_before > now())::text, ''), count(*)
                FROM deliveries GROUP BY 1
                """)
            {
                counts[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
            }
            return counts
        }
    }

    @Test func aGroupRobotsPerMinuteCapHoldsTheRestForTheNextMinute() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(30, goneEvery: 1_000_000)
            try await grantIM(harness)
            _ = try await harness.launchedCampaign(channels: [.wecomBot])
            try await harness.planner().planDue(tenant: harness.tenant)
            let sender = DeliverySender(
                outbox: harness.outbox, campaigns: harness.campaigns, directory: harness.directory,
                adapters: [.wecomBot: try LogChannelAdapter(path: harness.sinkPath)], name: "capped",
                lease: .seconds(30), batchSize: 100, platformCaps: [.wecomBot: 20], logger: harness.logger)
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: Self.zone(wallHour: 12)) > 0 {}
            #expect(try await holds(harness) == ["sent//": 20, "pending/platform_cap/true": 10])
            #expect(try harness.sinkDeliveryIDs().count == 20)
            // A second sender (another replica) counts the same minute and sends nothing either.
            let replica = DeliverySender(
                outbox: harness.outbox, campaigns: harness.campaigns, directory: harness.directory,
                adapters: [.wecomBot: try LogChannelAdapter(path: harness.sinkPath)], name: "replica",
                lease: .seconds(30), batchSize: 100, platformCaps: [.wecomBot: 20], logger: harness.logger)
            // Due again once the minute has room: moved into the past here instead of waiting.
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE deliveries SET not_before = now() - interval '1 second' WHERE status = 'pending'")
            }
            while try await replica.sendBatch(tenant: harness.tenant, timeZone: Self.zone(wallHour: 12)) > 0 {}
            #expect(try await holds(harness) == ["sent//": 20, "pending/platform_cap/true": 10])
        }
    }

    @Test func quietHoursHoldMessagesUntilMorningUntried() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(5, goneEvery: 1_000_000)
            try await grantIM(harness)
            _ = try await harness.launchedCampaign(channels: [.wecomBot])
            try await harness.planner().planDue(tenant: harness.tenant)
            let sender = DeliverySender(
                outbox: harness.outbox, campaigns: harness.campaigns, directory: harness.directory,
                adapters: [.wecomBot: try LogChannelAdapter(path: harness.sinkPath)], name: "night",
                lease: .seconds(30), batchSize: 100, logger: harness.logger)
            let night = Self.zone(wallHour: 23)
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: night) > 0 {}
            #expect(try await holds(harness) == ["pending/quiet_hours/true": 5])
            let (attempts, hour) = try await harness.pool.withTenant(harness.tenant) { connection in
                let row = try await connection.query("SELECT max(attempts), min(not_before) FROM deliveries")[0]
                return (try row.decode(Int.self, at: 0), try row.decode(Date.self, at: 1))
            }
            #expect(attempts == 0)
            #expect(Calendar(identifier: .gregorian).dateComponents(in: night, from: hour).hour == 8)
            #expect(try harness.sinkDeliveryIDs().isEmpty)
        }
    }

    @Test func aChannelsRetryAfterIsKeptOnTheDelivery() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(3, goneEvery: 1_000_000)
            try await grantIM(harness)
            _ = try await harness.launchedCampaign(channels: [.webhook])
            try await harness.planner().planDue(tenant: harness.tenant)
            let sender = DeliverySender(
                outbox: harness.outbox, campaigns: harness.campaigns, directory: harness.directory,
                adapters: [.webhook: SlowDownChannel()], name: "slowed", lease: .seconds(30), batchSize: 100,
                logger: harness.logger)
            let started = Date()
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: Self.zone(wallHour: 12)) > 0 {}
            #expect(try await holds(harness) == ["pending/retry_later/true": 3])
            let (attempts, due, recorded) = try await harness.pool.withTenant(harness.tenant) { connection in
                let row = try await connection.query(
                    """
                    SELECT max(d.attempts), min(d.not_before),
                           (SELECT count(*) FROM delivery_attempts a WHERE a.outcome = 'retryable' AND a.status_code = 429)
                    FROM deliveries d
                    """)[0]
                return (
                    try row.decode(Int.self, at: 0), try row.decode(Date.self, at: 1), try row.decode(Int.self, at: 2)
                )
            }
            #expect(attempts == 1)
            #expect(recorded == 3)
            // The channel asked for ten minutes, more than the first backoff (30 s).
            #expect(due.timeIntervalSince(started) >= 599)
            #expect(due.timeIntervalSince(started) < 660)
        }
    }

    @Test func membersBannedFromTheCampaignsCommunityAreSuppressed() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(5, goneEvery: 1_000_000)
            let community = try await harness.pool.withTenant(harness.tenant) { connection in
                let community = try await connection.query(
                    """
                    INSERT INTO communities (tenant_id, name, platform, capacity)
                    VALUES (\(harness.tenant.rawValue), '会员群', 'wechat', 500) RETURNING community_id
                    """)[0].decode(UUID.self, at: 0)
                try await connection.query(
                    """
                    INSERT INTO memberships (tenant_id, community_id, member_id, status, joined_at, left_at)
                    SELECT tenant_id, \(community), member_id,
                           CASE WHEN display_name = 'member 1' THEN 'banned' ELSE 'active' END, now() - interval '1 day',
                           CASE WHEN display_name = 'member 1' THEN now() END
                    FROM members WHERE tenant_id = \(harness.tenant.rawValue)
                    """)
                return CommunityID(community)
            }
            let segment = try await SegmentStore(pool: harness.pool).create(
                name: "everyone", ruleText: "vip_tier >= 0", rule: try SegmentRule.parse("vip_tier >= 0"),
                tenant: harness.tenant)
            let campaign = try await harness.campaigns.create(
                Campaign(
                    tenantID: harness.tenant, name: "群内活动", kind: .flashOffer,
                    audience: CampaignAudience(segmentID: segment.id, communityID: community), channels: [.log],
                    schedule: CampaignSchedule(.once(at: Date().addingTimeInterval(-60)), duration: .seconds(3600)),
                    messages: [PhaseMessage(phase: .live, timing: .offset(.zero), text: "群内专享")]))
            _ = try await harness.campaigns.apply(.schedule, reason: nil, to: campaign.id, tenant: harness.tenant)
            try await harness.campaigns.layOutOccurrences(of: campaign.id, tenant: harness.tenant)
            _ = try await harness.campaigns.apply(.launch, reason: nil, to: campaign.id, tenant: harness.tenant)
            try await harness.planner().planDue(tenant: harness.tenant)
            let sender = try harness.sender(name: "banned", lease: .seconds(30), batchSize: 100)
            while try await sender.sendBatch(tenant: harness.tenant, timeZone: .gmt) > 0 {}
            let outcomes = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT m.display_name, d.status, coalesce(d.suppression_reason, '')
                    FROM deliveries d JOIN members m USING (tenant_id, member_id) ORDER BY 1
                    """
                ).map {
                    "\(try $0.decode(String.self, at: 0))|\(try $0.decode(String.self, at: 1))|\(try $0.decode(String.self, at: 2))"
                }
            }
            #expect(
                outcomes == [
                    "member 1|suppressed|membership_banned", "member 2|sent|", "member 3|sent|", "member 4|sent|",
                    "member 5|sent|",
                ])
        }
    }
}
