public import Foundation

/// A member's entry in a contest campaign, with where it stands: its votes (VOTES contests) or its
/// judges' average score (JUDGES contests), and its rank once winners are declared.
///
/// One entry per member and contest. Entries come in while the campaign runs and entries are open;
/// votes and scores until voting closes (see the `ContestRules` extension below for the times).
public struct ContestEntry: Hashable, Sendable {
    public var id: ContestEntryID
    public var campaignID: CampaignID
    public var memberID: MemberID
    /// 1 to 200 characters.
    public var title: String
    /// The entry itself when it is text (a slogan, a story); may be empty when the media say it all.
    public var content: String
    /// Photos, videos or posts, as http(s) links.
    public var mediaLinks: [String]
    public var submittedAt: Date
    /// Members' votes for it.
    public var voteCount: Int64
    /// The average of the judges' scores, 0 to 100; `nil` until a judge scores it.
    public var judgeScore: Double?
    public var judgeCount: Int
    /// 1 is first; `nil` for an entry outside the declared winners (or before the declaration).
    public var winnerRank: Int?

    public init(
        id: ContestEntryID = ContestEntryID(), campaignID: CampaignID, memberID: MemberID, title: String,
        content: String = "", mediaLinks: [String] = [], submittedAt: Date = Date(), voteCount: Int64 = 0,
        judgeScore: Double? = nil, judgeCount: Int = 0, winnerRank: Int? = nil
    ) {
        self.id = id
        self.campaignID = campaignID
        self.memberID = memberID
        self.title = title
        self.content = content
        self.mediaLinks = mediaLinks
        self.submittedAt = submittedAt
        self.voteCount = voteCount
        self.judgeScore = judgeScore
        self.judgeCount = judgeCount
        self.winnerRank = winnerRank
    }

    public static let maximumTitleLength = 200
    public static let maximumContentLength = 20_000
    public static let maximumMediaLinks = 20
    public static let maximumCommentLength = 2_000
    /// The range of a judge's score.
    public static let scoreRange: ClosedRange<Double> = 0...100

    // MARK: Checking a new entry

    /// The title without surrounding whitespace, or why it is refused.
    public static func checkedTitle(_ text: String) throws(DomainError) -> String {
        let title = text.trimmedOfWhitespace
        guard (1...maximumTitleLength).contains(title.unicodeScalars.count) else {
            throw DomainError(
                code: .invalidArgument, message: "a contest entry's title has 1 to \(maximumTitleLength) characters")
        }
        return title
    }

    public static func checkContent(_ text: String) throws(DomainError) {
        guard text.unicodeScalars.count <= maximumContentLength else {
            throw DomainError(
                code: .invalidArgument,
                message: "a contest entry's content has at most \(maximumContentLength) characters")
        }
    }

    public static func checkMediaLinkCount(_ count: Int) throws(DomainError) {
        guard count <= maximumMediaLinks else {
            throw DomainError(
                code: .invalidArgument,
                message: "an entry carries at most \(maximumMediaLinks) media links, not \(count)")
        }
    }

    /// Refuses anything but an absolute http(s) link with a host.
    public static func checkMediaLink(_ text: String) throws(DomainError) {
        if let problem = webLinkProblem(text) {
            throw DomainError(code: .invalidArgument, message: "\"\(text)\" \(problem)")
        }
    }

    public func validate() throws(DomainError) {
        _ = try Self.checkedTitle(title)
        try Self.checkContent(content)
        try Self.checkMediaLinkCount(mediaLinks.count)
        for link in mediaLinks { try Self.checkMediaLink(link) }
    }

    /// Refuses a score outside 0 to 100 (or not a number) and an overlong comment.
    public static func checkScore(_ score: Double, comment: String) throws(DomainError) {
        guard score.isFinite, scoreRange.contains(score) else {
            throw DomainError(code: .invalidArgument, message: "a judge scores 0 to 100, not \(score)")
        }
        guard comment.unicodeScalars.count <= maximumCommentLength else {
            throw DomainError(
                code: .invalidArgument, message: "a judge's comment has at most \(maximumCommentLength) characters")
        }
    }

    // MARK: What the contest's state allows

