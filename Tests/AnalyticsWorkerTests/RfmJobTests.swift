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

/// Fixtures of the customer reports (RFM, churn, retention): members and their events, stored the
/// way ingest stores them so the members' purchase totals follow.
extension AnalyticsHarness {
    /// An instant in the tenant's zone (Asia/Shanghai): `"2025-03-10"` is noon that day; a full
    /// RFC 3339 time is taken as written.
    static func customerTime(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let full = text.count == 10 ? text + "T12:00:00+08:00" : text
        guard let date = formatter.date(from: full) else { preconditionFailure("bad fixture time \(text)") }
        return date
    }

    /// A new member; `createdAt` backdates them (join cohorts).
    func customerMember(_ name: String, createdAt: Date? = nil, tenant: TenantID? = nil) async throws -> MemberID {
        let tenant = tenant ?? self.tenant
        return try await pool.withTenant(tenant) { connection in
            MemberID(
                try await connection.query(
                    """
                    INSERT INTO members (tenant_id, display_name, created_at)
                    VALUES (\(tenant.rawValue), \(name), coalesce(\(createdAt), now()))
                    RETURNING member_id
                    """
                )[0].decode(UUID.self, at: 0))
        }
    }

    /// Purchases of `member`, each (time, amount in fen), through the event store.
    func customerPurchases(_ member: MemberID, _ purchases: [(String, Int64)], tenant: TenantID? = nil) async throws {
        let tenant = tenant ?? self.tenant
        let events = purchases.map { time, amount in
            MemberEvent(
                tenantID: tenant, memberID: member, kind: .purchase, occurredAt: Self.customerTime(time),
                amountFen: amount,
                idempotencyKey: "order-\(UUID().uuidString)")
        }
        #expect(try await EventStore(pool: pool).record(events, tenant: tenant).inserted == purchases.count)
    }

    /// Events of `kind` (not purchases) by `member` at each time, through the event store.
    func customerActivity(
        _ member: MemberID, _ times: [String], kind: EventKind = .message, tenant: TenantID? = nil
    ) async throws {
        let tenant = tenant ?? self.tenant
        let events = times.map { time in
            MemberEvent(
                tenantID: tenant, memberID: member, kind: kind, occurredAt: Self.customerTime(time),
                idempotencyKey: "msg-\(UUID().uuidString)")
        }
        #expect(try await EventStore(pool: pool).record(events, tenant: tenant).inserted == times.count)
    }

    /// The reason and facts of a failed call's ErrorDetail.
    static func customerErrorDetail(_ error: RPCError?) -> Hearth_Common_V1_ErrorDetail? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
    }

    /// How many snapshots of `kind` the tenant holds.
    func customerSnapshotCount(_ kind: String, tenant: TenantID? = nil) async throws -> Int {
        let tenant = tenant ?? self.tenant
        return try await pool.withTenant(tenant) { connection in
            try await connection.query("SELECT count(*) FROM report_snapshots WHERE kind = \(kind)")[0]
                .decode(Int.self, at: 0)
        }
    }
}

@Suite("analytics-worker: the rfm job and GetRfmReport")
struct RfmJobTests {
    static let now = AnalyticsHarness.customerTime("2025-07-01")

    /// Six customers with hand-computed scores (as of 2025-07-01), one member who never bought and
    /// one deleted customer. Recency days, orders, spend → R, F, M → segment:
    ///   a: 1, 4, 25000 → 5, 5, 4 → champions
    ///   b: 6, 2, 6000 → 3, 3, 2 → needs attention
    ///   c: 3, 1, 50000 → 4, 1, 5 → promising
    ///   d: 122, 3, 6000 → 1, 4, 2 → at risk
    ///   e: 365, 1, 1000 → 1, 1, 1 → lost
    ///   f: 30, 1, 4000 → 2, 1, 1 → hibernating
    static func seed(_ harness: AnalyticsHarness) async throws -> [String: MemberID] {
        var ids: [String: MemberID] = [:]
        for name in ["a", "b", "c", "d", "e", "f", "g", "h"] { ids[name] = try await harness.customerMember(name) }
        try await harness.customerPurchases(
            ids["a"]!, [("2025-06-30", 10_000), ("2025-06-20", 5_000), ("2025-06-10", 5_000), ("2025-05-01", 5_000)])
        try await harness.customerPurchases(ids["b"]!, [("2025-06-25", 3_000), ("2025-06-01", 3_000)])
        try await harness.customerPurchases(ids["c"]!, [("2025-06-28", 50_000)])
        try await harness.customerPurchases(
            ids["d"]!, [("2025-03-01", 2_000), ("2025-02-01", 2_000), ("2025-01-01", 2_000)])
        try await harness.customerPurchases(ids["e"]!, [("2024-07-01", 1_000)])
        try await harness.customerPurchases(ids["f"]!, [("2025-06-01", 4_000)])
        try await harness.customerActivity(ids["g"]!, ["2025-06-30"])
        try await harness.customerPurchases(ids["h"]!, [("2025-06-30", 99_000)])
        try await harness.pool.withTenant(harness.tenant) { connection in
            try await connection.query("UPDATE members SET deleted_at = now() WHERE member_id = \(ids["h"]!.rawValue)")
        }
        return ids
    }

