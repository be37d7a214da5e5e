public import Foundation

/// A member's place in one campaign's referral tree (the fission tree: who brought whom).
///
/// A member is in a campaign's tree at most once. A root is a member who brought others in before
/// anyone referred them; everyone else hangs under the member whose code they came with, one level
/// deeper. `path` lists the ancestors, which is what makes loops checkable without walking the tree.
public struct ReferralNode: Hashable, Sendable {
    public var campaignID: CampaignID
    public var memberID: MemberID
    /// `nil` for a root.
    public var referrerMemberID: MemberID?
    /// The code the member came with; `nil` for a root.
    public var code: ReferralCode?
    /// Levels below the root: 0 for a root.
    public var depth: Int
    /// The ancestors, the root first and the direct referrer last (`path.count == depth`).
    public var path: [MemberID]
    /// When the member joined the tree (a root: when they first brought someone in).
    public var referredAt: Date
    /// Members this one brought in with their own code.
    public var directCount: Int64
    /// Members below this one at any depth.
    public var descendantCount: Int64

    public init(
        campaignID: CampaignID, memberID: MemberID, referrerMemberID: MemberID? = nil, code: ReferralCode? = nil,
        depth: Int = 0, path: [MemberID] = [], referredAt: Date = Date(), directCount: Int64 = 0,
        descendantCount: Int64 = 0
    ) {
        self.campaignID = campaignID
        self.memberID = memberID
        self.referrerMemberID = referrerMemberID
        self.code = code
        self.depth = depth
        self.path = path
        self.referredAt = referredAt
        self.directCount = directCount
        self.descendantCount = descendantCount
    }

    /// The ancestors nearest first: the direct referrer (level 1), their referrer (level 2), … as
    /// rewards count levels.
    public var ancestorsNearestFirst: [MemberID] { path.reversed() }

    /// The node of `newcomer`, brought in by this member with `code`: one level deeper, with this
    /// member appended to the path. Refuses a member's own code, and a newcomer who is above this
    /// member already (A brought B in, so B's code cannot bring A in): that would close a loop.
    public func child(_ newcomer: MemberID, code: ReferralCode, at date: Date = Date()) throws(ReferralRefusal)
        -> ReferralNode
    {
        guard newcomer != memberID else {
            throw ReferralRefusal(
                .selfReferral, "member \(newcomer) cannot be referred with their own code \(code)")
        }
        guard !path.contains(newcomer) else {
            throw ReferralRefusal(
                .referralCycle,
                "member \(newcomer) is above member \(memberID) in this campaign's referral tree (they brought them "
                    + "in, directly or through others), so \(memberID)'s code \(code) cannot bring them in")
        }
        return ReferralNode(
            campaignID: campaignID, memberID: newcomer, referrerMemberID: memberID, code: code, depth: depth + 1,
            path: path + [memberID], referredAt: date)
    }
}

/// A referral the campaign's state does not allow: the wrong kind of campaign, a finished one, a
/// member who is gone, a self-referral, a loop, a newcomer already in the tree. Unlike a bare
/// ``DomainError`` it carries a stable ``Reason`` clients branch on (sent as `ErrorDetail.reason`).
public struct ReferralRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable lowercase code; new ones may be added, so clients must handle unknown ones.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The campaign is not a referral campaign.
        public static let wrongKind = Reason("wrong_kind")
        /// The campaign is completed or cancelled: it hands out no more codes.
        public static let campaignFinished = Reason("campaign_finished")
        /// Referrals count only while the campaign runs.
        public static let campaignNotRunning = Reason("campaign_not_running")
        /// The member is deleted, erased or merged away.
        public static let memberDeleted = Reason("member_deleted")
        /// A member used their own code.
        public static let selfReferral = Reason("self_referral")
        /// The newcomer is above the code's owner in the tree.
        public static let referralCycle = Reason("referral_cycle")
        /// The newcomer is in the campaign's tree already, through another code or as a root.
        public static let alreadyReferred = Reason("already_referred")
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The status code the edge sends: ALREADY_EXISTS for a newcomer already in the tree, otherwise
    /// FAILED_PRECONDITION (the state, not the input, is in the way).
    public var code: DomainError.Code {
        reason == .alreadyReferred ? .alreadyExists : .failedPrecondition
    }

    public var description: String { "\(reason): \(message)" }
}
