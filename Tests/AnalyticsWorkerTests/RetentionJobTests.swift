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

@Suite("analytics-worker: the retention job, GetRetentionCohorts and GetRepurchaseRate")
struct RetentionJobTests {
    static let now = AnalyticsHarness.customerTime("2025-04-15")
    /// Created after their first events, so their join month is their first event's.
    static let lateCreation = AnalyticsHarness.customerTime("2025-04-14")

    /// Purchases (and one message) of eight members; months are Asia/Shanghai months, and p4's
    /// first purchase, 01:00 on 1 March there, is still 28 February in UTC.
    ///   p1 (created 2024-12-20): bought 2025-01-05, 02-10, 04-01
    ///   p2: bought 2025-01-20, 01-25 and 2025-05-01 (after the run: not counted)
    ///   p3: bought 2025-02-03, 03-03, 03-20
    ///   p4: bought 2025-03-01 01:00 +08, 04-02
    ///   p5: bought 2025-03-15
    ///   p6: bought 2024-03-01, 2025-02-20
    ///   m: wrote 2025-02-14; q (created 2025-03-10): nothing
    static func seed(_ harness: AnalyticsHarness) async throws {
        let p1 = try await harness.customerMember("p1", createdAt: AnalyticsHarness.customerTime("2024-12-20"))
        try await harness.customerPurchases(p1, [("2025-01-05", 1_000), ("2025-02-10", 1_000), ("2025-04-01", 1_000)])
        let p2 = try await harness.customerMember("p2", createdAt: lateCreation)
        try await harness.customerPurchases(p2, [("2025-01-20", 1_000), ("2025-01-25", 1_000), ("2025-05-01", 1_000)])
        let p3 = try await harness.customerMember("p3", createdAt: lateCreation)
        try await harness.customerPurchases(p3, [("2025-02-03", 1_000), ("2025-03-03", 1_000), ("2025-03-20", 1_000)])
        let p4 = try await harness.customerMember("p4", createdAt: lateCreation)
        try await harness.customerPurchases(p4, [("2025-03-01T01:00:00+08:00", 1_000), ("2025-04-02", 1_000)])
        let p5 = try await harness.customerMember("p5", createdAt: lateCreation)
        try await harness.customerPurchases(p5, [("2025-03-15", 1_000)])
        let p6 = try await harness.customerMember("p6", createdAt: lateCreation)
        try await harness.customerPurchases(p6, [("2024-03-01", 1_000), ("2025-02-20", 1_000)])
        let m = try await harness.customerMember("m", createdAt: lateCreation)
        try await harness.customerActivity(m, ["2025-02-14"])
        _ = try await harness.customerMember("q", createdAt: AnalyticsHarness.customerTime("2025-03-10"))
    }

    static func cohorts(
        _ harness: AnalyticsHarness, basis: Hearth_Analytics_V1_CohortBasis = .unspecified,
        from: (Int32, Int32, Int32)? = nil, months: Int32 = 0, tenant: TenantID? = nil
    ) async throws -> Hearth_Analytics_V1_RetentionReport {
        var request = Hearth_Analytics_V1_GetRetentionCohortsRequest()
        request.basis = basis
        if let from {
            request.fromMonth.year = from.0
            request.fromMonth.month = from.1
            request.fromMonth.day = from.2
        }
        request.months = months
        return try await harness.withClient(tenant: tenant, role: .viewer) { client in
            try await client.getRetentionCohorts(request).report
        }
    }

    static func repurchase(
        _ harness: AnalyticsHarness, from start: String? = nil, to end: String? = nil, tenant: TenantID? = nil
    ) async throws -> Hearth_Analytics_V1_RepurchaseReport {
        var request = Hearth_Analytics_V1_GetRepurchaseRateRequest()
        if let start { request.period.start = Google_Protobuf_Timestamp(date: AnalyticsHarness.customerTime(start)) }
        if let end { request.period.end = Google_Protobuf_Timestamp(date: AnalyticsHarness.customerTime(end)) }
        return try await harness.withClient(tenant: tenant, role: .viewer) { client in
            try await client.getRepurchaseRate(request).report
        }
    }

