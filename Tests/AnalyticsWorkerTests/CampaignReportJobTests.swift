import AnalyticsWorker
import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import Testing

/// A scripted campaign, worked out by hand in ``CampaignReportJobTests``.
///
/// "Thursday members' day" runs 2026-11-01 to 12-01 (UTC) with goals of 300,000.00 CNY and 100
/// participants; the reports are computed on 11-13 (40 % of the period). Occurrences start on
/// day 1 (O1), day 8 (O2) and day 15 (O3, to come), each at 12:00.
///
/// Deliveries — O1: a, b sent; c suppressed (no consent); d failed; e pending; f suppressed (quiet
/// hours) then sent. O2: a sent; g suppressed (frequency cap); h suppressed twice (no consent, then
/// frequency cap).
/// Calls — agent one: a joined, b declined; agent two: c invited, d not reached, i pending.
/// Joined — a (call, day 2), b (invite link join event, day 9). Participated — c (event, day 1), e
/// (task claim, day 3), d (lottery entry, day 9), a (contest entry, day 9); f's claim was rejected.
/// Orders — a 50,000.00 (day 2); b 30,000.00 (day 9) and 10,000.00 (day 10); c 40,000.00 refunded;
/// a stranger 10,000.00 (day 11). Referral tree: a → b → c, a → d.
struct OpsCampaignFixture {
    var campaign: UUID
    var occurrences: [UUID]
    var draft: UUID
    var finished: UUID
    var agents: [UUID]
    var members: [String: UUID]
}

extension AnalyticsHarness {
    /// 2026-11-01T00:00:00Z: the campaign's period starts.
    static let opsCampaignStart = Date(timeIntervalSince1970: 1_793_491_200)

    static func opsCampaignDay(_ n: Double, hour: Double = 12) -> Date {
        opsCampaignStart.addingTimeInterval(n * 86_400 + hour * 3_600)
    }

    /// The reports' "now": day 12 of 30.
    static let opsReportTime = opsCampaignDay(12, hour: 0)

