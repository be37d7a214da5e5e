import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Community health, campaign and overview reports between the wire and the store.
enum OperationsReportMessages {
    // MARK: Requests

    /// A request's period: unset bounds default to now and to `defaultDays` before the end.
    static func period(_ range: Hearth_Common_V1_TimeRange?, defaultDays: Int, now: Date) throws(RPCError)
        -> (start: Date, end: Date)
    {
        let end = range.flatMap { $0.hasEnd ? $0.end.date : nil } ?? now
        let start =
            range.flatMap { $0.hasStart ? $0.start.date : nil } ?? end.addingTimeInterval(-Double(defaultDays) * 86_400)
        guard start < end else {
            throw RPCError(
                code: .invalidArgument, message: "period.start must be before period.end", reason: "period_invalid",
                fields: ["period": "start is not before end"])
        }
        guard end.timeIntervalSince(start) <= 366 * 86_400 else {
            throw RPCError(
                code: .invalidArgument, message: "a report's period spans at most 366 days; ask for a shorter one",
                reason: "period_invalid", fields: ["period": "longer than 366 days"])
        }
        return (start, end)
    }

    static func id<Entity>(_ text: String, field: String, what: String) throws(RPCError) -> Identifier<Entity> {
        guard let id = Identifier<Entity>(text) else {
            throw RPCError(
                code: .invalidArgument, message: "\(field) \"\(text)\" is not a \(what) id (a UUID)",
                reason: "invalid_id", fields: [field: "not a UUID"])
        }
        return id
    }

