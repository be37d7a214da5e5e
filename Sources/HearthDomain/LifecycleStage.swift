/// Where a member stands with the company, in the operators' words.
public enum LifecycleStage: String, Sendable, Codable, CaseIterable {
    /// Heard of us.
    case audience
    /// Tried the product.
    case user
    /// Satisfied, recommends us.
    case fan
    /// An active member of our groups.
    case community
    /// A customer who stopped buying: a reactivation target.
    case lapsed
}
