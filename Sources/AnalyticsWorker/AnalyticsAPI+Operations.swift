import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// The operations reports: community health, campaign reports and the tenant overview, read as the
/// community_health and campaign_reports jobs last stored them (plus cheap live counts in the
/// overview).
extension AnalyticsAPI {
    /// FAILED_PRECONDITION "report_not_ready" (job_name community_health) while the tenant has
    /// groups none of which was judged yet; INVALID_ARGUMENT for a reversed or over-long period.
    public func getOverview(request: Hearth_Analytics_V1_GetOverviewRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Analytics_V1_GetOverviewResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let period = try OperationsReportMessages.period(
                request.hasPeriod ? request.period : nil, defaultDays: 30, now: Date())
            guard
                let overview = try await OperationsReportStore(pool: pool).overview(
                    from: period.start, to: period.end, tenant: caller.tenant)
            else {
                throw Self.reportNotReady("the overview's community health", job: "community_health")
            }
            var response = Hearth_Analytics_V1_GetOverviewResponse()
            response.report = OperationsReportMessages.overview(overview, start: period.start, end: period.end)
            return response
        }
    }

    /// NOT_FOUND for a group not in the tenant; FAILED_PRECONDITION "report_not_ready" (job_name
    /// community_health) before its first day was computed.
    public func getCommunityHealth(
        request: Hearth_Analytics_V1_GetCommunityHealthRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_GetCommunityHealthResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let community: CommunityID = try OperationsReportMessages.id(
                request.communityID, field: "community_id", what: "community")
            let period = try OperationsReportMessages.period(
                request.hasPeriod ? request.period : nil, defaultDays: 30, now: Date())
            guard
                let figures = try await OperationsReportStore(pool: pool).communityHealth(
                    community, from: period.start, to: period.end, tenant: caller.tenant)
            else {
                throw Self.reportNotReady("the health of community \(community)", job: "community_health")
            }
            var response = Hearth_Analytics_V1_GetCommunityHealthResponse()
            response.report = OperationsReportMessages.communityHealth(figures, start: period.start, end: period.end)
            return response
        }
    }

    /// Groups never judged are left out (an empty list before the first run).
    public func listCommunityHealth(
        request: Hearth_Analytics_V1_ListCommunityHealthRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_ListCommunityHealthResponse {
        try await handle {
            let caller = try RPCCaller.current()
            var warnings: [CommunityHealthRules.WarningKind] = []
            for (index, kind) in request.warnings.enumerated() {
                warnings.append(try OperationsReportMessages.warningKind(kind, field: "warnings[\(index)]"))
            }
            // The score rides in the cursor's time slot: seconds since 1970 are the score.
            let after = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListCommunityHealth").map {
                (score: $0.0.timeIntervalSince1970, community: CommunityID($0.1[0]))
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let summaries = try await OperationsReportStore(pool: pool).communityHealthSummaries(
                warnings: warnings, after: after, limit: pageSize + 1, tenant: caller.tenant)
            var response = Hearth_Analytics_V1_ListCommunityHealthResponse()
            response.communities = summaries.prefix(pageSize).map(OperationsReportMessages.summary)
            if summaries.count > pageSize, let last = summaries.prefix(pageSize).last {
                response.page.nextCursor = PageCursor.encode(
                    Date(timeIntervalSince1970: last.score), last.communityID.description)
            }
            return response
        }
    }

    /// NOT_FOUND for a campaign not in the tenant or an occurrence not of it; FAILED_PRECONDITION
    /// "report_not_ready" (job_name campaign_reports) before the campaign (or that occurrence) was
    /// reported.
    public func getCampaignReport(
        request: Hearth_Analytics_V1_GetCampaignReportRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_GetCampaignReportResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign: CampaignID = try OperationsReportMessages.id(
                request.campaignID, field: "campaign_id", what: "campaign")
            let occurrence = try OperationsReportMessages.occurrenceID(request.occurrenceID)
            guard
                let record = try await OperationsReportStore(pool: pool).campaignReport(
                    campaign, occurrence: occurrence, tenant: caller.tenant),
                let report = OperationsReportMessages.campaignReport(record, occurrence: occurrence)
            else {
                throw Self.reportNotReady("the report of campaign \(campaign)", job: "campaign_reports")
            }
            var response = Hearth_Analytics_V1_GetCampaignReportResponse()
            response.report = report
            return response
        }
    }
}