    func opsSeedCampaignFixture() async throws -> OpsCampaignFixture {
        let t = tenant.rawValue
        func day(_ n: Double, _ hour: Double = 12) -> Date { Self.opsCampaignDay(n, hour: hour) }
        var members: [String: UUID] = [:]
        for name in ["a", "b", "c", "d", "e", "f", "g", "h", "i"] {
            members[name] = try await opsMember(name, createdAt: day(-30, 0))
        }
        func m(_ name: String) -> UUID { members[name]! }
        let community = try await opsCommunity("Recruits", capacity: 500, createdAt: day(-30, 0))
        var agents: [UUID] = []
        for login in ["agent-one", "agent-two"] {
            agents.append(
                try await opsSQL(
                    """
                    INSERT INTO operators (tenant_id, login, name) VALUES (\(t), \(login), \(login))
                    RETURNING operator_id
                    """
                )[0].decode(UUID.self, at: 0))
        }

        let campaign = try await opsSQL(
            """
            INSERT INTO campaigns (tenant_id, name, kind, status, goal_revenue_fen, goal_participants, period_start,
                                   period_end, updated_at)
            VALUES (\(t), '周四会员日', 'recurring_activity', 'running', 30000000, 100, \(day(0, 0)),
                    \(day(30, 0)), \(day(0, 0)))
            RETURNING campaign_id
            """)[0].decode(UUID.self, at: 0)
        let draft = try await opsSQL(
            "INSERT INTO campaigns (tenant_id, name, kind) VALUES (\(t), 'Draft', 'lottery') RETURNING campaign_id"
        )[0].decode(UUID.self, at: 0)
        let finished = try await opsSQL(
            """
            INSERT INTO campaigns (tenant_id, name, kind, status, period_start, period_end, updated_at)
            VALUES (\(t), 'October flash sale', 'flash_offer', 'completed', \(day(-40, 0)), \(day(-10, 0)),
                    \(day(-10, 0)))
            RETURNING campaign_id
            """)[0].decode(UUID.self, at: 0)

        var occurrences: [UUID] = []
        for (start, status) in [(1.0, "completed"), (8, "completed"), (15, "scheduled")] {
            occurrences.append(
                try await opsSQL(
                    """
                    INSERT INTO campaign_occurrences (tenant_id, campaign_id, starts_at, ends_at, status)
                    VALUES (\(t), \(campaign), \(day(start, 12)), \(day(start, 14)), \(status))
                    RETURNING occurrence_id
                    """)[0].decode(UUID.self, at: 0))
        }
        typealias Delivery = (
            occurrence: Int, member: String, phase: String, index: Int, status: String, reason: String?, at: Date
        )
        let deliveries: [Delivery] = [
            (0, "a", "announce", 0, "sent", nil, day(0)), (0, "b", "announce", 0, "sent", nil, day(0)),
            (0, "c", "announce", 0, "suppressed", "no_consent", day(0)), (0, "d", "announce", 0, "failed", nil, day(0)),
            (0, "e", "announce", 0, "pending", nil, day(0)),
            (0, "f", "announce", 0, "suppressed", "quiet_hours", day(0)), (0, "f", "live", 1, "sent", nil, day(1)),
            (1, "a", "announce", 0, "sent", nil, day(7)),
            (1, "g", "announce", 0, "suppressed", "frequency_cap", day(7)),
            (1, "h", "announce", 0, "suppressed", "no_consent", day(7)),
            (1, "h", "warm_up", 1, "suppressed", "frequency_cap", day(8, 10)),
        ]
        for delivery in deliveries {
            try await opsSQL(
                """
                INSERT INTO deliveries (tenant_id, campaign_id, occurrence_id, phase, message_index, member_id, channel,
                                        status, suppression_reason, sent_at, attempts, updated_at)
                VALUES (\(t), \(campaign), \(occurrences[delivery.occurrence]), \(delivery.phase), \(delivery.index),
                        \(m(delivery.member)), 'sms', \(delivery.status), \(delivery.reason),
                        \(delivery.status == "sent" ? delivery.at : nil), \(delivery.status == "pending" ? 0 : 1),
                        \(delivery.at))
                """)
        }

        let list = try await opsSQL(
            """
            INSERT INTO call_lists (tenant_id, campaign_id, created_by, entry_count, agent_operator_ids)
            VALUES (\(t), \(campaign), 'op-test', 5, \(agents))
            RETURNING call_list_id
            """)[0].decode(UUID.self, at: 0)
        let calls: [(member: String, agent: Int, outcome: String)] = [
            ("a", 0, "joined"), ("b", 0, "declined"), ("c", 1, "invited"), ("d", 1, "not_reached"), ("i", 1, "pending"),
        ]
        for call in calls {
            let called = call.outcome != "pending"
            try await opsSQL(
                """
                INSERT INTO call_list_entries (tenant_id, call_list_id, member_id, agent_operator_id, outcome, attempts,
                                               called_at)
                VALUES (\(t), \(list), \(m(call.member)), \(agents[call.agent]), \(call.outcome), \(called ? 1 : 0),
                        \(called ? day(2) : nil))
                """)
        }

        try await opsEvent("campaign_participation", member: m("c"), campaign: campaign, at: day(1, 13))
        try await opsEvent("join", member: m("b"), community: community, campaign: campaign, at: day(9))
        try await opsSQL(
            """
            INSERT INTO lotteries (tenant_id, campaign_id, algorithm, seed, seed_hash, committed_at)
            VALUES (\(t), \(campaign), 'hearth-lottery-v1', decode(repeat('ab', 32), 'hex'), repeat('0', 64),
                    \(day(0, 0)))
            """)
        try await opsSQL(
            """
            INSERT INTO lottery_entries (tenant_id, campaign_id, entry_number, member_id, entered_at)
            VALUES (\(t), \(campaign), 1, \(m("d")), \(day(9)))
            """)
        let task = try await opsSQL(
            """
            INSERT INTO campaign_tasks (tenant_id, campaign_id, title) VALUES (\(t), \(campaign), 'Share the poster')
            RETURNING task_id
            """
        )[0].decode(UUID.self, at: 0)
        try await opsSQL(
            """
            INSERT INTO task_claims (tenant_id, campaign_id, task_id, member_id, submitted_at)
            VALUES (\(t), \(campaign), \(task), \(m("e")), \(day(3)))
            """)
        try await opsSQL(
            """
            INSERT INTO task_claims (tenant_id, campaign_id, task_id, member_id, status, review_note, reviewed_by,
                                     submitted_at, reviewed_at)
            VALUES (\(t), \(campaign), \(task), \(m("f")), 'rejected', 'no proof', 'op-test', \(day(3)), \(day(4)))
            """)
        try await opsSQL(
            """
            INSERT INTO contest_entries (tenant_id, campaign_id, member_id, title, submitted_at)
            VALUES (\(t), \(campaign), \(m("a")), 'My photo', \(day(9)))
            """)
        let orders: [(id: String, member: String?, fen: Int64, at: Date, refunded: Date?)] = [
            ("order-a", "a", 5_000_000, day(2), nil), ("order-b1", "b", 3_000_000, day(9), nil),
            ("order-b2", "b", 1_000_000, day(10), nil), ("order-c", "c", 4_000_000, day(3), day(5)),
            ("order-stranger", nil, 1_000_000, day(11), nil),
        ]
        for order in orders {
            try await opsSQL(
                """
                INSERT INTO conversions (tenant_id, order_id, member_id, campaign_id, amount_fen, occurred_at,
                                         refunded_at, attribution)
                VALUES (\(t), \(order.id), \(order.member.map(m)), \(campaign), \(order.fen), \(order.at),
                        \(order.refunded), 'code')
                """)
        }

        for (code, owner) in [("AAAA2222", "a"), ("BBBB3333", "b")] {
            try await opsSQL(
                """
                INSERT INTO referral_codes (tenant_id, code, campaign_id, member_id)
                VALUES (\(t), \(code), \(campaign), \(m(owner)))
                """)
        }
        let nodes: [(member: String, referrer: String?, code: String?, path: [String])] = [
            ("a", nil, nil, []), ("b", "a", "AAAA2222", ["a"]), ("d", "a", "AAAA2222", ["a"]),
            ("c", "b", "BBBB3333", ["a", "b"]),
        ]
        for node in nodes {
            try await opsSQL(
                """
                INSERT INTO referral_nodes (tenant_id, campaign_id, member_id, referrer_member_id, code, depth, path)
                VALUES (\(t), \(campaign), \(m(node.member)), \(node.referrer.map(m)), \(node.code), \(node.path.count),
                        \(node.path.map(m)))
                """)
        }
        return OpsCampaignFixture(
            campaign: campaign, occurrences: occurrences, draft: draft, finished: finished, agents: agents,
            members: members)
    }

