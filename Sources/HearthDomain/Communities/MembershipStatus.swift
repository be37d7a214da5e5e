/// Where a member stands with a community.
public enum MembershipStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// A join request awaiting approval.
    case pending
    case active
    case left
    case removed
    /// Cannot rejoin until unbanned.
    case banned

    /// Statuses of someone who is in the group or asking to be; lists show these by default.
    public static let present: [MembershipStatus] = [.pending, .active]
}
