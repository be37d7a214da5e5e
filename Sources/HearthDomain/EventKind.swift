/// What a member did. Events are the raw material of every report.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case message
    case checkIn = "check_in"
    case share
    case referral
    case purchase
    case campaignParticipation = "campaign_participation"
    case visit
    case feedback
    case join
    case leave
}