    /// A campaign's stored report and when it was computed; `nil` when there is none.
    func opsCampaignSnapshot(_ campaign: UUID) async throws -> (snapshot: CampaignReportSnapshot, computedAt: Date)? {
        let rows = try await opsSQL(
            """
            SELECT body, computed_at FROM report_snapshots
            WHERE tenant_id = \(tenant.rawValue) AND kind = 'campaign_funnel' AND subject_id = \(campaign)
            """)
        #expect(rows.count <= 1)
        guard let row = rows.first else { return nil }
        return (
            try row.decode(PostgresJSONB.self, at: 0).decode(CampaignReportSnapshot.self),
            try row.decode(Date.self, at: 1)
        )
    }
}

@Suite("analytics-worker: the campaign_reports job")
struct CampaignReportJobTests {
    /// targeted, delivered, suppressed, failed, joined, participated, converted, revenue.
    static func figures(_ funnel: CampaignReportSnapshot.Funnel) -> [Int64] {
        [
            funnel.targeted, funnel.delivered, funnel.suppressed, funnel.failed, funnel.joined, funnel.participated,
            funnel.converted, funnel.revenueFen,
        ]
    }

    @Test func theFunnelPacingAgentsAndTreeOfAScriptedCampaign() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedCampaignFixture()
            // The running campaign and the finished one; never the draft.
            let written = try await harness.run(CampaignReportsJob(), now: AnalyticsHarness.opsReportTime)
            #expect(written == 2)
            let draft = try await harness.opsCampaignSnapshot(fixture.draft)
            #expect(draft == nil)
            let stored = try await harness.opsCampaignSnapshot(fixture.campaign)
            let (report, computedAt) = try #require(stored)
            #expect(computedAt == AnalyticsHarness.opsReportTime)

            // 8 targeted: a, b, f delivered; d failed; c, g, h suppressed; e pending.
            #expect(Self.figures(report.funnel) == [8, 3, 3, 1, 2, 4, 3, 10_000_000])
            #expect(report.funnel.suppressedByReason == ["no_consent": 1, "frequency_cap": 2])
            #expect(report.participants == 5)

