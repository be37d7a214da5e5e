/// A moderation step. Lifting a mute or a ban is a step of its own, so the record stays
/// append-only.
public enum ModerationActionKind: String, Hashable, Sendable, Codable, CaseIterable {
    case warn
    /// Silences the member until a time.
    case mute
    /// Takes the member out of the group; they may rejoin.
    case remove
    /// Takes the member out and keeps them out until unbanned.
    case ban
    case unmute
    case unban
}
