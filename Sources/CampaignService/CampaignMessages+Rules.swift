import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Kind rules and rewards between the wire and the domain.
extension CampaignMessages {
    /// The spec's kind rules, checked against the kind; `nil` when none are set.
    static func rules(_ rules: Hearth_Campaign_V1_CampaignSpec.OneOf_KindRules?, kind: CampaignKind) throws(RPCError)
        -> CampaignRules?
    {
        guard let rules else { return nil }
        try checkKindRules(rules, kind: kind)
        let (field, domain): (String, CampaignRules)
        switch rules {
        case .contestRules(let message):
            field = "spec.contest_rules"
            let scoring: ContestRules.Scoring
            switch message.scoring {
            case .votes: scoring = .votes
            case .judges: scoring = .judges
            default:
                throw RPCError(
                    code: .invalidArgument, message: "spec.contest_rules.scoring: choose votes or judges",
                    reason: "contest_scoring_missing", fields: ["spec.contest_rules.scoring": "votes or judges"])
            }
            domain = .contest(
                ContestRules(
                    scoring: scoring, votesPerMember: message.votesPerMember == 0 ? 1 : Int(message.votesPerMember),
                    entriesCloseAt: message.hasEntriesCloseAt ? message.entriesCloseAt.date : nil,
                    votingCloseAt: message.hasVotingCloseAt ? message.votingCloseAt.date : nil,
                    winnerCount: Int(message.winnerCount)))
        case .lotteryRules(let message):
            field = "spec.lottery_rules"
            guard message.hasEntriesCloseAt else {
                throw RPCError(
                    code: .invalidArgument, message: "spec.lottery_rules.entries_close_at: say when entries close",
                    reason: "lottery_close_missing", fields: ["spec.lottery_rules.entries_close_at": "required"])
            }
            domain = .lottery(
                LotteryRules(
                    entriesCloseAt: message.entriesCloseAt.date, winnerCount: Int(message.winnerCount),
                    prizes: message.prizes.map(\.trimmedOfWhitespace)))
        case .referralRules(let message):
            field = "spec.referral_rules"
            var rewards: [Int: Reward] = [:]
            for (index, level) in message.levelRewards.enumerated() {
                let levelField = "\(field).level_rewards[\(index)]"
                guard rewards[Int(level.level)] == nil else {
                    throw RPCError(
                        code: .invalidArgument, message: "\(levelField): level \(level.level) is rewarded twice",
                        reason: "referral_level_repeated", fields: [levelField: "level repeated"])
                }
                guard let reward = try reward(level.reward, field: "\(levelField).reward") else {
                    throw RPCError(
                        code: .invalidArgument, message: "\(levelField).reward: give money, points or a gift",
                        reason: "reward_missing", fields: ["\(levelField).reward": "required"])
                }
                rewards[Int(level.level)] = reward
            }
            domain = .referral(ReferralRules(levelRewards: rewards, maxRewardDepth: Int(message.maxRewardDepth)))
        }
        do throws(DomainError) {
            try domain.validate()
        } catch {
            throw invalid(error, field: field, reason: "kind_rules_invalid")
        }
        return domain
    }

    static func kindRules(_ rules: CampaignRules) -> Hearth_Campaign_V1_CampaignSpec.OneOf_KindRules {
        switch rules {
        case .contest(let rules):
            var message = Hearth_Campaign_V1_ContestRules()
            message.scoring = rules.scoring == .votes ? .votes : .judges
            message.votesPerMember = Int32(clamping: rules.votesPerMember)
            if let close = rules.entriesCloseAt { message.entriesCloseAt = Google_Protobuf_Timestamp(date: close) }
            if let close = rules.votingCloseAt { message.votingCloseAt = Google_Protobuf_Timestamp(date: close) }
            message.winnerCount = Int32(clamping: rules.winnerCount)
            return .contestRules(message)
        case .lottery(let rules):
            var message = Hearth_Campaign_V1_LotteryRules()
            message.entriesCloseAt = Google_Protobuf_Timestamp(date: rules.entriesCloseAt)
            message.winnerCount = Int32(clamping: rules.winnerCount)
            message.prizes = rules.prizes
            return .lotteryRules(message)
        case .referral(let rules):
            var message = Hearth_Campaign_V1_ReferralRules()
            message.levelRewards = rules.levelRewards.sorted { $0.key < $1.key }.map { level, reward in
                var entry = Hearth_Campaign_V1_LevelReward()
                entry.level = Int32(clamping: level)
                entry.reward = Self.reward(reward)
                return entry
            }
            message.maxRewardDepth = Int32(clamping: rules.maxRewardDepth)
            return .referralRules(message)
        }
    }

    /// A reward from the wire, checked; `nil` when none of its kinds is set.
    static func reward(_ message: Hearth_Campaign_V1_Reward, field: String) throws(RPCError) -> Reward? {
        let reward: Reward
        switch message.kind {
        case nil: return nil
        case .money(let money)?: reward = .money(fen: money.amountFen)
        case .points(let points)?: reward = .points(points)
        case .gift(let gift)?: reward = .gift(gift.trimmedOfWhitespace)
        }
        do throws(DomainError) {
            try reward.validate()
        } catch {
            throw invalid(error, field: field, reason: "reward_invalid")
        }
        return reward
    }

    static func reward(_ reward: Reward) -> Hearth_Campaign_V1_Reward {
        var message = Hearth_Campaign_V1_Reward()
        switch reward {
        case .money(let fen):
            var money = Hearth_Common_V1_Money()
            money.amountFen = fen
            message.money = money
        case .points(let points): message.points = points
        case .gift(let gift): message.gift = gift
        }
        return message
    }
}
