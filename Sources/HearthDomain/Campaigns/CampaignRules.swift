public import Foundation

/// The rules only some kinds of campaign have: how a contest is scored, what a lottery draws,
/// what a referral earns at each level. A campaign carries at most one, of its own kind.
public enum CampaignRules: Hashable, Sendable, Codable {
    case contest(ContestRules)
    case lottery(LotteryRules)
    case referral(ReferralRules)

    /// The kind of campaign these rules belong to.
    public var kind: CampaignKind {
        switch self {
        case .contest: .contest
        case .lottery: .lottery
        case .referral: .referral
        }
    }

    public func validate() throws(DomainError) {
        switch self {
        case .contest(let rules): try rules.validate()
        case .lottery(let rules): try rules.validate()
        case .referral(let rules): try rules.validate()
        }
    }
}

/// How a contest picks its winners.
public struct ContestRules: Hashable, Sendable, Codable {
    public enum Scoring: String, Hashable, Sendable, Codable, CaseIterable {
        /// Members vote; most votes wins.
        case votes
        /// Operators score 0 to 100; the highest average wins.
        case judges
    }

    public var scoring: Scoring
    /// With votes: how many entries one member may vote for (one vote per entry).
    public var votesPerMember: Int
    public var entriesCloseAt: Date?
    public var votingCloseAt: Date?
    public var winnerCount: Int

    public init(
        scoring: Scoring, votesPerMember: Int = 1, entriesCloseAt: Date? = nil, votingCloseAt: Date? = nil,
        winnerCount: Int
    ) {
        self.scoring = scoring
        self.votesPerMember = votesPerMember
        self.entriesCloseAt = entriesCloseAt
        self.votingCloseAt = votingCloseAt
        self.winnerCount = winnerCount
    }

    public func validate() throws(DomainError) {
        guard (1...1_000).contains(winnerCount) else {
            throw DomainError(code: .invalidArgument, message: "a contest has 1 to 1000 winners, not \(winnerCount)")
        }
        guard (1...100).contains(votesPerMember) else {
            throw DomainError(
                code: .invalidArgument, message: "a member may vote for 1 to 100 entries, not \(votesPerMember)")
        }
        if let entriesCloseAt, let votingCloseAt, votingCloseAt < entriesCloseAt {
            throw DomainError(
                code: .invalidArgument,
                message: "voting cannot close (\(votingCloseAt)) before entries close "
                    + "(\(entriesCloseAt))")
        }
    }
}

/// What a lottery draws and until when members may enter.
public struct LotteryRules: Hashable, Sendable, Codable {
    /// Entries are refused from this time on; the seed must be committed before it.
    public var entriesCloseAt: Date
    public var winnerCount: Int
    /// The prize of each rank, first prize first; with fewer prizes than winners the last repeats.
    public var prizes: [String]

    public init(entriesCloseAt: Date, winnerCount: Int, prizes: [String]) {
        self.entriesCloseAt = entriesCloseAt
        self.winnerCount = winnerCount
        self.prizes = prizes
    }

    /// The prize of a 1-based rank.
    public func prize(forRank rank: Int) -> String {
        guard !prizes.isEmpty else { return "" }
        return prizes[min(max(rank, 1), prizes.count) - 1]
    }

    public func validate() throws(DomainError) {
        guard (1...10_000).contains(winnerCount) else {
            throw DomainError(code: .invalidArgument, message: "a lottery has 1 to 10000 winners, not \(winnerCount)")
        }
        guard prizes.count <= winnerCount else {
            throw DomainError(
                code: .invalidArgument,
                message: "\(prizes.count) prizes for \(winnerCount) winners; name at most one prize per winner")
        }
        for (index, prize) in prizes.enumerated()
        where !(1...200).contains(prize.trimmedOfWhitespace.unicodeScalars.count) {
            throw DomainError(code: .invalidArgument, message: "prize \(index + 1) needs 1 to 200 characters")
        }
    }
}

/// What each referrer above a newcomer earns, by level (1: the direct referrer).
public struct ReferralRules: Hashable, Sendable, Codable {
    public var levelRewards: [Int: Reward]
    /// Referrals deeper than this are still recorded but earn nothing.
    public var maxRewardDepth: Int

    /// `maxRewardDepth` 0 means as deep as the rewarded levels go.
    public init(levelRewards: [Int: Reward], maxRewardDepth: Int = 0) {
        self.levelRewards = levelRewards
        self.maxRewardDepth = maxRewardDepth == 0 ? (levelRewards.keys.max() ?? 0) : maxRewardDepth
    }

    /// The reward of the referrer `level` steps above a newcomer, if that level earns one.
    public func reward(atLevel level: Int) -> Reward? {
        level <= maxRewardDepth ? levelRewards[level] : nil
    }

    public func validate() throws(DomainError) {
        for (level, reward) in levelRewards.sorted(by: { $0.key < $1.key }) {
            guard (1...20).contains(level) else {
                throw DomainError(code: .invalidArgument, message: "referral levels run from 1 to 20, not \(level)")
            }
            do throws(DomainError) {
                try reward.validate()
            } catch {
                throw DomainError(code: error.code, message: "level \(level): \(error.message)")
            }
        }
        guard (0...20).contains(maxRewardDepth) else {
            throw DomainError(
                code: .invalidArgument, message: "the deepest rewarded level is 0 to 20, not \(maxRewardDepth)")
        }
    }
}
