public import Foundation

/// An operator's request to moderate one member of one community, checked before anything is
/// locked; ``ModerationActionKind/effect(on:mutedUntil:until:now:)`` then decides what it does to the
/// membership.
public struct ModerationOrder: Hashable, Sendable {
    public var communityID: CommunityID
    public var memberID: MemberID
    public var kind: ModerationActionKind
    public var reason: String
    /// Required for a mute, absent otherwise.
    public var mutedUntil: Date?
    public var operatorID: String

    public init(
        communityID: CommunityID, memberID: MemberID, kind: ModerationActionKind, reason: String,
        mutedUntil: Date? = nil, operatorID: String
    ) {
        self.communityID = communityID
        self.memberID = memberID
        self.kind = kind
        self.reason = reason
        self.mutedUntil = mutedUntil
        self.operatorID = operatorID
    }

    /// A reason of 1 to 2,000 characters; a mute ends in the future; nothing else has an end.
    public func validate(now: Date = Date()) throws(DomainError) {
        guard (1...2_000).contains(CommunitySettings.trimmed(reason).unicodeScalars.count) else {
            throw DomainError(
                code: .invalidArgument,
                message: "moderation needs a reason of 1 to 2,000 characters; it is never silent")
        }
        guard !operatorID.isEmpty, operatorID.unicodeScalars.count <= 200 else {
            throw DomainError(code: .invalidArgument, message: "moderation needs the operator who acts")
        }
        switch (kind, mutedUntil) {
        case (.mute, nil):
            throw DomainError(code: .invalidArgument, message: "a mute needs the time it ends (muted_until)")
        case (.mute, let until?) where until <= now:
            throw DomainError(code: .invalidArgument, message: "a mute must end in the future")
        case (.mute, _), (_, nil):
            return
        case (_, _?):
            throw DomainError(code: .invalidArgument, message: "only a mute has an end time, not \(kind.rawValue)")
        }
    }
}

/// What a moderation step does to the membership.
public enum ModerationEffect: Hashable, Sendable {
    /// Recorded only (a warning).
    case recordOnly
    /// The member stays but is silent until the time.
    case mute(until: Date)
    /// The running mute ends now.
    case unmute
    /// The member is out of the group with this status (removed or banned); a ban of someone who
    /// was never in the group still records the ban, so they cannot join later.
    case end(MembershipStatus)
    /// The ban is lifted: the member is out (removed) but may rejoin.
    case unban
}

extension ModerationActionKind {
    /// The effect of this step on a membership in `current` status (`nil`: never in the group),
    /// or the refusal that says why it cannot apply.
    public func effect(
        on current: MembershipStatus?, mutedUntil: Date?, until: Date? = nil, now: Date = Date()
    ) throws(CommunityRefusal) -> ModerationEffect {
        let muted = mutedUntil.map { $0 > now } ?? false
        switch self {
        case .warn, .mute, .unmute:
            guard current == .active else {
                throw CommunityRefusal(.notActive, "only an active member can be warned, muted or unmuted")
            }
            if self == .warn { return .recordOnly }
            if self == .unmute {
                guard muted else { throw CommunityRefusal(.notMuted, "the member is not muted") }
                return .unmute
            }
            guard let until else {
                throw CommunityRefusal(.notActive, "a mute needs the time it ends")
            }
            return .mute(until: until)
        case .remove:
            guard current == .active || current == .pending else {
                throw CommunityRefusal(.notActive, "the member is not in this community")
            }
            return .end(.removed)
        case .ban:
            guard current != .banned else {
                throw CommunityRefusal(.alreadyBanned, "the member is banned already")
            }
            return .end(.banned)
        case .unban:
            guard current == .banned else { throw CommunityRefusal(.notBanned, "the member is not banned") }
            return .unban
        }
    }
}
