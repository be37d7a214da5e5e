/// Where one occurrence stands; raw values are the schema's.
public enum OccurrenceStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case scheduled
    case running
    case completed
    /// Cancelled with the campaign, or skipped while it was paused (never caught up: see
    /// ``CampaignResumePlan``).
    case cancelled
}
