/// Whether a community is the company's core circle or a public group.
public enum CommunityVisibility: String, Hashable, Sendable, Codable, CaseIterable {
    /// A core group of the most engaged members.
    case inner
    /// A public group newcomers are routed into.
    case outer
}
