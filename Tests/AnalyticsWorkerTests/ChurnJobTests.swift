import AnalyticsWorker
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

@Suite("analytics-worker: the churn job and StreamChurnRisk")
struct ChurnJobTests {
    static let now = AnalyticsHarness.customerTime("2025-07-01")

    /// Members with hand-computed signals as of 2025-07-01 (risk = capped sum of 0.3 silent,
    /// 0.4 overdue, 0.2 drop, 0.6 lapsed):
    ///   x: bought 01-01, 01-11, 01-21 → silent 161 days after 3 events, 161 > 1.5 × 10, lapsed → 1.0
    ///   l2: bought once 02-01 (90000 fen) → lapsed → 0.6
    ///   l: bought once 03-01 (1000 fen) → lapsed → 0.6
    ///   o: bought 05-20, 05-30, 06-09, wrote 06-25 → 22 days > 1.5 × 10 → overdue → 0.4
    ///   s: wrote 06-02, 06-05, 06-10 → silent 21 days after 3 events → 0.3
    ///   d: wrote 5 times in May, twice in late June → 2 ≤ 0.5 × 5 → drop → 0.2
    ///   h: wrote 06-29, bought 06-30 → no signal → 0, not listed
    ///   n: no events → not scored
    static func seed(_ harness: AnalyticsHarness) async throws -> [String: MemberID] {
        var ids: [String: MemberID] = [:]
        for name in ["x", "l2", "l", "o", "s", "d", "h", "n"] { ids[name] = try await harness.customerMember(name) }
        try await harness.customerPurchases(
            ids["x"]!, [("2025-01-01", 5_000), ("2025-01-11", 5_000), ("2025-01-21", 5_000)])
        try await harness.customerPurchases(ids["l2"]!, [("2025-02-01", 90_000)])
        try await harness.customerPurchases(ids["l"]!, [("2025-03-01", 1_000)])
        try await harness.customerPurchases(
            ids["o"]!, [("2025-05-20", 2_000), ("2025-05-30", 2_000), ("2025-06-09", 2_000)])
        try await harness.customerActivity(ids["o"]!, ["2025-06-25"])
        try await harness.customerActivity(ids["s"]!, ["2025-06-02", "2025-06-05", "2025-06-10"])
        try await harness.customerActivity(
            ids["d"]!,
            ["2025-05-10", "2025-05-12", "2025-05-15", "2025-05-20", "2025-05-25", "2025-06-20", "2025-06-28"])
        try await harness.customerActivity(ids["h"]!, ["2025-06-29"])
        try await harness.customerPurchases(ids["h"]!, [("2025-06-30", 3_000)])
        return ids
    }

    static func stream(
        _ harness: AnalyticsHarness, _ request: Hearth_Analytics_V1_StreamChurnRiskRequest = .init(),
        tenant: TenantID? = nil
    ) async throws -> [[Hearth_Analytics_V1_ChurnCandidate]] {
        try await harness.withClient(tenant: tenant, role: .viewer) { client in
            try await client.streamChurnRisk(request) { response in
                var batches: [[Hearth_Analytics_V1_ChurnCandidate]] = []
                for try await message in response.messages { batches.append(message.candidates) }
                return batches
            }
        }
    }

    /// Every member's stored risk, signals and facts, for comparing runs.
    static func state(_ harness: AnalyticsHarness) async throws -> [String] {
        try await harness.pool.withTenant(harness.tenant) { connection in
            try await connection.query(
                """
                SELECT m.display_name || ' ' || coalesce(m.churn_risk::text, '-')
                       || ' ' || coalesce(c.churn_risk::text, '-')
                       || ' ' || coalesce(array_to_string(c.signals, ','), '-')
                       || ' ' || coalesce(c.usual_interval_days::text, '-')
                       || ' ' || coalesce(c.events_before_silence::text, '-')
                       || ' ' || coalesce(c.recent_events::text, '-') || ' ' || coalesce(c.prior_events::text, '-')
                FROM members m LEFT JOIN member_churn c ON c.tenant_id = m.tenant_id AND c.member_id = m.member_id
                ORDER BY m.display_name
                """
            ).map { try $0.decode(String.self, at: 0) }
        }
    }

    @Test func risksAndSignalsMatchTheHandComputedFixtureHighestFirst() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            let ids = try await Self.seed(harness)
            try await harness.run(ChurnJob(), now: Self.now)

