/// A community refused a change its state does not allow: a full group, a banned member, a wrong
/// pass phrase. Unlike a bare ``DomainError`` it carries a stable ``Reason`` that clients branch
/// on (sent as `ErrorDetail.reason`), e.g. to offer the next group when one is full.
public struct CommunityRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable lowercase code; new ones may be added, so clients must handle unknown ones.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Every seat is taken.
        public static let communityFull = Reason("community_full")
        /// The member is banned from the group (or, for join links, from a group of the family).
        public static let banned = Reason("banned")
        /// Only an invitation brings someone into this group.
        public static let inviteOnly = Reason("invite_only")
        /// The pass phrase is missing or wrong.
        public static let passPhraseWrong = Reason("pass_phrase_wrong")
        /// A paid group needs the order that paid for the seat.
        public static let paymentRequired = Reason("payment_required")
        /// The order already paid for another member's seat, or a seat in another group.
        public static let paymentOrderUsed = Reason("payment_order_used")
        /// The group is archived: no joins, no changes to its settings.
        public static let archived = Reason("archived")
        /// The member is deleted, erased or merged away.
        public static let memberDeleted = Reason("member_deleted")
        /// The member is already active (or already asked to join).
        public static let alreadyMember = Reason("already_member")
        /// Only a pending join request can be approved or rejected.
        public static let notPending = Reason("not_pending")
        /// The step needs an active member.
        public static let notActive = Reason("not_active")
        /// Unmute without a running mute.
        public static let notMuted = Reason("not_muted")
        /// Unban without a ban.
        public static let notBanned = Reason("not_banned")
        /// Ban of a member who is banned already.
        public static let alreadyBanned = Reason("already_banned")
        /// A capacity below the members the group has now.
        public static let capacityBelowMembers = Reason("capacity_below_members")
        /// A replica's seed is not an active member of the group it is copied from.
        public static let seedNotActive = Reason("seed_not_active")
        /// The join link expired.
        public static let linkExpired = Reason("link_expired")
        /// Every group of the join link's family is archived.
        public static let familyArchived = Reason("family_archived")
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The status code the edge sends: ALREADY_EXISTS for a member who is already in, otherwise
    /// FAILED_PRECONDITION (the state, not the input, is in the way).
    public var code: DomainError.Code {
        reason == .alreadyMember ? .alreadyExists : .failedPrecondition
    }

    public var description: String { "\(reason): \(message)" }
}
