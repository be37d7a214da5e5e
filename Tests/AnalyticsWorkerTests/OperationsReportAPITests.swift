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

/// The reason and metadata of the ErrorDetail a failed call carried.
private func opsErrorDetail(_ error: RPCError?) -> Hearth_Common_V1_ErrorDetail? {
    guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
        return nil
    }
    return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
}

/// A period request field from two instants.
private func opsRange(_ start: Date, _ end: Date) -> Hearth_Common_V1_TimeRange {
    var range = Hearth_Common_V1_TimeRange()
    range.start = Google_Protobuf_Timestamp(date: start)
    range.end = Google_Protobuf_Timestamp(date: end)
    return range
}

@Suite("analytics-worker: community health, campaign and overview reports over the wire")
struct OperationsReportAPITests {
    static let dayNineEvening = AnalyticsHarness.opsDay(9, hour: 23)

    @Test func reportsAreNotReadyBeforeTheirJobsRun() async throws {
        try await AnalyticsHarness.with { harness in
            let health = try await harness.opsSeedHealthFixture()
            let campaign = try await harness.opsSeedCampaignFixture()
            try await harness.withClient(role: .viewer) { client in
                var community = Hearth_Analytics_V1_GetCommunityHealthRequest()
                community.communityID = health.lively.uuidString.lowercased()
                let notJudged = await #expect(throws: RPCError.self) { try await client.getCommunityHealth(community) }
                #expect(notJudged?.code == .failedPrecondition)
                #expect(opsErrorDetail(notJudged)?.reason == "report_not_ready")
                #expect(opsErrorDetail(notJudged)?.metadata["job_name"] == "community_health")

                var report = Hearth_Analytics_V1_GetCampaignReportRequest()
                report.campaignID = campaign.campaign.uuidString.lowercased()
                let notReported = await #expect(throws: RPCError.self) { try await client.getCampaignReport(report) }
                #expect(notReported?.code == .failedPrecondition)
                #expect(opsErrorDetail(notReported)?.metadata["job_name"] == "campaign_reports")

                let overview = await #expect(throws: RPCError.self) {
                    try await client.getOverview(Hearth_Analytics_V1_GetOverviewRequest())
                }
                #expect(opsErrorDetail(overview)?.reason == "report_not_ready")

                let list = try await client.listCommunityHealth(Hearth_Analytics_V1_ListCommunityHealthRequest())
                #expect(list.communities.isEmpty)
            }
        }
    }

    @Test func communityHealthIsServedAsStored() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            try await harness.opsSQL(
                """
                UPDATE memberships SET social_role = 'thinker'
                WHERE tenant_id = \(harness.tenant.rawValue) AND community_id = \(fixture.lively)
                  AND member_id = \(fixture.members[2])
                """)
            try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            try await harness.withClient(role: .viewer) { client in
                var request = Hearth_Analytics_V1_GetCommunityHealthRequest()
                request.communityID = fixture.lively.uuidString.lowercased()
                request.period = opsRange(AnalyticsHarness.opsDay(0, hour: 0), AnalyticsHarness.opsDay(10, hour: 0))
                let report = try await client.getCommunityHealth(request).report
                #expect(report.name == "成都药师交流群")
                #expect(report.healthScore == 50.6)
                #expect(report.memberCount == 9)
                #expect(report.capacity == 10)
                #expect(report.fillRatio == 0.9)
                #expect(report.days.count == 10)
                #expect(report.days.map(\.activeMembers) == [8, 6, 3, 3, 6, 5, 4, 3, 2, 1])
                #expect(report.days.map(\.joins) == [8, 2, 0, 0, 0, 0, 0, 0, 0, 0])
                #expect(report.days.map(\.leaves) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
                #expect(report.days.map(\.messages) == [0, 4, 2, 3, 6, 5, 4, 3, 2, 3])
                let firstDay = report.days[0].date
                #expect([firstDay.year, firstDay.month, firstDay.day] == [2026, 3, 1])
                #expect(report.days[9].lurkerShare == 2.0 / 9)
                #expect(report.days[9].healthScore == 50.6)
                #expect(report.warnings.map(\.kind) == [.activityDeclining, .noNewMembers, .nearCapacity])
                #expect(report.warnings[2].suggestion == "replicate: 9 of 10 seats taken")
                #expect(report.warnings[2].since.date == AnalyticsHarness.opsDay(1, hour: 0))
                #expect(report.info.computedAt.date == Self.dayNineEvening)
                let thinkers = report.socialRoles.first { $0.role == .thinker }
                #expect(thinkers?.count == 1)
                #expect(report.socialRoles.count == 6)

                // A shorter period: the days in it, the latest warnings all the same.
                request.period = opsRange(AnalyticsHarness.opsDay(5, hour: 0), AnalyticsHarness.opsDay(8, hour: 0))
                let recent = try await client.getCommunityHealth(request).report
                #expect(recent.days.map(\.activeMembers) == [5, 4, 3])
                #expect(recent.warnings.count == 3)

                request.communityID = "not-a-group"
                let malformed = await #expect(throws: RPCError.self) { try await client.getCommunityHealth(request) }
                #expect(malformed?.code == .invalidArgument)
                #expect(opsErrorDetail(malformed)?.reason == "invalid_id")
                request.communityID = UUID().uuidString.lowercased()
                let unknown = await #expect(throws: RPCError.self) { try await client.getCommunityHealth(request) }
                #expect(unknown?.code == .notFound)
                request.communityID = fixture.lively.uuidString.lowercased()
                request.period = opsRange(AnalyticsHarness.opsDay(8, hour: 0), AnalyticsHarness.opsDay(5, hour: 0))
                let reversed = await #expect(throws: RPCError.self) { try await client.getCommunityHealth(request) }
                #expect(reversed?.code == .invalidArgument)
            }
        }
    }

    @Test func groupsAreListedLeastHealthyFirstAndPaged() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)
            try await harness.withClient(role: .viewer) { client in
                let all = try await client.listCommunityHealth(Hearth_Analytics_V1_ListCommunityHealthRequest())
                let ids = [fixture.lively, fixture.quiet].map { $0.uuidString.lowercased() }
                #expect(all.communities.map(\.communityID) == ids)
                #expect(all.communities.map(\.healthScore) == [50.6, 70])
                #expect(all.communities[0].warnings == [.activityDeclining, .noNewMembers, .nearCapacity])
                #expect(all.communities[0].platform == .wechat)
                #expect(all.communities[0].activeMembers == 1)
                #expect(all.communities[1].memberCount == 4)
                #expect(all.page.nextCursor.isEmpty)

                var filtered = Hearth_Analytics_V1_ListCommunityHealthRequest()
                filtered.warnings = [.noStaffActivity]
                let unstaffed = try await client.listCommunityHealth(filtered)
                #expect(unstaffed.communities.map(\.communityID) == [fixture.quiet.uuidString.lowercased()])

                var paged = Hearth_Analytics_V1_ListCommunityHealthRequest()
                paged.page.pageSize = 1
                let first = try await client.listCommunityHealth(paged)
                #expect(first.communities.map(\.communityID) == [fixture.lively.uuidString.lowercased()])
                #expect(!first.page.nextCursor.isEmpty)
                paged.page.cursor = first.page.nextCursor
                let second = try await client.listCommunityHealth(paged)
                #expect(second.communities.map(\.communityID) == [fixture.quiet.uuidString.lowercased()])
                #expect(second.page.nextCursor.isEmpty)

                var unspecified = Hearth_Analytics_V1_ListCommunityHealthRequest()
                unspecified.warnings = [.unspecified]
                let refused = await #expect(throws: RPCError.self) { try await client.listCommunityHealth(unspecified) }
                #expect(refused?.code == .invalidArgument)
            }

            // Another tenant sees none of it.
            let other = try await harness.otherTenant()
            try await harness.withClient(tenant: other, role: .viewer) { client in
                var request = Hearth_Analytics_V1_GetCommunityHealthRequest()
                request.communityID = fixture.lively.uuidString.lowercased()
                let hidden = await #expect(throws: RPCError.self) { try await client.getCommunityHealth(request) }
                #expect(hidden?.code == .notFound)
                let list = try await client.listCommunityHealth(Hearth_Analytics_V1_ListCommunityHealthRequest())
                #expect(list.communities.isEmpty)
            }
        }
    }

    @Test func campaignReportsAreServedWholeOrPerOccurrence() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedCampaignFixture()
            try await harness.run(CampaignReportsJob(), now: AnalyticsHarness.opsReportTime)
            try await harness.withClient(role: .viewer) { client in
                var request = Hearth_Analytics_V1_GetCampaignReportRequest()
                request.campaignID = fixture.campaign.uuidString.lowercased()
                let report = try await client.getCampaignReport(request).report
                #expect(report.campaignID == request.campaignID)
                #expect(report.campaignName == "周四会员日")
                let agentNames = Set(report.agents.map { $0.agentName })
                #expect(agentNames == ["agent-one", "agent-two"])
                #expect(report.occurrenceID.isEmpty)
                let funnel = report.funnel
                #expect(
                    [
                        funnel.targeted, funnel.delivered, funnel.suppressed, funnel.failed, funnel.joined,
                        funnel.participated, funnel.converted, funnel.revenueFen,
                    ] == [8, 3, 3, 1, 2, 4, 3, 10_000_000])
                // Most frequent reason first.
                #expect(funnel.suppressedByReason.map(\.reason) == [.frequencyCap, .noConsent])
                #expect(funnel.suppressedByReason.map(\.count) == [2, 1])
                #expect(report.pacing.hasGoalRevenueFen)
                #expect(report.pacing.goalRevenueFen == 30_000_000)
                #expect(report.pacing.expectedRevenueFen == 12_000_000)
                #expect(report.pacing.projectedRevenueFen == 25_000_000)
                #expect(report.pacing.goalParticipants == 100)
                #expect(report.pacing.participants == 5)
                #expect(report.pacing.projectedParticipants == 13)
                #expect(report.pacing.elapsedFraction == 0.4)
                #expect(!report.pacing.onTrack)
                let occurrenceIDs = fixture.occurrences.map { $0.uuidString.lowercased() }
                #expect(report.occurrences.map(\.occurrenceID) == occurrenceIDs)
                #expect(report.occurrences.map(\.funnel.converted) == [1, 2, 0])
                #expect(report.occurrences[1].startsAt.date == AnalyticsHarness.opsCampaignDay(8, hour: 12))
                #expect(report.agents.count == 2)
                #expect(report.agents.map(\.assigned).sorted() == [2, 3])
                #expect(report.referralTree.size == 4)
                #expect(report.referralTree.membersPerLevel == [1, 2, 1])
                #expect(report.info.computedAt.date == AnalyticsHarness.opsReportTime)
                #expect(report.info.period.start.date == AnalyticsHarness.opsCampaignDay(0, hour: 0))
                #expect(report.info.period.end.date == AnalyticsHarness.opsCampaignDay(30, hour: 0))

                request.occurrenceID = fixture.occurrences[1].uuidString.lowercased()
                let second = try await client.getCampaignReport(request).report
                #expect(second.occurrenceID == request.occurrenceID)
                #expect(second.occurrences.isEmpty)
                #expect(
                    [
                        second.funnel.targeted, second.funnel.delivered, second.funnel.suppressed, second.funnel.joined,
                        second.funnel.participated, second.funnel.converted, second.funnel.revenueFen,
                    ]
                        == [3, 1, 2, 1, 2, 2, 5_000_000])
                #expect(second.pacing.revenueFen == 10_000_000)

                request.occurrenceID = UUID().uuidString.lowercased()
                let strange = await #expect(throws: RPCError.self) { try await client.getCampaignReport(request) }
                #expect(strange?.code == .notFound)
                request.occurrenceID = "soon"
                let malformed = await #expect(throws: RPCError.self) { try await client.getCampaignReport(request) }
                #expect(malformed?.code == .invalidArgument)

                var draft = Hearth_Analytics_V1_GetCampaignReportRequest()
                draft.campaignID = fixture.draft.uuidString.lowercased()
                let notReported = await #expect(throws: RPCError.self) { try await client.getCampaignReport(draft) }
                #expect(opsErrorDetail(notReported)?.reason == "report_not_ready")
            }

            let other = try await harness.otherTenant()
            try await harness.withClient(tenant: other, role: .viewer) { client in
                var request = Hearth_Analytics_V1_GetCampaignReportRequest()
                request.campaignID = fixture.campaign.uuidString.lowercased()
                let hidden = await #expect(throws: RPCError.self) { try await client.getCampaignReport(request) }
                #expect(hidden?.code == .notFound)
            }
        }
    }

    @Test func theOverviewAddsLiveCountsToWhatJobsStored() async throws {
        try await AnalyticsHarness.with { harness in
            let fixture = try await harness.opsSeedHealthFixture()
            let t = harness.tenant.rawValue
            let m = fixture.members
            // Two members created in the period; stages, roles and scores as the other jobs would set them.
            for name in ["new one", "new two"] {
                _ = try await harness.opsMember(name, createdAt: AnalyticsHarness.opsDay(3))
            }
            try await harness.opsSQL(
                """
                UPDATE members SET lifecycle_stage = 'fan', social_role = 'organizer', engagement_score = 55
                WHERE tenant_id = \(t) AND member_id = \(m[1])
                """)
            try await harness.opsSQL(
                """
                UPDATE members SET lifecycle_stage = 'user', engagement_score = 100
                WHERE tenant_id = \(t) AND member_id = \(m[2])
                """)
            // m1 buys twice, m3 once, m2's order is refunded; m4 bought only before the period.
            let orders: [(String, UUID?, Int64, Date, Date?)] = [
                ("o-1", m[1], 1_000, AnalyticsHarness.opsDay(2), nil),
                ("o-2", m[1], 2_000, AnalyticsHarness.opsDay(4), nil),
                ("o-3", m[3], 300, AnalyticsHarness.opsDay(6), nil),
                ("o-4", m[2], 500, AnalyticsHarness.opsDay(5), AnalyticsHarness.opsDay(6)),
                ("o-5", m[4], 700, AnalyticsHarness.opsDay(-5), nil),
            ]
            for (order, member, fen, at, refunded) in orders {
                try await harness.opsSQL(
                    """
                    INSERT INTO conversions (tenant_id, order_id, member_id, amount_fen, occurred_at, refunded_at,
                                             attribution)
                    VALUES (\(t), \(order), \(member), \(fen), \(at), \(refunded), 'none')
                    """)
            }
            try await harness.opsSQL(
                "INSERT INTO campaigns (tenant_id, name, kind, status) VALUES (\(t), 'Live now', 'lottery', 'running')")
            // One lifecycle move in the period, one before it.
            try await harness.opsSQL(
                """
                INSERT INTO lifecycle_moves (tenant_id, member_id, from_stage, to_stage, reason, moved_at)
                VALUES (\(t), \(m[1]), 'user', 'fan', 'repeat_purchase', \(AnalyticsHarness.opsDay(4))),
                       (\(t), \(m[2]), 'audience', 'user', 'first_purchase', \(AnalyticsHarness.opsDay(-3)))
                """)
            try await harness.run(CommunityHealthJob(), now: Self.dayNineEvening)

            try await harness.withClient(role: .viewer) { client in
                var request = Hearth_Analytics_V1_GetOverviewRequest()
                request.period = opsRange(AnalyticsHarness.opsDay(0, hour: 0), AnalyticsHarness.opsDay(10, hour: 0))
                let report = try await client.getOverview(request).report
                #expect(report.memberCount == 16)
                #expect(report.newMembers == 2)
                // m1–m10 in the lively group, m13 and m14 in the quiet one.
                #expect(report.activeMembers == 12)
                #expect(report.activeMembersTrend.map(\.value) == [9, 7, 4, 4, 7, 6, 5, 4, 4, 2])
                #expect(report.activeMembersTrend.first?.date.day == 1)
                #expect(report.revenueFen == 3_300)
                #expect(report.orderCount == 3)
                #expect(report.revenueFenTrend.map(\.value) == [0, 0, 1_000, 0, 2_000, 0, 300, 0, 0, 0])
                // m1 and m3 bought; m1 twice.
                #expect(report.repurchaseRate == 0.5)
                #expect(report.communityCount == 2)
                #expect(report.communitiesWithWarnings == 2)
                #expect(report.runningCampaigns == 1)
                let stages = Dictionary(uniqueKeysWithValues: report.lifecycleStages.map { ($0.stage, $0.count) })
                #expect(stages == [.audience: 14, .user: 1, .fan: 1, .community: 0, .lapsed: 0])
                #expect(report.lifecycleMoves.count == 1)
                #expect(report.lifecycleMoves.first?.from == .user)
                #expect(report.lifecycleMoves.first?.to == .fan)
                #expect(report.lifecycleMoves.first?.count == 1)
                #expect(report.socialRoles.first { $0.role == .organizer }?.count == 1)
                #expect(report.engagementHistogram.map(\.count) == [14, 0, 0, 0, 0, 1, 0, 0, 0, 1])
                #expect(report.info.computedAt.date == Self.dayNineEvening)
            }
        }
    }

    @Test func aTokenFromAnotherSecretIsRefused() async throws {
        // Every report RPC is open to viewers, the lowest role; what is refused is a caller the
        // worker cannot verify.
        try await AnalyticsHarness.with { harness in
            let forged = AccessToken(
                tenant: harness.tenant.description, operatorID: "op-test", role: AccessRole.admin.rawValue,
                expiresAt: Int64(Date().timeIntervalSince1970) + 3600
            ).signed(with: try AccessTokenSecret(String(repeating: "b", count: 48)))
            let refused = await #expect(throws: RPCError.self) {
                try await withGRPCClient(
                    transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: harness.port)]),
                    interceptors: [BearerTokenInterceptor(token: forged)]
                ) { client in
                    try await Hearth_Analytics_V1_AnalyticsService.Client(wrapping: client).getOverview(
                        Hearth_Analytics_V1_GetOverviewRequest())
                }
            }
            #expect(refused?.code == .unauthenticated)
        }
    }
}
