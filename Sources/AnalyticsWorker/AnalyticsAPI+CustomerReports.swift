import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// The customer reports: RFM segments, the churn-risk (reactivation) list, cohort retention and
/// the repurchase rate, as the "rfm", "churn" and "retention" jobs last stored them. A report never
/// computed is FAILED_PRECONDITION "report_not_ready" naming its job.
extension AnalyticsAPI {
    public func getRfmReport(
        request: Hearth_Analytics_V1_GetRfmReportRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_GetRfmReportResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard let snapshot = try await CustomerReportStore(pool: pool).latestRfm(tenant: caller.tenant) else {
                throw Self.reportNotReady("the RFM report", job: "rfm")
            }
            var response = Hearth_Analytics_V1_GetRfmReportResponse()
            response.report = CustomerReportMessages.rfmReport(snapshot)
            return response
        }
    }

    /// Streams the candidates in batches of up to 1,000, ranked 1, 2, … in the order written
    /// (highest risk, then highest total spend, then member id). Members with risk 0 are never listed.
    public func streamChurnRisk(
        request: Hearth_Analytics_V1_StreamChurnRiskRequest,
        response: GRPCCore.RPCWriter<Hearth_Analytics_V1_StreamChurnRiskResponse>, context: GRPCCore.ServerContext
    ) async throws {
        try await handle {
            let caller = try RPCCaller.current()
            let filter = try CustomerReportMessages.churnFilter(request)
            let store = CustomerReportStore(pool: pool)
            guard try await store.churnComputedAt(tenant: caller.tenant) != nil else {
                throw Self.reportNotReady("the churn-risk list", job: "churn")
            }
            var ranked: Int64 = 0
            try await store.forEachChurnBatch(
                filter, tenant: caller.tenant, batchSize: CustomerReportMessages.churnBatchSize
            ) { batch in
                var message = Hearth_Analytics_V1_StreamChurnRiskResponse()
                message.candidates = batch.enumerated().map { offset, record in
                    CustomerReportMessages.candidate(record, rank: ranked + Int64(offset) + 1)
                }
                ranked += Int64(batch.count)
                try await response.write(message)
            }
        }
    }

    public func getRetentionCohorts(
        request: Hearth_Analytics_V1_GetRetentionCohortsRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_GetRetentionCohortsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let basis = try CustomerReportMessages.cohortBasis(request.basis)
            let months = try CustomerReportMessages.cohortMonths(request.months)
            guard
                let snapshot = try await CustomerReportStore(pool: pool).latestCohorts(basis, tenant: caller.tenant),
                let current = CustomerReportStore.calendarDate(snapshot.body.currentMonth)
            else {
                throw Self.reportNotReady("the cohort retention report", job: "retention")
            }
            let first = try CustomerReportMessages.firstCohortMonth(
                request, current: CohortRules.monthIndex(year: current.year, month: current.month))
            var response = Hearth_Analytics_V1_GetRetentionCohortsResponse()
            response.report = CustomerReportMessages.retentionReport(snapshot, from: first, months: months)
            return response
        }
    }

    /// The last 12 months as the scheduled run computed them, or exactly the period asked for when an
    /// on-demand run of the retention job computed it (params `repurchase_start`, `repurchase_end`).
    public func getRepurchaseRate(
        request: Hearth_Analytics_V1_GetRepurchaseRateRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Analytics_V1_GetRepurchaseRateResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let store = CustomerReportStore(pool: pool)
            let snapshot: CustomerReportSnapshot<RepurchaseBody>
            if let period = try CustomerReportMessages.repurchasePeriod(request) {
                guard let stored = try await store.repurchase(from: period.start, to: period.end, tenant: caller.tenant)
                else {
                    let start = period.start.formatted(.iso8601)
                    let end = period.end.formatted(.iso8601)
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "the repurchase rate of \(start) to \(end) has not been computed; run the retention "
                            + "job with params {\"repurchase_start\": \"\(start)\", \"repurchase_end\": \"\(end)\"}",
                        reason: "report_not_ready", facts: ["job_name": "retention"])
                }
                snapshot = stored
            } else {
                guard let stored = try await store.latestRepurchase(tenant: caller.tenant) else {
                    throw Self.reportNotReady("the repurchase rate", job: "retention")
                }
                snapshot = stored
            }
            var response = Hearth_Analytics_V1_GetRepurchaseRateResponse()
            response.report = CustomerReportMessages.repurchaseReport(snapshot)
            return response
        }
    }
}