    /// An optional occurrence id: empty means none.
    static func occurrenceID(_ text: String) throws(RPCError) -> UUID? {
        guard !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw RPCError(
                code: .invalidArgument, message: "occurrence_id \"\(text)\" is not an occurrence id (a UUID)",
                reason: "invalid_id", fields: ["occurrence_id": "not a UUID"])
        }
        return id
    }

    static func warningKind(_ kind: Hearth_Analytics_V1_HealthWarningKind, field: String) throws(RPCError)
        -> CommunityHealthRules.WarningKind
    {
        switch kind {
        case .activityDeclining: return .activityDeclining
        case .noNewMembers: return .noNewMembers
        case .noStaffActivity: return .noStaffActivity
        case .nearCapacity: return .nearCapacity
        default:
            throw RPCError(
                code: .invalidArgument, message: "\(field) is not a health warning kind", reason: "warning_invalid",
                fields: [field: "unspecified or unknown"])
        }
    }

    // MARK: Communities

    static func communityHealth(_ figures: CommunityHealthFigures, start: Date, end: Date)
        -> Hearth_Analytics_V1_CommunityHealthReport
    {
        var report = Hearth_Analytics_V1_CommunityHealthReport()
        report.info = info(computedAt: figures.latest.computedAt, start: start, end: end)
        report.communityID = figures.communityID.description
        report.name = figures.name
        report.healthScore = figures.latest.score
        report.memberCount = Int32(clamping: figures.latest.members)
        report.capacity = Int32(clamping: figures.capacity)
        report.fillRatio = figures.capacity > 0 ? Double(figures.latest.members) / Double(figures.capacity) : 0
        report.days = figures.days.map { day in
            var message = Hearth_Analytics_V1_CommunityHealthDay()
            message.date = date(day.day)
            message.activeMembers = Int32(clamping: day.activeMembers)
            message.messages = day.messages
            message.joins = Int32(clamping: day.joins)
            message.leaves = Int32(clamping: day.leaves)
            message.lurkerShare = day.lurkerShare
            message.healthScore = day.score
            return message
        }
        report.warnings = figures.latest.warnings.map { warning in
            var message = Hearth_Analytics_V1_HealthWarning()
            message.kind = warningKind(warning.kind)
            message.message = warning.message
            message.since = Google_Protobuf_Timestamp(date: warning.since)
            message.suggestion = warning.suggestion
            return message
        }
        report.socialRoles = roleCounts(figures.socialRoles)
        return report
    }

    static func summary(_ summary: CommunityHealthSummary) -> Hearth_Analytics_V1_CommunityHealthSummary {
        var message = Hearth_Analytics_V1_CommunityHealthSummary()
        message.communityID = summary.communityID.description
        message.name = summary.name
        message.platform = platform(summary.platform)
        message.healthScore = summary.score
        message.memberCount = Int32(clamping: summary.members)
        message.capacity = Int32(clamping: summary.capacity)
        message.activeMembers = Int32(clamping: summary.activeMembers)
        message.warnings = summary.warnings.map { warningKind($0) }
        message.computedAt = Google_Protobuf_Timestamp(date: summary.computedAt)
        return message
    }

    static func warningKind(_ kind: CommunityHealthRules.WarningKind) -> Hearth_Analytics_V1_HealthWarningKind {
        switch kind {
        case .activityDeclining: .activityDeclining
        case .noNewMembers: .noNewMembers
        case .noStaffActivity: .noStaffActivity
        case .nearCapacity: .nearCapacity
        }
    }

    static func platform(_ text: String) -> Hearth_Common_V1_Platform {
        switch text {
        case "wechat": .wechat
        case "qq": .qq
        case "dingtalk": .dingtalk
        case "yy": .yy
        case "other": .other
        default: .unspecified
        }
    }

    // MARK: Campaigns

    /// The report of the whole campaign, or of one occurrence (`nil` when the snapshot predates the
    /// occurrence). Pacing, agents and the referral tree are the campaign's in either case: goals,
    /// call lists and trees belong to the campaign.
    static func campaignReport(_ record: CampaignReportRecord, occurrence: UUID?)
        -> Hearth_Analytics_V1_CampaignReport?
    {
        let snapshot = record.snapshot
        var report = Hearth_Analytics_V1_CampaignReport()
        report.info = info(computedAt: record.computedAt, start: record.periodStart, end: record.periodEnd)
        report.campaignID = record.campaignID.description
        report.campaignName = record.campaignName
        if let occurrence {
            guard let found = snapshot.occurrences.first(where: { $0.occurrenceID == occurrence }) else { return nil }
            report.occurrenceID = occurrence.uuidString.lowercased()
            report.funnel = funnel(found.funnel)
        } else {
            report.funnel = funnel(snapshot.funnel)
            report.occurrences = snapshot.occurrences.map { occurrence in
                var message = Hearth_Analytics_V1_OccurrenceFunnel()
                message.occurrenceID = occurrence.occurrenceID.uuidString.lowercased()
                message.startsAt = Google_Protobuf_Timestamp(date: occurrence.startsAt)
                message.funnel = funnel(occurrence.funnel)
                return message
            }
        }
        report.pacing = pacing(snapshot.pacing)
        report.agents = snapshot.agents.map { agent in
            var message = Hearth_Analytics_V1_AgentCallOutcomes()
            message.agentOperatorID = agent.agentOperatorID.uuidString.lowercased()
            message.agentName = record.agentNames[agent.agentOperatorID] ?? ""
            message.assigned = agent.assigned
            message.pending = agent.pending
            message.notReached = agent.notReached
            message.declined = agent.declined
            message.invited = agent.invited
            message.joined = agent.joined
            return message
        }
        var tree = Hearth_Analytics_V1_ReferralTreeStats()
        tree.size = snapshot.referralTree.size
        tree.depth = Int32(clamping: snapshot.referralTree.depth)
        tree.roots = snapshot.referralTree.roots
        tree.membersPerLevel = snapshot.referralTree.membersPerLevel
        report.referralTree = tree
        return report
    }

    static func funnel(_ funnel: CampaignReportSnapshot.Funnel) -> Hearth_Analytics_V1_CampaignFunnel {
        var message = Hearth_Analytics_V1_CampaignFunnel()
        message.targeted = funnel.targeted
        message.delivered = funnel.delivered
        message.suppressed = funnel.suppressed
        message.suppressedByReason = funnel.suppressedByReason
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { reason, count in
                var entry = Hearth_Common_V1_SuppressionCount()
                entry.reason = suppressionReason(reason)
                entry.count = count
                return entry
            }
        message.failed = funnel.failed
        message.joined = funnel.joined
        message.participated = funnel.participated
        message.converted = funnel.converted
        message.revenueFen = funnel.revenueFen
        return message
    }

    static func pacing(_ pacing: CampaignPacing) -> Hearth_Analytics_V1_Pacing {
        var message = Hearth_Analytics_V1_Pacing()
        if let goal = pacing.goalRevenueFen { message.goalRevenueFen = goal }
        message.revenueFen = pacing.revenueFen
        message.expectedRevenueFen = pacing.expectedRevenueFen
        message.projectedRevenueFen = pacing.projectedRevenueFen
        if let goal = pacing.goalParticipants { message.goalParticipants = Int32(clamping: goal) }
        message.participants = pacing.participants
        message.projectedParticipants = pacing.projectedParticipants
        message.elapsedFraction = pacing.elapsedFraction
        message.onTrack = pacing.onTrack
        return message
    }

    static func suppressionReason(_ text: String) -> Hearth_Common_V1_SuppressionReason {
        switch text {
        case "no_consent": .noConsent
        case "quiet_hours": .quietHours
        case "frequency_cap": .frequencyCap
        case "member_deleted": .memberDeleted
        case "no_address": .noAddress
        case "campaign_stopped": .campaignStopped
        case "membership_banned": .membershipBanned
        default: .unspecified
        }
    }

    // MARK: Overview

    /// Stages and roles are listed in full, in their order, zeros included, so charts keep their
    /// shape; the engagement histogram has ten buckets of ten points.
    static func overview(_ overview: OperationsOverview, start: Date, end: Date) -> Hearth_Analytics_V1_OverviewReport {
        var report = Hearth_Analytics_V1_OverviewReport()
        report.info = info(computedAt: overview.computedAt, start: start, end: end)
        report.memberCount = overview.memberCount
        report.newMembers = overview.newMembers
        report.activeMembers = overview.activeMembers
        report.lifecycleStages = ["audience", "user", "fan", "community", "lapsed"].map { name in
            var count = Hearth_Analytics_V1_StageCount()
            count.stage = lifecycleStage(name)
            count.count = overview.lifecycleStages[name] ?? 0
            return count
        }
        report.lifecycleMoves = overview.lifecycleMoves.map { move in
            var count = Hearth_Analytics_V1_LifecycleMoveCount()
            count.from = lifecycleStage(move.from)
            count.to = lifecycleStage(move.to)
            count.count = move.count
            return count
        }
        report.socialRoles = roleCounts(overview.socialRoles)
        report.engagementHistogram = overview.engagementHistogram.enumerated().map { index, count in
            var bucket = Hearth_Analytics_V1_ScoreBucket()
            bucket.lower = Double(index * 10)
            bucket.upper = Double(index * 10 + 10)
            bucket.count = count
            return bucket
        }
        report.revenueFen = overview.revenueFen
        report.orderCount = overview.orderCount
        report.repurchaseRate =
            overview.customers > 0 ? Double(overview.repeatCustomers) / Double(overview.customers) : 0
        report.communityCount = Int32(clamping: overview.communityCount)
        report.communitiesWithWarnings = Int32(clamping: overview.communitiesWithWarnings)
        report.runningCampaigns = Int32(clamping: overview.runningCampaigns)
        report.activeMembersTrend = overview.activeMembersTrend.map(dailyValue)
        report.revenueFenTrend = overview.revenueFenTrend.map(dailyValue)
        return report
    }

    // MARK: Shared

    static func lifecycleStage(_ text: String) -> Hearth_Common_V1_LifecycleStage {
        switch text {
        case "audience": .audience
        case "user": .user
        case "fan": .fan
        case "community": .community
        case "lapsed": .lapsed
        default: .unspecified
        }
    }

    static func info(computedAt: Date?, start: Date, end: Date) -> Hearth_Analytics_V1_ReportInfo {
        var info = Hearth_Analytics_V1_ReportInfo()
        if let computedAt { info.computedAt = Google_Protobuf_Timestamp(date: computedAt) }
        info.period.start = Google_Protobuf_Timestamp(date: start)
        info.period.end = Google_Protobuf_Timestamp(date: end)
        return info
    }

    static func date(_ day: CalendarDate) -> Hearth_Common_V1_CalendarDate {
        var message = Hearth_Common_V1_CalendarDate()
        message.year = Int32(day.year)
        message.month = Int32(day.month)
        message.day = Int32(day.day)
        return message
    }

    static func dailyValue(_ figure: OperationsOverview.DailyFigure) -> Hearth_Analytics_V1_DailyValue {
        var value = Hearth_Analytics_V1_DailyValue()
        value.date = date(figure.day)
        value.value = figure.value
        return value
    }

    /// Every social role in order, zeros included.
    static func roleCounts(_ counts: [String: Int64]) -> [Hearth_Analytics_V1_RoleCount] {
        let roles: [(String, Hearth_Common_V1_SocialRole)] = [
            ("organizer", .organizer), ("thinker", .thinker), ("energizer", .energizer), ("asker", .asker),
            ("lurker", .lurker), ("challenger", .challenger),
        ]
        return roles.map { name, role in
            var count = Hearth_Analytics_V1_RoleCount()
            count.role = role
            count.count = counts[name] ?? 0
            return count
        }
    }
}
