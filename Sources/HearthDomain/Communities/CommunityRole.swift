/// The role an operator assigns a member in a community (the behaviour-based social role is
/// ``Membership/SocialRole``).
public enum CommunityRole: String, Hashable, Sendable, Codable, CaseIterable {
    /// The group's owner on the platform; a community has at most one active owner.
    case owner
    case admin
    /// A trusted member who carries the group's culture, e.g. into a replica.
    case core
    case regular

    /// The roles a replica is seeded with when the operator names no seeds.
    public static let carriersOfCulture: Set<CommunityRole> = [.owner, .admin, .core]
}
