public import Foundation

/// Something members of a task_challenge campaign do for a reward ("post a photo of your first
/// use", "bring three friends to the Thursday live"), claimed with proof and approved or rejected
/// by an operator (see ``TaskClaim``).
public struct CampaignTask: Hashable, Sendable {
    public var id: CampaignTaskID
    public var campaignID: CampaignID
    /// 1 to 200 characters.
    public var title: String
    /// What exactly counts, for members and reviewers; may be empty.
    public var details: String
    /// What an approved claim earns; `nil` when the task earns no reward of its own.
    public var reward: Reward?
    /// Whether a claim must carry proof: a text or at least one link.
    public var proofRequired: Bool
    /// Approved claims one member may have on this task: 1 for a one-off task, more for a task
    /// members repeat (e.g. one check-in a day, at most 7).
    public var maxClaimsPerMember: Int
    /// When claims are accepted; an unset bound follows the campaign's period, so moving the
    /// period's end moves the task's.
    public var claimWindowStart: Date?
    public var claimWindowEnd: Date?
    public var createdAt: Date

    public init(
        id: CampaignTaskID = CampaignTaskID(), campaignID: CampaignID, title: String, details: String = "",
        reward: Reward? = nil, proofRequired: Bool = false, maxClaimsPerMember: Int = 1,
        claimWindowStart: Date? = nil, claimWindowEnd: Date? = nil, createdAt: Date = Date()
    ) {
        self.id = id
        self.campaignID = campaignID
        self.title = title
        self.details = details
        self.reward = reward
        self.proofRequired = proofRequired
        self.maxClaimsPerMember = maxClaimsPerMember
        self.claimWindowStart = claimWindowStart
        self.claimWindowEnd = claimWindowEnd
        self.createdAt = createdAt
    }

    public static let maximumTitleLength = 200
    public static let maximumDetailsLength = 4_000
    /// The most approved claims a task may allow one member.
    public static let maximumClaimsPerMember = 1_000

    // MARK: Checking a new task

    /// The title without surrounding whitespace, or why it is refused.
    public static func checkedTitle(_ text: String) throws(DomainError) -> String {
        let title = text.trimmedOfWhitespace
        guard (1...maximumTitleLength).contains(title.unicodeScalars.count) else {
            throw DomainError(
                code: .invalidArgument, message: "a task's title has 1 to \(maximumTitleLength) characters")
        }
        return title
    }

    public static func checkDetails(_ text: String) throws(DomainError) {
        guard text.unicodeScalars.count <= maximumDetailsLength else {
            throw DomainError(
                code: .invalidArgument, message: "a task's details have at most \(maximumDetailsLength) characters")
        }
    }

    /// The approved claims a member may have; 0 (not given) means 1.
    public static func checkedClaimLimit(_ requested: Int) throws(DomainError) -> Int {
        let limit = requested == 0 ? 1 : requested
        guard (1...maximumClaimsPerMember).contains(limit) else {
            throw DomainError(
                code: .invalidArgument,
                message: "a member may have 1 to \(maximumClaimsPerMember) approved claims on a task (0 means 1), "
                    + "not \(requested)")
        }
        return limit
    }

    /// Refuses a window that ends before (or when) it starts; an open bound is always fine.
    public static func checkClaimWindow(start: Date?, end: Date?) throws(DomainError) {
        if let start, let end, end <= start {
            throw DomainError(
                code: .invalidArgument,
                message: "the claim window must end after it starts (\(start) to \(end))")
        }
    }

    public func validate() throws(DomainError) {
        _ = try Self.checkedTitle(title)
        try Self.checkDetails(details)
        guard (1...Self.maximumClaimsPerMember).contains(maxClaimsPerMember) else {
            throw DomainError(
                code: .invalidArgument,
                message: "a member may have 1 to \(Self.maximumClaimsPerMember) approved claims on a task, "
                    + "not \(maxClaimsPerMember)")
        }
        try Self.checkClaimWindow(start: claimWindowStart, end: claimWindowEnd)
        try reward?.validate()
    }

    // MARK: Claiming

    /// The window claims are accepted in: the task's own bounds, an unset one taken from the
    /// campaign's period (and open when the campaign has no period either).
    public func claimWindow(in period: CampaignPeriod?) -> (start: Date?, end: Date?) {
        (claimWindowStart ?? period?.start, claimWindowEnd ?? period?.end)
    }

    /// Refuses a claim at `instant` outside the claim window (`[start, end)`).
    public func checkClaimable(at instant: Date, in period: CampaignPeriod?) throws(Refusal) {
        let window = claimWindow(in: period)
        if let start = window.start, instant < start {
            throw Refusal(.taskNotOpen, "task \(id) takes claims from \(start); it is not open yet")
        }
        if let end = window.end, instant >= end {
            throw Refusal(.taskNotOpen, "task \(id) took claims until \(end); its claim window is closed")
        }
    }

    /// Refuses a campaign that cannot take tasks: one of another kind, or one that completed or was
    /// cancelled. `forClaims` also needs it running (members claim only while it runs).
    public static func checkCampaign(_ campaign: Campaign, forClaims: Bool) throws(Refusal) {
        guard campaign.kind == .taskChallenge else {
            throw Refusal(
                .wrongKind,
                "campaign \(campaign.id) is a \(campaign.kind.rawValue) campaign; tasks belong to task_challenge "
                    + "campaigns")
        }
        if campaign.status.isTerminal {
            throw Refusal(
                .campaignFinished,
                "campaign \(campaign.id) is \(campaign.status.rawValue); its tasks and claims no longer change")
        }
        if forClaims && campaign.status != .running {
            throw Refusal(
                .campaignNotRunning,
                "campaign \(campaign.id) is \(campaign.status.rawValue); members claim tasks only while it runs")
        }
    }
}

public typealias CampaignTaskID = Identifier<CampaignTask>

extension CampaignTask {
    /// A task, claim or review the state does not allow: a campaign of another kind, a closed
    /// window, a claim already waiting. Unlike a bare ``DomainError`` it carries a stable
    /// ``Reason`` that clients branch on (sent as `ErrorDetail.reason`); every one is
    /// FAILED_PRECONDITION.
    public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// A stable lowercase code; new ones may be added, so clients must handle unknown ones.
        public struct Reason: Hashable, Sendable, CustomStringConvertible {
            public let rawValue: String
            private init(_ rawValue: String) { self.rawValue = rawValue }
            public var description: String { rawValue }

            /// The campaign is not a task_challenge campaign.
            public static let wrongKind = Reason("wrong_kind")
            /// The campaign completed or was cancelled.
            public static let campaignFinished = Reason("campaign_finished")
            /// Claims need a running campaign.
            public static let campaignNotRunning = Reason("campaign_not_running")
            /// The claim came before or after the task's claim window.
            public static let taskNotOpen = Reason("task_not_open")
            /// The member is deleted, erased or merged away.
            public static let memberDeleted = Reason("member_deleted")
            /// The task needs proof and the claim brought none.
            public static let proofMissing = Reason("proof_missing")
            /// The member has a claim on the task that waits for review.
            public static let claimWaiting = Reason("claim_waiting")
            /// The member has as many approved claims as the task allows.
            public static let claimLimitReached = Reason("claim_limit_reached")
            /// The claim was decided the other way already.
            public static let alreadyReviewed = Reason("already_reviewed")
        }

        public var reason: Reason
        public var message: String

        public init(_ reason: Reason, _ message: String) {
            self.reason = reason
            self.message = message
        }

        public var description: String { "\(reason): \(message)" }
    }
}
