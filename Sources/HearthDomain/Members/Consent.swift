public import Foundation

/// The channels a member gives or refuses consent for; raw values are the schema's.
public enum ConsentChannel: String, Hashable, Sendable, Codable, CaseIterable {
    case sms
    case im
    case phone
}

/// One consent decision of a member on one channel: what, where it came from, and when the member
/// decided (not when Hearth heard of it).
///
/// Which decision is current follows ``supersedes(_:)`` — the later decision wins and a refusal
/// wins a tie — so decisions arriving out of order (a late SMS-gateway callback, an import of old
/// sign-up forms) settle on the same state whatever order they arrive in.
public struct ConsentDecision: Hashable, Sendable {
    public var channel: ConsentChannel
    public var granted: Bool
    /// Where the decision came from, e.g. `sms_reply_td`, `signup_form`, `operator`, `import`.
    public var source: String
    /// The operator who recorded it; `nil` when the member or a system made the change.
    public var operatorID: UUID?
    public var changedAt: Date

    /// Most characters of a source.
    public static let maximumSourceLength = 64
    /// How far past "now" a decision's time may lie: client clocks run a little fast, and refusing
    /// a refusal over a second of skew would keep contacting someone who said no.
    public static let allowedClockSkew: TimeInterval = 120

    public init(channel: ConsentChannel, granted: Bool, source: String, operatorID: UUID? = nil, changedAt: Date) {
        self.channel = channel
        self.granted = granted
        self.source = source
        self.operatorID = operatorID
        self.changedAt = changedAt
    }

    /// Checks the source (1 to 64 characters) and that the decision does not lie in the future.
    public func validate(now: Date = Date()) throws(DomainError) {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed == source, source.unicodeScalars.count <= Self.maximumSourceLength else {
            throw DomainError(
                code: .invalidArgument,
                message: "a consent source has 1 to \(Self.maximumSourceLength) characters without surrounding "
                    + "spaces, e.g. \"signup_form\"")
        }
        guard changedAt.timeIntervalSince(now) <= Self.allowedClockSkew else {
            throw DomainError(
                code: .invalidArgument,
                message: "a consent decision cannot lie in the future (changed_at \(changedAt) is after \(now))")
        }
    }

    /// Whether this decision replaces `current` as the member's consent on the channel.
    ///
    /// The rule ("opt-out wins"): the later decision wins; at the same time (to the microsecond, the
    /// precision times are stored with) a refusal beats a grant. So a grant never overrides a refusal
    /// made at the same time or later, and an older decision arriving late changes nothing (it is
    /// still kept in the history). Repeating the current decision at its own time is no change.
    public func supersedes(_ current: ConsentDecision?) -> Bool {
        guard let current else { return true }
        let mine = Self.microseconds(changedAt)
        let theirs = Self.microseconds(current.changedAt)
        if mine != theirs { return mine > theirs }
        return !granted && current.granted
    }

    /// The consent of a member formed by merging two profiles, on one channel.
    ///
    /// Stricter than ``supersedes(_:)``: if either profile refused, the merged member has refused
    /// (the later refusal), whenever the other granted. We cannot tell which profile's grant the
    /// person meant, and contacting someone who said no on one of their numbers is the worse error.
    /// Two grants: the later one. Only one decision: that one.
    public static func merged(_ first: ConsentDecision?, _ second: ConsentDecision?) -> ConsentDecision? {
        guard let first else { return second }
        guard let second else { return first }
        switch (first.granted, second.granted) {
        case (false, true): return first
        case (true, false): return second
        default: return microseconds(second.changedAt) > microseconds(first.changedAt) ? second : first
        }
    }

    /// `date` in whole microseconds since 1970, rounded as PostgreSQL stores it.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// One entry of a member's consent history (`consent_changes`): a decision and when Hearth
/// recorded it. The history is append-only: the evidence (PIPL) of when and how the member agreed
/// or refused.
public struct ConsentChange: Hashable, Sendable {
    public var id: UUID
    public var memberID: MemberID
    public var decision: ConsentDecision
    public var recordedAt: Date

    public init(id: UUID, memberID: MemberID, decision: ConsentDecision, recordedAt: Date) {
        self.id = id
        self.memberID = memberID
        self.decision = decision
        self.recordedAt = recordedAt
    }
}