    /// The rules of a campaign that runs a contest; refuses one of another kind or without rules.
    public static func contestRules(of campaign: Campaign) throws(Refusal) -> ContestRules {
        guard campaign.kind == .contest else {
            throw Refusal(
                .wrongKind,
                "campaign \(campaign.id) is a \(campaign.kind.rawValue) campaign; entries, votes and scores belong "
                    + "to contest campaigns")
        }
        guard case .contest(let rules)? = campaign.rules else {
            throw Refusal(
                .rulesMissing,
                "contest \(campaign.id) has no contest rules (scoring, winners, closing times); give them while it "
                    + "is a draft")
        }
        return rules
    }

    /// Refuses an entry unless the contest runs and takes entries at `instant`.
    public static func checkEntering(_ campaign: Campaign, rules: ContestRules, at instant: Date) throws(Refusal) {
        try checkRunning(campaign, for: "members enter")
        if let close = rules.entriesClose(in: campaign.period), instant >= close {
            throw Refusal(.entriesClosed, "contest \(campaign.id) took entries until \(close); entries are closed")
        }
    }

    /// Refuses a vote for this entry by `voter` unless the contest is decided by votes, runs, and
    /// voting is open at `instant`; nobody votes for their own entry.
    public func checkVote(
        by voter: MemberID, campaign: Campaign, rules: ContestRules, at instant: Date
    ) throws(Refusal) {
        guard rules.scoring == .votes else {
            throw Refusal(
                .wrongScoring, "contest \(campaign.id) is decided by judges' scores; members do not vote in it")
        }
        try Self.checkRunning(campaign, for: "members vote")
        try Self.checkVotingOpen(campaign, rules: rules, at: instant)
        guard voter != memberID else {
            throw Refusal(.ownEntry, "member \(voter) submitted entry \(id); nobody votes for their own entry")
        }
    }

    /// Refuses one more vote by a member who voted for `used` entries already.
    public static func checkVoteAllowance(used: Int, rules: ContestRules, voter: MemberID) throws(Refusal) {
        guard used < rules.votesPerMember else {
            throw Refusal(
                .votesUsedUp,
                "member \(voter) voted for \(used) entr\(used == 1 ? "y" : "ies") already, as many as the contest "
                    + "allows (\(rules.votesPerMember))")
        }
    }

    /// Refuses a judge's score unless the contest is decided by judges, has not finished, voting is
    /// open at `instant` and no winners were declared (scores after that would change nothing).
    public static func checkScoring(
        _ campaign: Campaign, rules: ContestRules, winnersDeclared: Bool, at instant: Date
    ) throws(Refusal) {
        guard rules.scoring == .judges else {
            throw Refusal(
                .wrongScoring, "contest \(campaign.id) is decided by members' votes; operators do not score it")
        }
        if campaign.status.isTerminal {
            throw Refusal(
                .campaignFinished, "contest \(campaign.id) is \(campaign.status.rawValue); its scores no longer change")
        }
        if winnersDeclared {
            throw Refusal(
                .winnersDeclared, "the winners of contest \(campaign.id) are declared; its scores no longer change")
        }
        try checkVotingOpen(campaign, rules: rules, at: instant)
    }

    /// Refuses declaring winners before the ranking is final at `instant` (see
    /// ``ContestRules/rankingCloses(in:)``) or of a cancelled contest; a completed contest's ranking
    /// is final whatever its closing times.
    public static func checkDeclaring(_ campaign: Campaign, rules: ContestRules, at instant: Date) throws(Refusal) {
        if campaign.status == .cancelled {
            throw Refusal(.campaignFinished, "contest \(campaign.id) was cancelled; it has no winners")
        }
        guard campaign.status != .completed else { return }
        guard let close = rules.rankingCloses(in: campaign.period) else {
            throw Refusal(
                .votingOpen,
                "contest \(campaign.id) has no closing time (no \(rules.scoring == .votes ? "voting" : "entries") "
                    + "close and no period end); its winners can be declared once it completes")
        }
        guard instant >= close else {
            throw Refusal(
                .votingOpen,
                "the ranking of contest \(campaign.id) is final at \(close) (when "
                    + "\(rules.scoring == .votes ? "voting" : "entries") close); declare the winners after that")
        }
    }

