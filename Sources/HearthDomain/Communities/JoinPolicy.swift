/// How a member gets into a community.
public enum JoinPolicy: String, Hashable, Sendable, Codable, CaseIterable {
    /// Anyone joins at once.
    case open
    /// Joining creates a pending request an operator approves or rejects.
    case approval
    /// Only an invitation (by an operator or a member) brings someone in.
    case inviteOnly = "invite_only"
    /// Joining needs a paid order.
    case paid
}
