/// What a campaign does; fixed at creation. Raw values are the schema's.
public enum CampaignKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// Invites members into a group: call lists for agents, QR posters, invite links.
    case recruitment
    /// E.g. every Thursday, announced on Wednesday, with warm-up messages.
    case recurringActivity = "recurring_activity"
    /// Wins back lapsed customers (e.g. by SMS).
    case reactivation
    /// Member-exclusive prices (offers).
    case flashOffer = "flash_offer"
    /// Tasks with rewards.
    case taskChallenge = "task_challenge"
    case contest
    /// A draw anyone can audit.
    case lottery
    /// Invite codes and the fission tree.
    case referral
}
