import AnalyticsWorker
import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("GetMemberReport: one member's analytics over the wire")
struct MemberReportAPITests {
    /// 2026-03-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_323_200)
    /// 2026-02-26 00:00 to 2026-03-02 00:00 in Asia/Shanghai, the tenant's time zone.
    static let periodStart = Date(timeIntervalSince1970: 1_772_035_200)
    static let periodEnd = Date(timeIntervalSince1970: 1_772_380_800)

    static func request(
        _ member: String, from: Date = MemberReportAPITests.periodStart, until: Date = MemberReportAPITests.periodEnd
    )
        -> Hearth_Analytics_V1_GetMemberReportRequest
    {
        var request = Hearth_Analytics_V1_GetMemberReportRequest()
        request.memberID = member
        request.period.start = Google_Protobuf_Timestamp(date: from)
        request.period.end = Google_Protobuf_Timestamp(date: until)
        return request
    }

    @Test func aMembersReportShowsWhatTheJobsStored() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob(), LifecycleJob(), SocialRolesJob()]) { harness in
            let member = try await harness.memberJobMember("王芳")
            let quiet = try await harness.memberJobMember("潜水")
            let club = try await harness.memberJobCommunity("读书会")
            try await harness.memberJobMembership(member, in: club)
            try await harness.memberJobMembership(quiet, in: club)
            let short = #"{"length": 5}"#
            try await harness.memberJobEvents([
                // 2026-03-01 04:00 in Shanghai, four hours before the run: 8 × 2^(−4/720).
                .init(member: member, kind: .purchase, at: Date(timeIntervalSince1970: 1_772_308_800)),
                // Fifteen days before: 8 × 2^(−1/2); outside the activity period.
                .init(member: member, kind: .purchase, at: Self.now.addingTimeInterval(-15 * 86_400)),
                // 2026-02-26 09:00, 10:00 and 11:00 in Shanghai: 2^(−71/720) + 2^(−70/720) + 2^(−69/720).
                .init(
                    member: member, kind: .message, at: Date(timeIntervalSince1970: 1_772_067_600), community: club,
                    properties: short),
                .init(
                    member: member, kind: .message, at: Date(timeIntervalSince1970: 1_772_071_200), community: club,
                    properties: short),
                .init(
                    member: member, kind: .message, at: Date(timeIntervalSince1970: 1_772_074_800), community: club,
                    properties: short),
            ])

            try await harness.withClient(role: .viewer) { client in
                // Before the scores job has run there is no report.
                let early = await #expect(throws: RPCError.self) {
                    try await client.getMemberReport(Self.request(member.description))
                }
                #expect(early?.code == .failedPrecondition)
                #expect(AnalyticsHarness.memberReportDetail(early)?.reason == "report_not_ready")
                #expect(AnalyticsHarness.memberReportDetail(early)?.metadata["job_name"] == "scores")
            }

            try await harness.run(ScoresJob(), now: Self.now)
            try await harness.run(LifecycleJob(), now: Self.now)
            try await harness.run(SocialRolesJob(), now: Self.now)

            let report = try await harness.withClient(role: .viewer) { client in
                try await client.getMemberReport(Self.request(member.description)).report
            }
            #expect(report.memberID == member.description)
            #expect(report.info.computedAt.date == Self.now)
            #expect(report.info.period.start.date == Self.periodStart)
            #expect(report.info.period.end.date == Self.periodEnd)
            // 100 × (1 − exp(−(13.626106947256982 + 2.8044944426475427) / 50))
            #expect(abs(report.engagementScore - 28.00777275989158) < 1e-6)
            #expect(report.contributions.map(\.kind) == [.purchase, .message])
            #expect(report.contributions.map(\.eventCount) == [2, 3])
            #expect(abs((report.contributions.first?.points ?? 0) - 13.626106947256982) < 1e-6)
            #expect(abs((report.contributions.last?.points ?? 0) - 2.8044944426475427) < 1e-6)
            #expect(report.lifecycleStage == .community)
            #expect(report.lifecycleMoves.count == 1)
            #expect(report.lifecycleMoves.first?.from == .audience)
            #expect(report.lifecycleMoves.first?.to == .community)
            #expect(report.lifecycleMoves.first?.reason == "active_membership")
            #expect(report.lifecycleMoves.first?.movedAt.date == Self.now)
            #expect(report.communityRoles.map(\.communityID) == [club.description])
            #expect(report.communityRoles.map(\.role) == [.energizer])
            #expect(
                report.activityTrend.map { "\($0.date.year)-\($0.date.month)-\($0.date.day)" }
                    == ["2026-2-26", "2026-2-27", "2026-2-28", "2026-3-1"])
            #expect(report.activityTrend.map(\.value) == [3, 0, 0, 1])
            #expect(report.hasRfm == false)
            #expect(report.hasChurnRisk == false)
        }
    }

    @Test func unknownMembersBadIdsAndBadPeriodsAreRefused() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob()]) { harness in
            let other = try await harness.otherTenant()
            let foreign = try await harness.memberJobMember("别家", tenant: other)
            try await harness.run(ScoresJob(), now: Self.now)
            try await harness.run(ScoresJob(), now: Self.now, tenant: other)
            try await harness.withClient { client in
                for id in [UUID().uuidString.lowercased(), foreign.description] {
                    let missing = await #expect(throws: RPCError.self) {
                        try await client.getMemberReport(Self.request(id))
                    }
                    #expect(missing?.code == .notFound, "\(id)")
                }

                let malformed = await #expect(throws: RPCError.self) {
                    try await client.getMemberReport(Self.request("王芳"))
                }
                #expect(malformed?.code == .invalidArgument)
                #expect(AnalyticsHarness.memberReportDetail(malformed)?.reason == "invalid_id")
                #expect(AnalyticsHarness.memberReportDetail(malformed)?.fieldViolations.map(\.field) == ["member_id"])

                let member = try await harness.memberJobMember("李雷")
                for (from, until) in [
                    (Self.periodEnd, Self.periodStart),
                    (Self.periodStart, Self.periodStart.addingTimeInterval(367 * 86_400)),
                ] {
                    let reversed = await #expect(throws: RPCError.self) {
                        try await client.getMemberReport(Self.request(member.description, from: from, until: until))
                    }
                    #expect(reversed?.code == .invalidArgument)
                    #expect(AnalyticsHarness.memberReportDetail(reversed)?.reason == "period_invalid")
                }

                // Without a period: the last 90 days, one value per day.
                var unbounded = Hearth_Analytics_V1_GetMemberReportRequest()
                unbounded.memberID = member.description
                let trend = try await client.getMemberReport(unbounded).report.activityTrend
                #expect((90...91).contains(trend.count))
                #expect(trend.allSatisfy { $0.value == 0 })
            }
            // The member's own tenant sees them.
            let own = try await harness.withClient(tenant: other, role: .viewer) { client in
                try await client.getMemberReport(Self.request(foreign.description)).report.memberID
            }
            #expect(own == foreign.description)
        }
    }

    @Test func aViewerReadsReportsButCannotRunTheJobs() async throws {
        try await AnalyticsHarness.with(jobs: [ScoresJob(), LifecycleJob(), SocialRolesJob()]) { harness in
            try await harness.withClient(role: .viewer) { client in
                var run = Hearth_Analytics_V1_RunJobRequest()
                run.jobName = "scores"
                let refused = await #expect(throws: RPCError.self) { try await client.runJob(run) }
                #expect(refused?.code == .permissionDenied)
            }
            let queued = try await harness.withClient(role: .operator) { client in
                var run = Hearth_Analytics_V1_RunJobRequest()
                run.jobName = "social_roles"
                return try await client.runJob(run).run.jobName
            }
            #expect(queued == "social_roles")
        }
    }
}