    static func monthText(_ date: Hearth_Common_V1_CalendarDate) -> String {
        "\(date.year)-" + (date.month < 10 ? "0" : "") + "\(date.month)-" + (date.day < 10 ? "0" : "") + "\(date.day)"
    }

    @Test func firstPurchaseCohortsCountBuyersPerMonthInTheTenantsZone() async throws {
        try await AnalyticsHarness.with(jobs: [RetentionJob()]) { harness in
            try await Self.seed(harness)
            // Two cohort snapshots and the last 12 months' repurchase figures.
            #expect(try await harness.run(RetentionJob(), now: Self.now) == 3)

            // Unset from_month: from 12 months before April 2025, so the March 2024 cohort is left out.
            let report = try await Self.cohorts(harness)
            #expect(report.basis == .firstPurchase)
            #expect(report.info.computedAt.date == Self.now)
            #expect(report.cohorts.map { Self.monthText($0.month) } == ["2025-01-01", "2025-02-01", "2025-03-01"])
            #expect(report.cohorts.map(\.size) == [2, 1, 2])
            #expect(report.cohorts.map(\.retained) == [[2, 1, 0, 1], [1, 1, 0], [2, 1]])
            #expect(report.cohorts.map(\.rates) == [[1, 0.5, 0, 0.5], [1, 1, 0], [1, 0.5]])

            // From March 2024, followed 12 months: p6 bought again in month 11.
            let older = try await Self.cohorts(harness, basis: .firstPurchase, from: (2024, 3, 1), months: 12)
            #expect(older.cohorts.count == 4)
            #expect(older.cohorts[0].retained == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
            #expect(older.cohorts[1].retained == [2, 1, 0, 1])

            // Any day names its month; one month followed.
            let short = try await Self.cohorts(harness, from: (2025, 2, 17), months: 1)
            #expect(short.cohorts.map(\.retained) == [[1, 1], [2, 1]])
        }
    }