            #expect(report.occurrences.map(\.occurrenceID) == fixture.occurrences)
            #expect(report.occurrences[0].startsAt == AnalyticsHarness.opsCampaignDay(1, hour: 12))
            #expect(Self.figures(report.occurrences[0].funnel) == [6, 3, 1, 1, 1, 2, 1, 5_000_000])
            #expect(report.occurrences[0].funnel.suppressedByReason == ["no_consent": 1])
            #expect(Self.figures(report.occurrences[1].funnel) == [3, 1, 2, 0, 1, 2, 2, 5_000_000])
            #expect(report.occurrences[1].funnel.suppressedByReason == ["frequency_cap": 2])
            #expect(Self.figures(report.occurrences[2].funnel) == [0, 0, 0, 0, 0, 0, 0, 0])

            // 100,000.00 of 300,000.00 at 40 % of the month: 120,000.00 was expected.
            let pacing = report.pacing
            #expect(pacing.goalRevenueFen == 30_000_000)
            #expect(pacing.revenueFen == 10_000_000)
            #expect(pacing.elapsedFraction == 0.4)
            #expect(pacing.expectedRevenueFen == 12_000_000)
            #expect(pacing.projectedRevenueFen == 25_000_000)
            #expect(pacing.goalParticipants == 100)
            #expect(pacing.participants == 5)
            #expect(pacing.projectedParticipants == 13)
            #expect(!pacing.onTrack)

            let agents = Dictionary(uniqueKeysWithValues: report.agents.map { ($0.agentOperatorID, $0) })
            let one = try #require(agents[fixture.agents[0]])
            let oneCalls = [one.assigned, one.pending, one.notReached, one.declined, one.invited, one.joined]
            #expect(oneCalls == [2, 0, 0, 1, 0, 1])
            let two = try #require(agents[fixture.agents[1]])
            let twoCalls = [two.assigned, two.pending, two.notReached, two.declined, two.invited, two.joined]
            #expect(twoCalls == [3, 1, 1, 0, 1, 0])

            #expect(report.referralTree.size == 4)
            #expect(report.referralTree.depth == 2)
            #expect(report.referralTree.roots == 1)
            #expect(report.referralTree.membersPerLevel == [1, 2, 1])

            // The finished campaign has nothing but its goal-less pacing: reached (no goals).
            let finished = try await harness.opsCampaignSnapshot(fixture.finished)
            let (ended, _) = try #require(finished)
            #expect(Self.figures(ended.funnel) == [0, 0, 0, 0, 0, 0, 0, 0])
            #expect(ended.pacing.elapsedFraction == 1)
            #expect(ended.pacing.onTrack)
            #expect(ended.referralTree.membersPerLevel.isEmpty)
        }
    }

    @Test func aScheduledRunRecomputesOnlyWhatMayHaveChanged() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedCampaignFixture()
            let first = AnalyticsHarness.opsReportTime
            try await harness.run(CampaignReportsJob(), now: first)

            // 15 minutes later: the running campaign only (the finished one ended 22 days ago).
            let second = first.addingTimeInterval(900)
            let rerun = try await harness.run(CampaignReportsJob(), now: second, lastSuccess: first)
            #expect(rerun == 1)
            let running = try await harness.opsCampaignSnapshot(fixture.campaign)
            #expect(running?.computedAt == second)
            let finished = try await harness.opsCampaignSnapshot(fixture.finished)
            #expect(finished?.computedAt == first)

            // An order of the finished campaign changes: it is reported again, with the order.
            try await harness.opsSQL(
                """
                INSERT INTO conversions (tenant_id, order_id, campaign_id, amount_fen, occurred_at, attribution,
                                         updated_at)
                VALUES (\(harness.tenant.rawValue), 'late-order', \(fixture.finished), 2500, \(first), 'code',
                        \(second.addingTimeInterval(60)))
                """)
            let third = second.addingTimeInterval(900)
            let again = try await harness.run(CampaignReportsJob(), now: third, lastSuccess: second)
            #expect(again == 2)
            let updated = try await harness.opsCampaignSnapshot(fixture.finished)
            #expect(updated?.computedAt == third)
            #expect(updated?.snapshot.funnel.converted == 1)
            #expect(updated?.snapshot.funnel.revenueFen == 2500)

            // A full run reports both again and keeps one report per campaign.
            let full = try await harness.run(CampaignReportsJob(), now: third, params: ["full": "true"])
            #expect(full == 2)
            let count = try await harness.opsSQL(
                """
                SELECT count(*) FROM report_snapshots
                WHERE tenant_id = \(harness.tenant.rawValue) AND kind = 'campaign_funnel'
                """
            )[0].decode(Int64.self, at: 0)
            #expect(count == 2)
        }
    }
}
