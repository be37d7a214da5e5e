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

@Suite("scores job: engagement scores and their contributions")
struct ScoresJobTests {
    /// 2026-03-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_323_200)

    static func daysBefore(_ instant: Date, _ days: Double) -> Date { instant.addingTimeInterval(-days * 86_400) }

    @Test func aHandComputedFixtureScoresExactly() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob()]) { harness in
            let now = Self.now
            let buyer = try await harness.memberJobMember("买家")
            let sharer = try await harness.memberJobMember("分享达人")
            // A stale score from an earlier computation: no events, so it goes back to 0.
            let idle = try await harness.memberJobMember("沉默", score: 42)
            try await harness.memberJobEvents([
                .init(member: buyer, kind: .message, at: Self.daysBefore(now, 30)),  // 1 × 0.5
                .init(member: buyer, kind: .message, at: Self.daysBefore(now, 60)),  // 1 × 0.25
                .init(member: buyer, kind: .purchase, at: now),  // 8 × 1
                .init(member: buyer, kind: .purchase, at: Self.daysBefore(now, 15)),  // 8 × 2^-0.5
                .init(member: buyer, kind: .visit, at: Self.daysBefore(now, 1)),  // worth nothing
                .init(member: buyer, kind: .message, at: Self.daysBefore(now, -1)),  // tomorrow: not yet
                .init(member: sharer, kind: .checkIn, at: Self.daysBefore(now, 90)),  // 2 × 0.125
                .init(member: sharer, kind: .share, at: Self.daysBefore(now, 30)),  // 3 × 0.5
                .init(member: sharer, kind: .referral, at: Self.daysBefore(now, 45)),  // 5 × 2^-1.5
                .init(member: sharer, kind: .campaignParticipation, at: Self.daysBefore(now, 30)),  // 4 × 0.5
            ])
            // Another tenant's member with events is never touched.
            let other = try await harness.otherTenant()
            let foreign = try await harness.memberJobMember("别家", tenant: other)
            try await harness.memberJobEvents([.init(member: foreign, kind: .purchase, at: now)], tenant: other)

            try await harness.run(ScoresJob(), now: now)

            let contributions = try await harness.memberJobContributions()
            #expect(contributions.count == 6)
            #expect(contributions["\(buyer)/purchase"]?.count == 2)
            #expect(abs((contributions["\(buyer)/purchase"]?.points ?? 0) - 13.656854249492381) < 1e-6)
            #expect(contributions["\(buyer)/message"]?.count == 2)
            #expect(abs((contributions["\(buyer)/message"]?.points ?? 0) - 0.75) < 1e-6)
            #expect(contributions["\(buyer)/visit"] == nil)
            #expect(abs((contributions["\(sharer)/check_in"]?.points ?? 0) - 0.25) < 1e-6)
            #expect(abs((contributions["\(sharer)/share"]?.points ?? 0) - 1.5) < 1e-6)
            #expect(abs((contributions["\(sharer)/referral"]?.points ?? 0) - 1.7677669529663689) < 1e-6)
            #expect(abs((contributions["\(sharer)/campaign_participation"]?.points ?? 0) - 2) < 1e-6)

            let scores = try await harness.memberJobScores()
            // 100 × (1 − exp(−14.406854249492381 / 50)) and 100 × (1 − exp(−5.517766952966369 / 50))
            #expect(abs((scores[buyer] ?? -1) - 25.034118177667054) < 1e-6)
            #expect(abs((scores[sharer] ?? -1) - 10.448413301249172) < 1e-6)
            #expect(scores[idle] == 0)
            let foreignScore = try await harness.memberJobScores(tenant: other)[foreign]
            #expect(foreignScore == 0)
            let foreignContributions = try await harness.memberJobContributions(tenant: other)
            #expect(foreignContributions.isEmpty)

            // The day's snapshot: two of three live members scored.
            let snapshot = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT (body ->> 'members_scored')::int, (body ->> 'members')::int, computed_at,
                           jsonb_array_length(body -> 'histogram')
                    FROM report_snapshots WHERE kind = 'engagement'
                    """)[0]
            }
            #expect(try snapshot.decode(Int.self, at: 0) == 2)
            #expect(try snapshot.decode(Int.self, at: 1) == 3)
            #expect(try snapshot.decode(Date.self, at: 2) == now)
            #expect(try snapshot.decode(Int.self, at: 3) == 10)

            // Running again at the same time changes nothing and keeps one snapshot for the day.
            try await harness.run(ScoresJob(), now: now)
            let again = try await harness.memberJobScores()
            #expect(abs((again[buyer] ?? -1) - 25.034118177667054) < 1e-6)
            let snapshots = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query("SELECT count(*) FROM report_snapshots WHERE kind = 'engagement'")[0]
                    .decode(Int.self, at: 0)
            }
            #expect(snapshots == 1)
        }
    }

    @Test func anIncrementalRunEqualsAFullRun() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob()]) { harness in
            // 2026-02-01T00:00:00Z, and two and a quarter days later.
            let first = Date(timeIntervalSince1970: 1_769_904_000)
            let second = first.addingTimeInterval(2.25 * 86_400)
            let early = Self.daysBefore(first, 2)
            let names = ["chatter", "future", "late", "steady", "new", "survivor", "merged"]
            var created: [String: MemberID] = [:]
            for name in names { created[name] = try await harness.memberJobMember(name) }
            let members = created
            func m(_ name: String) -> MemberID { members[name]! }

            // Recorded before the first run.
            try await harness.memberJobEvents([
                .init(member: m("chatter"), kind: .message, at: Self.daysBefore(first, 10), recordedAt: early),
                .init(member: m("chatter"), kind: .purchase, at: Self.daysBefore(first, 20), recordedAt: early),
                .init(member: m("future"), kind: .share, at: Self.daysBefore(first, 5), recordedAt: early),
                // Sent ahead of time: it happens between the runs.
                .init(
                    member: m("future"), kind: .checkIn, at: first.addingTimeInterval(1.5 * 86_400), recordedAt: early),
                .init(member: m("late"), kind: .message, at: Self.daysBefore(first, 3), recordedAt: early),
                .init(member: m("steady"), kind: .purchase, at: Self.daysBefore(first, 40), recordedAt: early),
                .init(member: m("steady"), kind: .referral, at: Self.daysBefore(first, 1), recordedAt: early),
                .init(member: m("survivor"), kind: .share, at: Self.daysBefore(first, 8), recordedAt: early),
                .init(member: m("merged"), kind: .purchase, at: Self.daysBefore(first, 6), recordedAt: early),
            ])
            // Exact, whatever the drift: decayed scores are rewritten on every run.
            try await harness.run(ScoresJob(), now: first, params: ["score_tolerance": "0"])
            let futureBefore = try await harness.memberJobContributions()["\(m("future"))/check_in"]
            #expect(futureBefore == nil)

            // Between the runs: a new message, a late import of an old purchase, a new member, and a
            // merge that moves events without recording them anew.
            let between = first.addingTimeInterval(86_400)
            try await harness.memberJobEvents([
                .init(member: m("chatter"), kind: .message, at: between, recordedAt: between),
                .init(member: m("late"), kind: .purchase, at: Self.daysBefore(first, 30), recordedAt: between),
                .init(member: m("new"), kind: .checkIn, at: first.addingTimeInterval(2 * 86_400), recordedAt: between),
            ])
            try await harness.memberJobMerge(m("merged"), into: m("survivor"))

            // Two members a transaction: the chunks' boundaries must not lose or repeat anyone.
            try await harness.run(ScoresJob(chunkSize: 2), now: second, lastSuccess: first)
            let incremental = try await harness.memberJobContributions()
            let incrementalScores = try await harness.memberJobScores()
            #expect(incremental["\(m("future"))/check_in"]?.count == 1)
            #expect(incremental["\(m("late"))/purchase"]?.count == 1)
            #expect(incremental["\(m("survivor"))/purchase"]?.count == 1)
            let mergedPrefix = "\(m("merged"))/"
            let mergedKept = incremental.keys.contains { $0.hasPrefix(mergedPrefix) }
            #expect(!mergedKept)
            // The steady member had nothing new: their points were decayed, 8 × 2^(−42.25/30) for the purchase.
            #expect(abs((incremental["\(m("steady"))/purchase"]?.points ?? 0) - 8 * pow(0.5, 42.25 / 30)) < 1e-9)

            try await harness.run(ScoresJob(), now: second, params: ["full": "true"])
            let full = try await harness.memberJobContributions()
            let fullScores = try await harness.memberJobScores()
            #expect(Set(incremental.keys) == Set(full.keys))
            for (key, value) in full {
                #expect(incremental[key]?.count == value.count, "\(key)")
                #expect(abs((incremental[key]?.points ?? -1) - value.points) < 1e-9, "\(key)")
            }
            #expect(Set(incrementalScores.keys) == Set(fullScores.keys))
            for (member, score) in fullScores {
                #expect(abs((incrementalScores[member] ?? -1) - score) < 1e-9, "\(member)")
            }
        }
    }

    @Test func anIncrementalRunLeavesAScoreThatDecayedLessThanTheToleranceAlone() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob()]) { harness in
            let now = Self.now
            let steady = try await harness.memberJobMember("steady")
            let active = try await harness.memberJobMember("active")
            try await harness.memberJobEvents([
                .init(member: steady, kind: .purchase, at: Self.daysBefore(now, 3)),
                .init(member: active, kind: .message, at: Self.daysBefore(now, 2)),
            ])
            try await harness.run(ScoresJob(), now: now)
            let first = try await harness.memberJobScores()

            // An hour later `active` shares something; `steady` did nothing.
            let later = now.addingTimeInterval(3_600)
            let shared = later.addingTimeInterval(-60)
            try await harness.memberJobEvents([.init(member: active, kind: .share, at: shared, recordedAt: shared)])
            let written = try await harness.run(ScoresJob(), now: later, lastSuccess: now)
            #expect(written == 2)  // active's score and the day's snapshot
            let incremental = try await harness.memberJobScores()
            #expect(incremental[steady] == first[steady])
            #expect(try await Self.pointsAt(steady, harness) == now)
            #expect(try await Self.pointsAt(active, harness) == later)

            // A full run finds steady's score an hour's decay lower: within the tolerance.
            try await harness.run(ScoresJob(), now: later, params: ["full": "true"])
            let full = try await harness.memberJobScores()
            let drift = (incremental[steady] ?? 0) - (full[steady] ?? 0)
            #expect(drift > 0 && drift < EngagementWeights.standard.scoreTolerance, "drift \(drift)")
            #expect(abs((incremental[active] ?? -1) - (full[active] ?? 0)) < 1e-9)

            // With a tolerance of 0, every decayed score is rewritten on every run.
            try await harness.run(ScoresJob(), now: later, params: ["score_tolerance": "0"])
            let hourAfter = later.addingTimeInterval(3_600)
            #expect(try await harness.run(ScoresJob(), now: hourAfter, lastSuccess: later) == 3)
            #expect(try await Self.pointsAt(steady, harness) == hourAfter)
        }
    }

    static func pointsAt(_ member: MemberID, _ harness: AnalyticsHarness) async throws -> Date? {
        try await harness.pool.withTenant(harness.tenant) { connection in
            try await connection.query(
                "SELECT engagement_points_at FROM members WHERE member_id = \(member.rawValue)"
            )[0].decode(Date?.self, at: 0)
        }
    }

    @Test func aRunsSettingsAreCheckedAndKeptForLaterRuns() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob()]) { harness in
            let now = Self.now
            let buyer = try await harness.memberJobMember("买家")
            try await harness.memberJobEvents([
                .init(member: buyer, kind: .purchase, at: now),
                .init(member: buyer, kind: .purchase, at: Self.daysBefore(now, 15)),
            ])
            let refused = await #expect(throws: DomainError.self) {
                try await harness.run(ScoresJob(), now: now, params: ["weight.purchase": "lots"])
            }
            #expect(refused?.code == .invalidArgument)

            try await harness.run(ScoresJob(), now: now, params: ["weight.purchase": "10"])
            let tuned = try await harness.memberJobContributions()["\(buyer)/purchase"]?.points ?? 0
            #expect(abs(tuned - (10 + 10 * pow(0.5, 0.5))) < 1e-9)

            // A scheduled run (no parameters, incremental) ten days later keeps the tenant's weight.
            try await harness.run(ScoresJob(), now: now.addingTimeInterval(10 * 86_400), lastSuccess: now)
            let kept = try await harness.memberJobContributions()["\(buyer)/purchase"]?.points ?? 0
            #expect(abs(kept - (10 + 10 * pow(0.5, 0.5)) * pow(0.5, 10.0 / 30)) < 1e-9)

            // An empty value goes back to the default.
            try await harness.run(ScoresJob(), now: now, params: ["weight.purchase": ""])
            let reset = try await harness.memberJobContributions()["\(buyer)/purchase"]?.points ?? 0
            #expect(abs(reset - 13.656854249492381) < 1e-9)
        }
    }
}

// MARK: - Fixtures of the member jobs' tests

extension AnalyticsHarness {
    /// One event of a member-job fixture, written as ingest writes it (its key in event_keys, the
    /// row in events) with a chosen recorded_at (default: when it happened), as late imports and
    /// slow commits leave it. Purchases carry 100 yuan.
    struct MemberJobEvent: Sendable {
        var member: MemberID
        var kind: EventKind
        var at: Date
        var recordedAt: Date?
        var community: CommunityID?
        /// The event's properties as a JSON object.
        var properties: String

        init(
            member: MemberID, kind: EventKind, at: Date, recordedAt: Date? = nil, community: CommunityID? = nil,
            properties: String = "{}"
        ) {
            self.member = member
            self.kind = kind
            self.at = at
            self.recordedAt = recordedAt
            self.community = community
            self.properties = properties
        }
    }

    /// A member of the harness's tenant (or `tenant`) in `stage` with a stored `score`.
    func memberJobMember(
        _ name: String, stage: String = "audience", score: Double = 0, deleted: Bool = false, tenant: TenantID? = nil
    ) async throws -> MemberID {
        let tenant = tenant ?? self.tenant
        let id = try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name, lifecycle_stage, engagement_score, deleted_at)
                VALUES (\(tenant.rawValue), \(name), \(stage), \(score), \(deleted ? Date() : nil))
                RETURNING member_id
                """
            )[0].decode(UUID.self, at: 0)
        }
        return MemberID(id)
    }

    func memberJobEvents(_ events: [MemberJobEvent], tenant: TenantID? = nil) async throws {
        let tenant = tenant ?? self.tenant
        try await pool.withTenant(tenant) { connection in
            for event in events {
                let id = UUID()
                let key = "fixture/\(id.uuidString.lowercased())"
                let amount: Int64? = event.kind == .purchase ? 10_000 : nil
                try await connection.query(
                    """
                    WITH key AS (
                        INSERT INTO event_keys (tenant_id, idempotency_key, event_id, occurred_at)
                        VALUES (\(tenant.rawValue), \(key), \(id), \(event.at))
                        RETURNING event_id
                    )
                    INSERT INTO events (tenant_id, event_id, member_id, community_id, kind, occurred_at, amount_fen,
                                        properties, idempotency_key, recorded_at)
                    SELECT \(tenant.rawValue), event_id, \(event.member.rawValue), \(event.community?.rawValue),
                           \(event.kind.rawValue), \(event.at), \(amount), \(PostgresJSONB(text: event.properties)),
                           \(key), \(event.recordedAt ?? event.at)
                    FROM key
                    """)
            }
        }
    }

    /// Merges `merged` into `survivor` as the member service does for the jobs' purposes: the
    /// merge recorded now, the events moved.
    func memberJobMerge(_ merged: MemberID, into survivor: MemberID) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO member_merges (tenant_id, survivor_member_id, merged_member_id)
                VALUES (\(tenant.rawValue), \(survivor.rawValue), \(merged.rawValue))
                """)
            try await connection.query(
                """
                UPDATE members SET merged_into_member_id = \(survivor.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(merged.rawValue)
                """)
            try await connection.query(
                """
                UPDATE events SET member_id = \(survivor.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(merged.rawValue)
                """)
        }
    }

    /// A WeChat group of the harness's tenant (or `tenant`).
    func memberJobCommunity(_ name: String, archived: Bool = false, tenant: TenantID? = nil) async throws
        -> CommunityID
    {
        let tenant = tenant ?? self.tenant
        let id = try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO communities (tenant_id, name, platform, capacity, archived_at)
                VALUES (\(tenant.rawValue), \(name), 'wechat', 500, \(archived ? Date() : nil))
                RETURNING community_id
                """
            )[0].decode(UUID.self, at: 0)
        }
        return CommunityID(id)
    }

    /// Puts `member` in `community` with `status` (a member who left joined and left in 2025),
    /// with a stored social role.
    func memberJobMembership(
        _ member: MemberID, in community: CommunityID, status: String = "active", socialRole: String? = nil,
        tenant: TenantID? = nil
    ) async throws {
        let tenant = tenant ?? self.tenant
        let joined = Date(timeIntervalSince1970: 1_740_000_000)
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO memberships (tenant_id, community_id, member_id, status, social_role, joined_at, left_at)
                VALUES (\(tenant.rawValue), \(community.rawValue), \(member.rawValue), \(status), \(socialRole),
                        \(joined), \(status == "left" ? joined.addingTimeInterval(86_400) : nil))
                """)
        }
    }

    /// Every scored member's contributions by "member/kind", as their reports show them.
    func memberJobContributions(tenant: TenantID? = nil) async throws -> [String: (count: Int64, points: Double)] {
        let tenant = tenant ?? self.tenant
        let members = try await pool.withTenant(tenant) { connection in
            try await connection.query("SELECT member_id FROM members WHERE engagement_points_at IS NOT NULL").map {
                MemberID(try $0.decode(UUID.self, at: 0))
            }
        }
        var contributions: [String: (count: Int64, points: Double)] = [:]
        let until = Date()
        for member in members {
            let report = try await MemberReportStore(pool: pool).report(
                of: member, from: until.addingTimeInterval(-86_400), until: until, tenant: tenant)
            for part in report?.contributions ?? [] {
                contributions["\(member)/\(part.kind.rawValue)"] = (part.eventCount, part.points)
            }
        }
        return contributions
    }

    /// Every member's stored engagement score.
    func memberJobScores(tenant: TenantID? = nil) async throws -> [MemberID: Double] {
        try await pool.withTenant(tenant ?? self.tenant) { connection in
            var scores: [MemberID: Double] = [:]
            for row in try await connection.query("SELECT member_id, engagement_score FROM members") {
                scores[MemberID(try row.decode(UUID.self, at: 0))] = try row.decode(Double.self, at: 1)
            }
            return scores
        }
    }

    /// Every member's stored lifecycle stage and social role.
    func memberJobProfiles(tenant: TenantID? = nil) async throws -> [MemberID: (stage: String, role: String?)] {
        try await pool.withTenant(tenant ?? self.tenant) { connection in
            var profiles: [MemberID: (stage: String, role: String?)] = [:]
            for row in try await connection.query("SELECT member_id, lifecycle_stage, social_role FROM members") {
                let member = MemberID(try row.decode(UUID.self, at: 0))
                let stage = try row.decode(String.self, at: 1)
                let role = try row.decode(String?.self, at: 2)
                profiles[member] = (stage, role)
            }
            return profiles
        }
    }

    /// The ErrorDetail a refused analytics call carried.
    static func memberReportDetail(_ error: RPCError?) -> Hearth_Common_V1_ErrorDetail? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
    }
}
