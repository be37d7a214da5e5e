import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the RFM, churn, retention and repurchase messages and what the jobs stored.
///
/// Problems with a request are INVALID_ARGUMENT naming the field, with reason `out_of_range` (a
/// number outside its range), `invalid_enum` (an UNSPECIFIED or unknown enumeration value where one
/// is needed) or `invalid_period`.
enum CustomerReportMessages {
    /// Candidates per StreamChurnRisk message.
    static let churnBatchSize = 1_000

    // MARK: Requests

    static func churnFilter(_ request: Hearth_Analytics_V1_StreamChurnRiskRequest) throws(RPCError)
        -> ChurnCandidateFilter
    {
        guard request.minRisk.isFinite, (0...1).contains(request.minRisk) else {
            throw RPCError(
                code: .invalidArgument, message: "min_risk must be from 0 to 1, not \(request.minRisk)",
                reason: "out_of_range", fields: ["min_risk": "must be from 0 to 1"])
        }
        guard request.limit >= 0 else {
            throw RPCError(
                code: .invalidArgument, message: "limit must be 0 (all) or more, not \(request.limit)",
                reason: "out_of_range", fields: ["limit": "must be 0 or more"])
        }
        var stages: [LifecycleStage] = []
        for (index, stage) in request.lifecycleStages.enumerated() {
            guard let known = lifecycleStage(stage) else {
                throw RPCError(
                    code: .invalidArgument, message: "lifecycle_stages[\(index)] is not a lifecycle stage",
                    reason: "invalid_enum", fields: ["lifecycle_stages[\(index)]": "unspecified or unknown"])
            }
            stages.append(known)
        }
        let consent: ConsentChannel?
        switch request.consentChannel {
        case .unspecified: consent = nil
        case .sms: consent = .sms
        case .im: consent = .im
        case .phone: consent = .phone
        case .UNRECOGNIZED(let value):
            throw RPCError(
                code: .invalidArgument, message: "consent_channel \(value) is not a consent channel",
                reason: "invalid_enum", fields: ["consent_channel": "unknown"])
        }
        return ChurnCandidateFilter(
            minimumRisk: request.minRisk, limit: request.limit == 0 ? nil : Int(clamping: request.limit),
            stages: stages, consent: consent)
    }

    static func cohortBasis(_ basis: Hearth_Analytics_V1_CohortBasis) throws(RPCError) -> CohortBasis {
        switch basis {
        case .unspecified, .firstPurchase: return .firstPurchase
        case .join: return .join
        case .UNRECOGNIZED(let value):
            throw RPCError(
                code: .invalidArgument, message: "basis \(value) is not a cohort basis",
                reason: "invalid_enum", fields: ["basis": "unknown"])
        }
    }

    /// The months a retention request follows (``CohortRules/months(requested:)``).
    static func cohortMonths(_ requested: Int32) throws(RPCError) -> Int {
        do throws(DomainError) {
            return try CohortRules.months(requested: Int(requested))
        } catch {
            throw RPCError(
                code: .invalidArgument, message: error.message, reason: "out_of_range",
                fields: ["months": "must be 0 to \(CohortRules.maximumMonths)"])
        }
    }

    /// The first cohort month a request asks for, as a month index (``CohortRules/monthIndex(year:month:)``);
    /// unset: 12 months before `current`.
    static func firstCohortMonth(
        _ request: Hearth_Analytics_V1_GetRetentionCohortsRequest, current: Int
    ) throws(RPCError) -> Int {
        guard request.hasFromMonth else { return current - 12 }
        let date = request.fromMonth
        guard (1...9999).contains(date.year), (1...12).contains(date.month), (0...31).contains(date.day) else {
            throw RPCError(
                code: .invalidArgument,
                message: "from_month \(date.year)-\(date.month)-\(date.day) is not a month of the years 1 to 9999",
                reason: "out_of_range", fields: ["from_month": "not a calendar month"])
        }
        return CohortRules.monthIndex(year: Int(date.year), month: Int(date.month))
    }

    /// The period a repurchase request names; `nil` when unset (the last 12 months).
    static func repurchasePeriod(_ request: Hearth_Analytics_V1_GetRepurchaseRateRequest) throws(RPCError)
        -> (start: Date, end: Date)?
    {
        guard request.hasPeriod else { return nil }
        guard request.period.hasStart, request.period.hasEnd else {
            throw RPCError(
                code: .invalidArgument,
                message: "period needs both start and end; leave period unset for the last 12 months",
                reason: "invalid_period", fields: ["period": "start and end are both required"])
        }
        let start = request.period.start.date
        let end = request.period.end.date
        guard start < end else {
            throw RPCError(
                code: .invalidArgument, message: "period.end must be after period.start", reason: "invalid_period",
                fields: ["period.end": "not after period.start"])
        }
        return (start, end)
    }

    // MARK: Reports

    static func info(computedAt: Date, start: Date, end: Date) -> Hearth_Analytics_V1_ReportInfo {
        var info = Hearth_Analytics_V1_ReportInfo()
        info.computedAt = Google_Protobuf_Timestamp(date: computedAt)
        info.period.start = Google_Protobuf_Timestamp(date: start)
        info.period.end = Google_Protobuf_Timestamp(date: end)
        return info
    }

