import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// A member's report between the wire and the store.
enum MemberReportMessages {
    /// The activity period when the request gives none: the last 90 days.
    static let defaultActivityDays = 90

    static func memberID(_ text: String) throws(RPCError) -> MemberID {
        guard let id = MemberID(text) else {
            throw RPCError(
                code: .invalidArgument, message: "member_id \"\(text)\" is not a member id (a UUID)",
                reason: "invalid_id", fields: ["member_id": "not a UUID"])
        }
        return id
    }

    /// The activity period [start, end): unset bounds default to now and 90 days before the end; it
    /// must end after it starts and span at most 366 days.
    static func period(_ request: Hearth_Analytics_V1_GetMemberReportRequest, now: Date) throws(RPCError)
        -> (from: Date, until: Date)
    {
        let range = request.period
        let until = request.hasPeriod && range.hasEnd ? range.end.date : now
        let from =
            request.hasPeriod && range.hasStart
            ? range.start.date : until.addingTimeInterval(-Double(defaultActivityDays) * 86_400)
        let days = MemberReportStore.maximumActivityDays
        guard from < until, until.timeIntervalSince(from) <= Double(days) * 86_400 else {
            throw RPCError(
                code: .invalidArgument,
                message: "period must end after it starts and span at most \(days) days (the activity trend is daily)",
                reason: "period_invalid", fields: ["period": "empty, reversed or longer than \(days) days"])
        }
        return (from, until)
    }

    /// The report message; RFM and churn are left unset (this report does not read the rfm and
    /// churn jobs' tables yet).
    static func report(_ report: MemberReportStore.Report, scoredAt: Date, from: Date, until: Date)
        -> Hearth_Analytics_V1_MemberReport
    {
        var message = Hearth_Analytics_V1_MemberReport()
        message.info.computedAt = Google_Protobuf_Timestamp(date: scoredAt)
        message.info.period.start = Google_Protobuf_Timestamp(date: from)
        message.info.period.end = Google_Protobuf_Timestamp(date: until)
        message.memberID = report.memberID.description
        message.engagementScore = report.engagementScore
        message.contributions = report.contributions.map { contribution in
            var item = Hearth_Analytics_V1_ScoreContribution()
            item.kind = eventKind(contribution.kind)
            item.eventCount = contribution.eventCount
            item.points = contribution.points
            return item
        }
        message.lifecycleStage = lifecycleStage(report.lifecycleStage)
        message.lifecycleMoves = report.moves.map { move in
            var item = Hearth_Analytics_V1_LifecycleMove()
            item.from = lifecycleStage(move.from)
            item.to = lifecycleStage(move.to)
            item.reason = move.reason
            item.movedAt = Google_Protobuf_Timestamp(date: move.movedAt)
            return item
        }
        message.communityRoles = report.communityRoles.map { role in
            var item = Hearth_Analytics_V1_CommunitySocialRole()
            item.communityID = role.communityID.description
            item.role = socialRole(role.role)
            return item
        }
        message.activityTrend = report.activity.map { count in
            var item = Hearth_Analytics_V1_DailyValue()
            item.date.year = Int32(count.day.year)
            item.date.month = Int32(count.day.month)
            item.date.day = Int32(count.day.day)
            item.value = Double(count.events)
            return item
        }
        return message
    }

    static func eventKind(_ kind: EventKind) -> Hearth_Common_V1_EventKind {
        switch kind {
        case .message: .message
        case .checkIn: .checkIn
        case .share: .share
        case .referral: .referral
        case .purchase: .purchase
        case .campaignParticipation: .campaignParticipation
        case .visit: .visit
        case .feedback: .feedback
        case .join: .join
        case .leave: .leave
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

    static func socialRole(_ role: Membership.SocialRole) -> Hearth_Common_V1_SocialRole {
        switch role {
        case .organizer: .organizer
        case .thinker: .thinker
        case .energizer: .energizer
        case .asker: .asker
        case .lurker: .lurker
        case .challenger: .challenger
        }
    }
}