            let batches = try await Self.stream(harness)
            #expect(batches.count == 1)
            let candidates = batches.flatMap { $0 }
            #expect(candidates.map(\.displayName) == ["x", "l2", "l", "o", "s", "d"])
            #expect(candidates.map(\.rank) == [1, 2, 3, 4, 5, 6])
            #expect(candidates.map(\.churnRisk) == [1, 0.6, 0.6, 0.4, 0.3, 0.2])
            #expect(
                candidates.map(\.signals)
                    == [
                        [.goneSilent, .purchaseOverdue, .lapsed], [.lapsed], [.lapsed], [.purchaseOverdue],
                        [.goneSilent],
                        [.engagementDrop],
                    ])
            #expect(candidates.map(\.usualPurchaseIntervalDays) == [10, 0, 0, 10, 0, 0])
            #expect(candidates.map(\.totalSpendFen) == [15_000, 90_000, 1_000, 6_000, 0, 0])
            let x = candidates[0]
            #expect(x.memberID == ids["x"]!.description)
            #expect(x.lifecycleStage == .audience)
            #expect(x.lastPurchaseAt.date == AnalyticsHarness.customerTime("2025-01-21"))
            #expect(x.lastActiveAt.date == AnalyticsHarness.customerTime("2025-01-21"))
            #expect(!candidates[4].hasLastPurchaseAt)

            // members.churn_risk carries the risk; a member without events has none.
            let risks = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT display_name, churn_risk FROM members
                    WHERE member_id = ANY(\([ids["x"]!, ids["h"]!, ids["n"]!].map(\.rawValue))) ORDER BY display_name
                    """
                ).map { row in try (row.decode(String.self, at: 0), row.decode(Double?.self, at: 1)) }
            }
            #expect(risks.map { $0.0 } == ["h", "n", "x"])
            #expect(risks.map { $0.1 } == [0, nil, 1])
            let stored = try #require(
                try await CustomerReportStore(pool: harness.pool).churnRisk(of: ids["o"]!, tenant: harness.tenant))
            #expect(stored.risk == 0.4)
            #expect(stored.signals == [.purchaseOverdue])
            #expect(stored.usualPurchaseIntervalDays == 10)
        }
    }

    @Test func filtersNarrowTheListAndRanksFollowTheFilteredOrder() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            let ids = try await Self.seed(harness)
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE members SET lifecycle_stage = 'lapsed' WHERE member_id = \(ids["l"]!.rawValue)")
                try await connection.query(
                    "UPDATE members SET lifecycle_stage = 'user' WHERE member_id = \(ids["l2"]!.rawValue)")
                try await connection.query(
                    """
                    INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
                    VALUES (\(harness.tenant.rawValue), \(ids["o"]!.rawValue), 'sms', true, 'test'),
                           (\(harness.tenant.rawValue), \(ids["s"]!.rawValue), 'sms', false, 'test'),
                           (\(harness.tenant.rawValue), \(ids["d"]!.rawValue), 'im', true, 'test')
                    """)
            }
            try await harness.run(ChurnJob(), now: Self.now)

            var request = Hearth_Analytics_V1_StreamChurnRiskRequest()
            request.minRisk = 0.5
            var names = try await Self.stream(harness, request).flatMap { $0 }
            #expect(names.map(\.displayName) == ["x", "l2", "l"])

            request = .init()
            request.lifecycleStages = [.lapsed]
            names = try await Self.stream(harness, request).flatMap { $0 }
            #expect(names.map(\.displayName) == ["l"])
            #expect(names.map(\.rank) == [1])
            #expect(names.first?.lifecycleStage == .lapsed)

            request = .init()
            request.consentChannel = .sms
            names = try await Self.stream(harness, request).flatMap { $0 }
            #expect(names.map(\.displayName) == ["o"])

            request = .init()
            request.limit = 2
            names = try await Self.stream(harness, request).flatMap { $0 }
            #expect(names.map(\.displayName) == ["x", "l2"])

            request = .init()
            request.minRisk = 1.5
            let bad = await #expect(throws: RPCError.self) { try await Self.stream(harness, request) }
            #expect(bad?.code == .invalidArgument)
            #expect(AnalyticsHarness.customerErrorDetail(bad)?.fieldViolations.map(\.field) == ["min_risk"])
        }
    }

    @Test func theListStreamsInBatchesOfAThousand() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            // 1,205 lapsed customers (risk 0.6 each) whose spend is their number: ranked by spend.
            let lapsedSince = AnalyticsHarness.customerTime("2024-12-01")
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    INSERT INTO members (tenant_id, display_name, order_count, total_spend_fen, last_purchase_at,
                                         last_active_at)
                    SELECT \(harness.tenant.rawValue), 'bulk ' || i, 1, i, \(lapsedSince), \(lapsedSince)
                    FROM generate_series(1, 1205) AS i
                    """)
            }
            try await harness.run(ChurnJob(), now: Self.now)
            let batches = try await Self.stream(harness)
            #expect(batches.map(\.count) == [1_000, 205])
            let all = batches.flatMap { $0 }
            #expect(all.map(\.rank) == Array(1...1_205))
            #expect(all.map(\.totalSpendFen) == (1...1_205).reversed().map { Int64($0) })
            #expect(all.allSatisfy { $0.churnRisk == 0.6 && $0.signals == [.lapsed] })

            var request = Hearth_Analytics_V1_StreamChurnRiskRequest()
            request.limit = 1_001
            #expect(try await Self.stream(harness, request).map(\.count) == [1_000, 1])
            request = .init()
            request.minRisk = 0.7
            #expect(try await Self.stream(harness, request).isEmpty)
        }
    }

    @Test func anIncrementalRunEqualsAFullRun() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            let ids = try await Self.seed(harness)
            let job = ChurnJob(overlap: 0)
            try await harness.run(job, now: Self.now)
            try await Task.sleep(for: .milliseconds(50))
            let lastSuccess = Date()
            try await Task.sleep(for: .milliseconds(50))
            // l buys again: a usual interval appears (03-01 → 06-28: 119 days) and l is no longer lapsed.
            try await harness.customerPurchases(ids["l"]!, [("2025-06-28", 1_000)])

            let tomorrow = Self.now.addingTimeInterval(86_400)
            try await harness.run(job, now: tomorrow, lastSuccess: lastSuccess)
            let incremental = try await Self.state(harness)
            try await harness.run(job, now: tomorrow, params: ["full": "true"])
            #expect(try await Self.state(harness) == incremental)

            let l = try #require(
                try await CustomerReportStore(pool: harness.pool).churnRisk(of: ids["l"]!, tenant: harness.tenant))
            #expect(l.usualPurchaseIntervalDays == 119)
            #expect(l.risk == 0)
            #expect(try await Self.stream(harness).flatMap { $0 }.map(\.displayName) == ["x", "l2", "o", "s", "d"])
        }
    }

    @Test func anIncrementalRunRecomputesHistoryOnlyForMembersWhoseEventsChanged() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            let ids = try await Self.seed(harness)
            let job = ChurnJob(overlap: 0)
            try await harness.run(job, now: Self.now)
            // A stand-in value the incremental run must leave alone (o's events did not change).
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE member_churn SET usual_interval_days = 77 WHERE member_id = \(ids["o"]!.rawValue)")
            }
            try await Task.sleep(for: .milliseconds(50))
            let lastSuccess = Date()
            try await harness.run(job, now: Self.now, lastSuccess: lastSuccess)
            let store = CustomerReportStore(pool: harness.pool)
            #expect(try await store.churnRisk(of: ids["o"]!, tenant: harness.tenant)?.usualPurchaseIntervalDays == 77)
            // A full run recomputes everyone.
            try await harness.run(job, now: Self.now, params: ["full": "true"])
            #expect(try await store.churnRisk(of: ids["o"]!, tenant: harness.tenant)?.usualPurchaseIntervalDays == 10)
        }
    }

    @Test func theListIsNotReadyBeforeTheFirstRunAndStaysWithItsTenant() async throws {
        try await AnalyticsHarness.with(jobs: [ChurnJob()]) { harness in
            _ = try await Self.seed(harness)
            let missing = await #expect(throws: RPCError.self) { try await Self.stream(harness) }
            #expect(missing?.code == .failedPrecondition)
            let detail = AnalyticsHarness.customerErrorDetail(missing)
            #expect(detail?.reason == "report_not_ready")
            #expect(detail?.metadata["job_name"] == "churn")

            try await harness.run(ChurnJob(), now: Self.now)
            let other = try await harness.otherTenant()
            let notTheirs = await #expect(throws: RPCError.self) { try await Self.stream(harness, tenant: other) }
            #expect(notTheirs?.code == .failedPrecondition)
            try await harness.run(ChurnJob(), now: Self.now, tenant: other)
            #expect(try await Self.stream(harness, tenant: other).flatMap { $0 }.isEmpty)
            #expect(try await Self.stream(harness).flatMap { $0 }.count == 6)
        }
    }
}
