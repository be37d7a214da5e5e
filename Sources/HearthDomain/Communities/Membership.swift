public import Foundation

/// A member in a community: the role operators assign, the social role behaviour earns, and
/// whether they are in, pending, gone or banned. One per member and group; leaving and rejoining
/// change it, and join and leave events keep the history.
public struct Membership: Hashable, Sendable {
    /// The part a member plays in a group, computed from behaviour by the analytics worker.
    public enum SocialRole: String, Hashable, Sendable, Codable, CaseIterable {
        /// Keeps order.
        case organizer
        /// Posts substance.
        case thinker
        /// Livens the mood.
        case energizer
        /// Asks for help.
        case asker
        /// Reads, rarely speaks.
        case lurker
        /// Openly disputes the group's operation.
        case challenger
    }

    public var communityID: CommunityID
    public var memberID: MemberID
    public var role: CommunityRole
    public var status: MembershipStatus
    /// `nil` until there is enough behaviour to judge.
    public var socialRole: SocialRole?
    /// Who brought the member in (the referral tree); `nil` when an operator did or they joined.
    public var invitedBy: MemberID?
    public var joinedAt: Date?
    public var leftAt: Date?
    /// Set only while the member is muted.
    public var mutedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        communityID: CommunityID,
        memberID: MemberID,
        role: CommunityRole = .regular,
        status: MembershipStatus,
        socialRole: SocialRole? = nil,
        invitedBy: MemberID? = nil,
        joinedAt: Date? = nil,
        leftAt: Date? = nil,
        mutedUntil: Date? = nil,
        createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.communityID = communityID
        self.memberID = memberID
        self.role = role
        self.status = status
        self.socialRole = socialRole
        self.invitedBy = invitedBy
        self.joinedAt = joinedAt
        self.leftAt = leftAt
        self.mutedUntil = mutedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
