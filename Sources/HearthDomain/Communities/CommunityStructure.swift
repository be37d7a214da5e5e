/// How a community is organised, which decides how much moderation it needs.
public enum CommunityStructure: String, Hashable, Sendable, Codable, CaseIterable {
    /// Peers, loose rules.
    case ring
    /// Admins and clear rules.
    case pyramid
}