    @Test func scoresAndSegmentsMatchTheHandComputedFixture() async throws {
        try await AnalyticsHarness.with(jobs: [RfmJob()]) { harness in
            let ids = try await Self.seed(harness)
            // 6 member_rfm rows and 1 snapshot.
            #expect(try await harness.run(RfmJob(), now: Self.now) == 7)
            let store = CustomerReportStore(pool: harness.pool)
            let expected: [String: (Int, Int, Int64, Int, Int, Int, RfmSegment)] = [
                "a": (1, 4, 25_000, 5, 5, 4, .champions), "b": (6, 2, 6_000, 3, 3, 2, .needsAttention),
                "c": (3, 1, 50_000, 4, 1, 5, .promising), "d": (122, 3, 6_000, 1, 4, 2, .atRisk),
                "e": (365, 1, 1_000, 1, 1, 1, .lost), "f": (30, 1, 4_000, 2, 1, 1, .hibernating),
            ]
            for (name, values) in expected {
                let (recency, frequency, monetary, r, f, m, segment) = values
                let score = try #require(try await store.rfmScore(of: ids[name]!, tenant: harness.tenant))
                #expect(score.recencyDays == recency, "\(name)")
                #expect(score.frequency == frequency, "\(name)")
                #expect(score.monetaryFen == monetary, "\(name)")
                #expect(score.recencyScore == r, "\(name)")
                #expect(score.frequencyScore == f, "\(name)")
                #expect(score.monetaryScore == m, "\(name)")
                #expect(score.segment == segment, "\(name)")
                #expect(score.computedAt == Self.now)
            }
            // Never bought; deleted.
            #expect(try await store.rfmScore(of: ids["g"]!, tenant: harness.tenant) == nil)
            #expect(try await store.rfmScore(of: ids["h"]!, tenant: harness.tenant) == nil)

            let report = try await harness.withClient(role: .viewer) { client in
                try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest()).report
            }
            #expect(report.info.computedAt.date == Self.now)
            #expect(report.segments.count == 11)
            #expect(
                report.segments.map(\.segment)
                    == [
                        .champions, .loyal, .potentialLoyalist, .newCustomer, .promising, .needsAttention,
                        .aboutToSleep,
                        .atRisk, .cannotLose, .hibernating, .lost,
                    ])
            let sizes = Dictionary(uniqueKeysWithValues: report.segments.map { ($0.segment, $0.memberCount) })
            #expect(sizes[.champions] == 1)
            #expect(sizes[.needsAttention] == 1)
            #expect(sizes[.promising] == 1)
            #expect(sizes[.atRisk] == 1)
            #expect(sizes[.lost] == 1)
            #expect(sizes[.hibernating] == 1)
            #expect(sizes[.loyal] == 0)
            #expect(sizes[.cannotLose] == 0)
            let champions = try #require(report.segments.first { $0.segment == .champions })
            #expect(abs(champions.share - 1.0 / 6.0) < 1e-12)
            #expect(champions.avgRecencyDays == 1)
            #expect(champions.avgFrequency == 4)
            #expect(champions.avgMonetaryFen == 25_000)
            let loyal = try #require(report.segments.first { $0.segment == .loyal })
            #expect(loyal.share == 0)
            #expect(loyal.avgMonetaryFen == 0)
            // percentile_cont at 0.2 … 0.8 of six values: the 2nd to 5th smallest.
            #expect(report.recencyDaysEdges == [3, 6, 30, 122])
            #expect(report.frequencyEdges == [1, 1, 2, 3])
            #expect(report.monetaryFenEdges == [4_000, 6_000, 6_000, 25_000])
        }
    }

    @Test func reRunningGivesTheSameScoresAndOneSnapshotPerRun() async throws {
        try await AnalyticsHarness.with(jobs: [RfmJob()]) { harness in
            let ids = try await Self.seed(harness)
            try await harness.run(RfmJob(), now: Self.now)
            let rows: () async throws -> [String] = {
                try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        """
                        SELECT member_id::text || recency_days || '/' || frequency || '/' || monetary_fen || '/'
                               || recency_score || frequency_score || monetary_score || segment
                        FROM member_rfm ORDER BY member_id
                        """
                    ).map { try $0.decode(String.self, at: 0) }
                }
            }
            let first = try await rows()
            #expect(first.count == 6)
            try await harness.run(RfmJob(), now: Self.now)
            #expect(try await rows() == first)
            #expect(try await harness.customerSnapshotCount("rfm") == 1)

            // A day later recency moves for everyone; a second snapshot is kept and served.
            let later = Self.now.addingTimeInterval(86_400)
            try await harness.run(RfmJob(), now: later)
            #expect(try await harness.customerSnapshotCount("rfm") == 2)
            let score = try #require(
                try await CustomerReportStore(pool: harness.pool).rfmScore(of: ids["a"]!, tenant: harness.tenant))
            #expect(score.recencyDays == 2)
            let report = try await harness.withClient(role: .viewer) { client in
                try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest()).report
            }
            #expect(report.info.computedAt.date == later)

            // A customer deleted since leaves the scores.
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE members SET deleted_at = now() WHERE member_id = \(ids["c"]!.rawValue)")
            }
            try await harness.run(RfmJob(), now: later)
            #expect(try await rows().count == 5)
            #expect(
                try await CustomerReportStore(pool: harness.pool).rfmScore(of: ids["c"]!, tenant: harness.tenant) == nil
            )
        }
    }

    @Test func theReportIsNotReadyBeforeTheFirstRunAndViewersMayNotRunJobs() async throws {
        try await AnalyticsHarness.with(jobs: [RfmJob()]) { harness in
            let missing = await #expect(throws: RPCError.self) {
                try await harness.withClient(role: .viewer) { client in
                    try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest())
                }
            }
            #expect(missing?.code == .failedPrecondition)
            let detail = AnalyticsHarness.customerErrorDetail(missing)
            #expect(detail?.reason == "report_not_ready")
            #expect(detail?.metadata["job_name"] == "rfm")

            var run = Hearth_Analytics_V1_RunJobRequest()
            run.jobName = "rfm"
            let refused = await #expect(throws: RPCError.self) {
                try await harness.withClient(role: .viewer) { client in try await client.runJob(run) }
            }
            #expect(refused?.code == .permissionDenied)
        }
    }

    @Test func anotherTenantSeesNeitherTheScoresNorTheReport() async throws {
        try await AnalyticsHarness.with(jobs: [RfmJob()]) { harness in
            let ids = try await Self.seed(harness)
            try await harness.run(RfmJob(), now: Self.now)
            let other = try await harness.otherTenant()
            let missing = await #expect(throws: RPCError.self) {
                try await harness.withClient(tenant: other, role: .viewer) { client in
                    try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest())
                }
            }
            #expect(missing?.code == .failedPrecondition)
            #expect(try await CustomerReportStore(pool: harness.pool).rfmScore(of: ids["a"]!, tenant: other) == nil)

            // The other tenant's own run scores nobody of ours.
            try await harness.run(RfmJob(), now: Self.now, tenant: other)
            let theirs = try await harness.withClient(tenant: other, role: .viewer) { client in
                try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest()).report
            }
            #expect(theirs.segments.allSatisfy { $0.memberCount == 0 })
            #expect(theirs.recencyDaysEdges.isEmpty)
            let ours = try await harness.withClient(role: .viewer) { client in
                try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest()).report
            }
            #expect(ours.segments.reduce(0) { $0 + $1.memberCount } == 6)
        }
    }
}
