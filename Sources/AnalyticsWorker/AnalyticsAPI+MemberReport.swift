import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// One member's analytics as the member jobs last stored them.
extension AnalyticsAPI {
    /// The member's engagement score with what it is made of, their lifecycle stage and moves,
    /// their social role per group, and their events per day over the period (default: the last
    /// 90 days; at most 366). NOT_FOUND when the caller's tenant has no such member;
    /// FAILED_PRECONDITION "report_not_ready" until the scores job has run. RFM and churn are left
    /// unset: this report does not read the rfm and churn jobs' tables yet.
    public func getMemberReport(request: Hearth_Analytics_V1_GetMemberReportRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Analytics_V1_GetMemberReportResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let member = try MemberReportMessages.memberID(request.memberID)
            let period = try MemberReportMessages.period(request, now: Date())
            guard
                let report = try await MemberReportStore(pool: pool).report(
                    of: member, from: period.from, until: period.until, tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no member \(member) in this tenant")
            }
            guard let scoredAt = report.scoredAt else {
                throw Self.reportNotReady("the member report", job: "scores")
            }
            var response = Hearth_Analytics_V1_GetMemberReportResponse()
            response.report = MemberReportMessages.report(
                report, scoredAt: scoredAt, from: period.from, until: period.until)
            return response
        }
    }
}