    private static func checkRunning(_ campaign: Campaign, for activity: String) throws(Refusal) {
        if campaign.status.isTerminal {
            throw Refusal(.campaignFinished, "contest \(campaign.id) is \(campaign.status.rawValue); it is over")
        }
        guard campaign.status == .running else {
            throw Refusal(
                .campaignNotRunning,
                "contest \(campaign.id) is \(campaign.status.rawValue); \(activity) only while it runs")
        }
    }

    private static func checkVotingOpen(_ campaign: Campaign, rules: ContestRules, at instant: Date) throws(Refusal) {
        if let close = rules.votingClose(in: campaign.period), instant >= close {
            throw Refusal(.votingClosed, "voting in contest \(campaign.id) closed at \(close)")
        }
    }
}

public typealias ContestEntryID = Identifier<ContestEntry>

// MARK: - The contest's times

extension ContestRules {
    /// When entries stop: `entriesCloseAt`, else the end of the campaign's period; `nil` when
    /// neither is set (entries come in as long as the campaign runs).
    public func entriesClose(in period: CampaignPeriod?) -> Date? {
        entriesCloseAt ?? period?.end
    }

    /// When votes and judges' scores stop: `votingCloseAt`, else the end of the campaign's period.
    public func votingClose(in period: CampaignPeriod?) -> Date? {
        votingCloseAt ?? period?.end
    }

    /// When winners may be declared: once voting closes in a VOTES contest; once entries close in
    /// a JUDGES contest (the judges then score a closed field, and declaring ends their scoring).
    public func rankingCloses(in period: CampaignPeriod?) -> Date? {
        switch scoring {
        case .votes: votingClose(in: period)
        case .judges: entriesClose(in: period) ?? votingClose(in: period)
        }
    }
}

// MARK: - Refusals

extension ContestEntry {
    /// An entry, vote, score or declaration the contest's state does not allow: a closed window,
    /// votes used up, a vote for one's own entry. Unlike a bare ``DomainError`` it carries a stable
    /// ``Reason`` that clients branch on (sent as `ErrorDetail.reason`).
    public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// A stable lowercase code; new ones may be added, so clients must handle unknown ones.
        public struct Reason: Hashable, Sendable, CustomStringConvertible {
            public let rawValue: String
            private init(_ rawValue: String) { self.rawValue = rawValue }
            public var description: String { rawValue }

            /// The campaign is not a contest campaign.
            public static let wrongKind = Reason("wrong_kind")
            /// The contest campaign has no contest rules.
            public static let rulesMissing = Reason("contest_rules_missing")
            /// The contest completed or was cancelled.
            public static let campaignFinished = Reason("campaign_finished")
            /// Entries and votes need a running campaign.
            public static let campaignNotRunning = Reason("campaign_not_running")
            /// Entries closed.
            public static let entriesClosed = Reason("entries_closed")
            /// The member has an entry in this contest already.
            public static let entryExists = Reason("entry_exists")
            /// The member is deleted, erased or merged away.
            public static let memberDeleted = Reason("member_deleted")
            /// A vote in a JUDGES contest, or a score in a VOTES contest.
            public static let wrongScoring = Reason("wrong_scoring")
            /// Voting (and judging) closed.
            public static let votingClosed = Reason("voting_closed")
            /// The member voted for this entry already.
            public static let alreadyVoted = Reason("already_voted")
            /// The member voted for as many entries as the contest allows.
            public static let votesUsedUp = Reason("votes_used_up")
            /// A vote for the voter's own entry.
            public static let ownEntry = Reason("own_entry")
            /// Scores after the winners were declared.
            public static let winnersDeclared = Reason("winners_declared")
            /// Declaring winners before the ranking is final.
            public static let votingOpen = Reason("voting_open")
            /// Declaring winners when no entry has a vote or a score.
            public static let noRankedEntries = Reason("no_ranked_entries")
        }

        public var reason: Reason
        public var message: String

        public init(_ reason: Reason, _ message: String) {
            self.reason = reason
            self.message = message
        }

        /// The status code the edge sends: ALREADY_EXISTS for a second entry or a second vote for
        /// the same entry, otherwise FAILED_PRECONDITION (the state, not the input, is in the way).
        public var code: DomainError.Code {
            reason == .entryExists || reason == .alreadyVoted ? .alreadyExists : .failedPrecondition
        }

        public var description: String { "\(reason): \(message)" }
    }
}