    static func rfmReport(_ snapshot: CustomerReportSnapshot<RfmReportBody>) -> Hearth_Analytics_V1_RfmReport {
        var report = Hearth_Analytics_V1_RfmReport()
        report.info = info(computedAt: snapshot.computedAt, start: snapshot.periodStart, end: snapshot.periodEnd)
        let body = snapshot.body
        report.segments = body.segments.map { stored in
            var segment = Hearth_Analytics_V1_RfmSegmentSummary()
            segment.segment = rfmSegment(stored.segment)
            segment.memberCount = stored.members
            segment.share = CohortRules.rate(stored.members, of: body.customers)
            segment.avgRecencyDays = stored.avgRecencyDays
            segment.avgFrequency = stored.avgFrequency
            segment.avgMonetaryFen = stored.avgMonetaryFen
            return segment
        }
        report.recencyDaysEdges = body.recencyDaysEdges
        report.frequencyEdges = body.frequencyEdges
        report.monetaryFenEdges = body.monetaryFenEdges
        return report
    }

    static func candidate(_ record: ChurnCandidateRecord, rank: Int64) -> Hearth_Analytics_V1_ChurnCandidate {
        var candidate = Hearth_Analytics_V1_ChurnCandidate()
        candidate.rank = rank
        candidate.memberID = record.memberID.description
        candidate.displayName = record.displayName
        candidate.phone = record.phone ?? ""
        candidate.churnRisk = record.risk
        candidate.signals = record.signals.map(churnSignal)
        candidate.lifecycleStage = lifecycleStage(record.stage)
        if let active = record.lastActiveAt { candidate.lastActiveAt = Google_Protobuf_Timestamp(date: active) }
        if let purchase = record.lastPurchaseAt { candidate.lastPurchaseAt = Google_Protobuf_Timestamp(date: purchase) }
        if let interval = record.usualPurchaseIntervalDays {
            candidate.usualPurchaseIntervalDays = Int32(clamping: Int(interval.rounded()))
        }
        candidate.totalSpendFen = record.totalSpendFen
        return candidate
    }

    /// The cohorts from month index `first` on, each followed `months` months (as far as the run's
    /// month allows), with their rates.
    static func retentionReport(
        _ snapshot: CustomerReportSnapshot<CohortRetentionBody>, from first: Int, months: Int
    ) -> Hearth_Analytics_V1_RetentionReport {
        var report = Hearth_Analytics_V1_RetentionReport()
        report.info = info(computedAt: snapshot.computedAt, start: snapshot.periodStart, end: snapshot.periodEnd)
        report.basis = cohortBasis(snapshot.body.basis)
        for stored in snapshot.body.cohorts {
            guard let month = CustomerReportStore.calendarDate(stored.month),
                CohortRules.monthIndex(year: month.year, month: month.month) >= first
            else { continue }
            var cohort = Hearth_Analytics_V1_Cohort()
            cohort.month = calendarDate(month)
            cohort.size = stored.size
            cohort.retained = Array(stored.retained.prefix(months + 1))
            cohort.rates = cohort.retained.map { CohortRules.rate($0, of: stored.size) }
            report.cohorts.append(cohort)
        }
        return report
    }

    static func repurchaseReport(
        _ snapshot: CustomerReportSnapshot<RepurchaseBody>
    ) -> Hearth_Analytics_V1_RepurchaseReport {
        var report = Hearth_Analytics_V1_RepurchaseReport()
        report.info = info(computedAt: snapshot.computedAt, start: snapshot.periodStart, end: snapshot.periodEnd)
        report.customers = snapshot.body.customers
        report.repeatCustomers = snapshot.body.repeatCustomers
        report.rate = CohortRules.rate(snapshot.body.repeatCustomers, of: snapshot.body.customers)
        report.byMonth = snapshot.body.byMonth.compactMap { stored in
            guard let month = CustomerReportStore.calendarDate(stored.month) else { return nil }
            var row = Hearth_Analytics_V1_MonthlyRepurchase()
            row.month = calendarDate(month)
            row.customers = stored.customers
            row.repeatCustomers = stored.repeatCustomers
            row.rate = CohortRules.rate(stored.repeatCustomers, of: stored.customers)
            return row
        }
        return report
    }

    // MARK: Enumerations

    static func calendarDate(_ date: CalendarDate) -> Hearth_Common_V1_CalendarDate {
        var message = Hearth_Common_V1_CalendarDate()
        message.year = Int32(date.year)
        message.month = Int32(date.month)
        message.day = Int32(date.day)
        return message
    }

    static func cohortBasis(_ basis: CohortBasis) -> Hearth_Analytics_V1_CohortBasis {
        switch basis {
        case .firstPurchase: .firstPurchase
        case .join: .join
        }
    }

    static func rfmSegment(_ segment: RfmSegment) -> Hearth_Analytics_V1_RfmSegment {
        switch segment {
        case .champions: .champions
        case .loyal: .loyal
        case .potentialLoyalist: .potentialLoyalist
        case .newCustomer: .newCustomer
        case .promising: .promising
        case .needsAttention: .needsAttention
        case .aboutToSleep: .aboutToSleep
        case .atRisk: .atRisk
        case .cannotLose: .cannotLose
        case .hibernating: .hibernating
        case .lost: .lost
        }
    }

    static func churnSignal(_ signal: ChurnSignal) -> Hearth_Analytics_V1_ChurnSignal {
        switch signal {
        case .goneSilent: .goneSilent
        case .purchaseOverdue: .purchaseOverdue
        case .engagementDrop: .engagementDrop
        case .lapsed: .lapsed
        }
    }

    static func lifecycleStage(_ stage: LifecycleStage) -> Hearth_Common_V1_LifecycleStage {
        switch stage {
        case .audience: .audience
        case .user: .user
        case .fan: .fan
        case .community: .community
        case .lapsed: .lapsed
        }
    }

    /// `nil` for UNSPECIFIED and unknown values.
    static func lifecycleStage(_ stage: Hearth_Common_V1_LifecycleStage) -> LifecycleStage? {
        switch stage {
        case .audience: .audience
        case .user: .user
        case .fan: .fan
        case .community: .community
        case .lapsed: .lapsed
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
