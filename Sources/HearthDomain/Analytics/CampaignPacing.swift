public import Foundation

/// A campaign's revenue and participants against its goal, at an even pace over its period: what
/// the campaign_reports job stores with each campaign's funnel.
///
///     elapsed   = share of the period passed at `now`, 0 (not started) … 1 (over)
///     expected  = goal × elapsed                      (where the figure should be by now)
///     projected = actual ÷ elapsed                    (end-of-period figure at the current pace;
///                                                      the actual figure while elapsed is 0)
///     on track  = actual ≥ expected for every goal set
///
/// Amounts round to the nearest fen and counts to the nearest member. `on track` is the same as
/// "projected ≥ goal" once the period has begun; before it begins nothing is expected yet, so every
/// campaign is on track; once it is over, expected is the goal itself.
///
/// Without a period (the campaign has none and no occurrence to take one from) there is no pace to
/// compare with: elapsed is 0, expected is 0, projected is the actual figure, and the campaign is on
/// track only once every goal set is reached. A campaign without goals is on track.
public struct CampaignPacing: Hashable, Sendable, Codable {
    public var goalRevenueFen: Int64?
    /// Net of refunds.
    public var revenueFen: Int64
    public var expectedRevenueFen: Int64
    public var projectedRevenueFen: Int64
    public var goalParticipants: Int?
    public var participants: Int64
    public var expectedParticipants: Int64
    public var projectedParticipants: Int64
    public var elapsedFraction: Double
    public var onTrack: Bool

    public init(
        goalRevenueFen: Int64?, goalParticipants: Int?, period: CampaignPeriod?, revenueFen: Int64,
        participants: Int64, at now: Date
    ) {
        let elapsed = period?.elapsedFraction(at: now) ?? 0
        self.goalRevenueFen = goalRevenueFen
        self.goalParticipants = goalParticipants
        self.revenueFen = revenueFen
        self.participants = participants
        self.elapsedFraction = elapsed
        expectedRevenueFen = goalRevenueFen.map { Self.whole(Double($0) * elapsed) } ?? 0
        expectedParticipants = goalParticipants.map { Self.whole(Double($0) * elapsed) } ?? 0
        projectedRevenueFen = elapsed > 0 ? Self.whole(Double(revenueFen) / elapsed) : revenueFen
        projectedParticipants = elapsed > 0 ? Self.whole(Double(participants) / elapsed) : participants
        if period == nil {
            onTrack =
                (goalRevenueFen.map { revenueFen >= $0 } ?? true)
                && (goalParticipants.map { participants >= Int64($0) } ?? true)
        } else {
            onTrack =
                (goalRevenueFen == nil || revenueFen >= expectedRevenueFen)
                && (goalParticipants == nil || participants >= expectedParticipants)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case goalRevenueFen = "goal_revenue_fen"
        case revenueFen = "revenue_fen"
        case expectedRevenueFen = "expected_revenue_fen"
        case projectedRevenueFen = "projected_revenue_fen"
        case goalParticipants = "goal_participants"
        case participants
        case expectedParticipants = "expected_participants"
        case projectedParticipants = "projected_participants"
        case elapsedFraction = "elapsed_fraction"
        case onTrack = "on_track"
    }

    /// Rounds half away from zero, saturating at the bounds of Int64 (a tiny elapsed share can
    /// project beyond them).
    private static func whole(_ value: Double) -> Int64 {
        let rounded = value.rounded()
        if rounded >= 9.2e18 { return .max }
        if rounded <= -9.2e18 { return .min }
        return Int64(rounded)
    }
}
