/// The stages of one occurrence, each with its own messages; raw values are the schema's.
public enum CampaignPhase: String, Hashable, Sendable, Codable, CaseIterable {
    /// Tells members it is coming ("tomorrow at 19:00: members-only prices").
    case announce
    /// Builds anticipation in the hours before the start.
    case warmUp = "warm_up"
    /// At (or during) the occurrence itself.
    case live
    /// After the end: results, thanks, the next date.
    case review

    /// How messages about the phase name a message of it: "an announcement goes out before the start".
    var messageName: String {
        switch self {
        case .announce: "an announcement"
        case .warmUp: "a warm-up message"
        case .live: "the live message"
        case .review: "a review message"
        }
    }
}