    @Test func joinCohortsCountAnyActivityFromTheMonthOfJoining() async throws {
        try await AnalyticsHarness.with(jobs: [RetentionJob()]) { harness in
            try await Self.seed(harness)
            try await harness.run(RetentionJob(), now: Self.now)
            let report = try await Self.cohorts(harness, basis: .join)
            #expect(report.basis == .join)
            #expect(
                report.cohorts.map { Self.monthText($0.month) } == [
                    "2024-12-01", "2025-01-01", "2025-02-01", "2025-03-01",
                ])
            // p1 joined in December and was first active in January; q never was.
            #expect(report.cohorts.map(\.size) == [1, 1, 2, 3])
            #expect(report.cohorts.map(\.retained) == [[0, 1, 1, 0, 1], [1, 0, 0, 0], [2, 1, 0], [2, 1]])
            #expect(report.cohorts[3].rates == [2.0 / 3.0, 1.0 / 3.0])
        }
    }

    @Test func repurchaseRatesCountEarlierPurchases() async throws {
        try await AnalyticsHarness.with(jobs: [RetentionJob()]) { harness in
            try await Self.seed(harness)
            try await harness.run(RetentionJob(), now: Self.now)

            let report = try await Self.repurchase(harness)
            #expect(report.info.period.start.date == AnalyticsHarness.customerTime("2024-04-15"))
            #expect(report.info.period.end.date == Self.now)
            // p5 bought once; p6's purchase of March 2024 makes February 2025 a repeat.
            #expect(report.customers == 6)
            #expect(report.repeatCustomers == 5)
            #expect(report.rate == 5.0 / 6.0)
            #expect(report.byMonth.count == 13)
            #expect(Self.monthText(report.byMonth[0].month) == "2024-04-01")
            #expect(report.byMonth.prefix(9).allSatisfy { $0.customers == 0 && $0.rate == 0 })
            let recent = report.byMonth.suffix(4)
            #expect(
                recent.map { Self.monthText($0.month) } == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"])
            #expect(recent.map(\.customers) == [2, 3, 3, 2])
            #expect(recent.map(\.repeatCustomers) == [1, 2, 1, 2])
            #expect(recent.map(\.rate) == [0.5, 2.0 / 3.0, 1.0 / 3.0, 1])

            // Another period is computed on demand and then served for exactly that period.
            let start = "2025-02-01T00:00:00+08:00"
            let end = "2025-04-01T00:00:00+08:00"
            let missing = await #expect(throws: RPCError.self) {
                try await Self.repurchase(harness, from: start, to: end)
            }
            #expect(missing?.code == .failedPrecondition)
            #expect(AnalyticsHarness.customerErrorDetail(missing)?.reason == "report_not_ready")
            #expect(AnalyticsHarness.customerErrorDetail(missing)?.metadata["job_name"] == "retention")

            #expect(
                try await harness.run(
                    RetentionJob(), now: Self.now, params: ["repurchase_start": start, "repurchase_end": end]) == 4)
            let period = try await Self.repurchase(harness, from: start, to: end)
            #expect(period.info.period.start.date == AnalyticsHarness.customerTime(start))
            #expect(period.customers == 5)
            #expect(period.repeatCustomers == 3)
            #expect(period.byMonth.map { Self.monthText($0.month) } == ["2025-02-01", "2025-03-01"])
            #expect(period.byMonth.map(\.customers) == [3, 3])
            #expect(period.byMonth.map(\.repeatCustomers) == [2, 1])
            // The default is still the last 12 months.
            #expect(try await Self.repurchase(harness).customers == 6)

            let halfOpen = await #expect(throws: RPCError.self) { try await Self.repurchase(harness, from: start) }
            #expect(halfOpen?.code == .invalidArgument)
            let badParams = await #expect(throws: DomainError.self) {
                try await harness.run(RetentionJob(), now: Self.now, params: ["repurchase_start": start])
            }
            #expect(badParams?.code == .invalidArgument)
        }
    }

    @Test func reRunningReplacesTheRunsSnapshotsWithEqualOnes() async throws {
        try await AnalyticsHarness.with(jobs: [RetentionJob()]) { harness in
            try await Self.seed(harness)
            try await harness.run(RetentionJob(), now: Self.now)
            let bodies: () async throws -> [String] = {
                try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        "SELECT body::text FROM report_snapshots ORDER BY kind, body::text"
                    ).map { try $0.decode(String.self, at: 0) }
                }
            }
            let first = try await bodies()
            #expect(first.count == 3)
            try await harness.run(RetentionJob(), now: Self.now)
            #expect(try await bodies() == first)
            #expect(try await harness.customerSnapshotCount("cohort_retention") == 2)
            #expect(try await harness.customerSnapshotCount("repurchase") == 1)
        }
    }

    @Test func requestsAreCheckedAndReportsAreNotReadyBeforeTheFirstRunOrForAnotherTenant() async throws {
        try await AnalyticsHarness.with(jobs: [RetentionJob()]) { harness in
            try await Self.seed(harness)
            let cohorts = await #expect(throws: RPCError.self) { try await Self.cohorts(harness) }
            #expect(cohorts?.code == .failedPrecondition)
            #expect(AnalyticsHarness.customerErrorDetail(cohorts)?.metadata["job_name"] == "retention")
            let rate = await #expect(throws: RPCError.self) { try await Self.repurchase(harness) }
            #expect(rate?.code == .failedPrecondition)

            try await harness.run(RetentionJob(), now: Self.now)
            let tooLong = await #expect(throws: RPCError.self) { try await Self.cohorts(harness, months: 37) }
            #expect(tooLong?.code == .invalidArgument)
            #expect(AnalyticsHarness.customerErrorDetail(tooLong)?.fieldViolations.map(\.field) == ["months"])
            let noMonth = await #expect(throws: RPCError.self) { try await Self.cohorts(harness, from: (2025, 13, 1)) }
            #expect(noMonth?.code == .invalidArgument)

            let other = try await harness.otherTenant()
            let notTheirs = await #expect(throws: RPCError.self) { try await Self.cohorts(harness, tenant: other) }
            #expect(notTheirs?.code == .failedPrecondition)
            try await harness.run(RetentionJob(), now: Self.now, tenant: other)
            #expect(try await Self.cohorts(harness, tenant: other).cohorts.isEmpty)
            let theirRate = try await Self.repurchase(harness, tenant: other)
            #expect(theirRate.customers == 0)
            #expect(theirRate.rate == 0)
            #expect(try await Self.cohorts(harness).cohorts.count == 3)
        }
    }
}
