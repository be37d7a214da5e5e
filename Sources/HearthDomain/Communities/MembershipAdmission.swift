/// The rules that decide whether, and as what, a member comes into a community. The store gathers
/// the facts under a lock on the community row and asks here, so the rules are tested without a
/// database and the same in every path (join, invitation, approval, join link, replication).
public enum MembershipAdmission {
    /// How the member comes in; each way has its own rules.
    public enum Route: Hashable, Sendable {
        /// The member asks (JoinCommunity): the join policy, pass phrase and payment apply.
        case request(passPhraseMatches: Bool, paymentOrderGiven: Bool)
        /// An operator or a member invites them (InviteMember): any policy, no pass phrase; a pending
        /// request is thereby granted.
        case invitation
        /// An operator grants a pending request (ApproveJoin).
        case approval
        /// Through a join link: the link is the invitation, so policy and pass phrase do not apply.
        case joinLink
        /// Carried into a new replica as one of its seeds.
        case seed
    }

    /// What the store knows about the group and the member when deciding.
    public struct Facts: Hashable, Sendable {
        public var policy: JoinPolicy
        public var archived: Bool
        public var capacity: Int
        /// Active members now (the row lock keeps it true until the decision is written).
        public var activeCount: Int
        public var passPhraseRequired: Bool
        /// The member's status in the group, `nil` when they were never in it.
        public var current: MembershipStatus?
        /// Deleted, erased or merged away.
        public var memberGone: Bool

        public init(
            policy: JoinPolicy, archived: Bool, capacity: Int, activeCount: Int, passPhraseRequired: Bool,
            current: MembershipStatus?, memberGone: Bool
        ) {
            self.policy = policy
            self.archived = archived
            self.capacity = capacity
            self.activeCount = activeCount
            self.passPhraseRequired = passPhraseRequired
            self.current = current
            self.memberGone = memberGone
        }
    }

    /// The status the membership gets (`.active`, or `.pending` for a request under the approval
    /// policy), or the refusal that says why not.
    public static func decide(_ route: Route, facts: Facts) throws(CommunityRefusal) -> MembershipStatus {
        if facts.archived {
            throw CommunityRefusal(.archived, "the community is archived; it takes no new members")
        }
        if facts.memberGone {
            throw CommunityRefusal(.memberDeleted, "the member is deleted, erased or merged; restore them first")
        }
        switch (facts.current, route) {
        case (.banned?, _):
            throw CommunityRefusal(.banned, "the member is banned from this community; unban them first")
        case (.active?, _):
            throw CommunityRefusal(.alreadyMember, "the member is already an active member of this community")
        case (.pending?, .request):
            throw CommunityRefusal(.alreadyMember, "the member already asked to join; approve or reject the request")
        case (.pending?, _):
            break
        case (_, .approval):
            throw CommunityRefusal(.notPending, "the member has no pending join request to approve")
        default:
            break
        }
        if case .request(let passPhraseMatches, let paymentOrderGiven) = route {
            switch facts.policy {
            case .inviteOnly:
                throw CommunityRefusal(.inviteOnly, "this community is invite-only; invite the member instead")
            case .paid where !paymentOrderGiven:
                throw CommunityRefusal(
                    .paymentRequired, "this community is paid; give the order that paid for the seat")
            default:
                break
            }
            if facts.passPhraseRequired && !passPhraseMatches {
                throw CommunityRefusal(.passPhraseWrong, "the pass phrase is missing or wrong")
            }
            if facts.policy == .approval { return .pending }
        }
        guard facts.activeCount < facts.capacity else {
            throw CommunityRefusal(
                .communityFull,
                "the community is full (\(facts.activeCount) of \(facts.capacity) seats); "
                    + "raise its capacity, replicate it or use a join link")
        }
        return .active
    }
}
