public import Foundation

/// How a member's behaviour in one group earns a social role: the rules the "social_roles" job
/// evaluates in SQL for every active membership, written out here as the reference.
///
/// **What is read** — the member's events in that group over the last ``windowDays`` (30) days, and
/// the moderation recorded against them there. Hearth stores no message text, so the rules read the
/// facts the IM adapter puts in a message's properties (see `EventInput.properties`): `length`
/// (characters), `is_question` (a question or call for help, e.g. ending in ？ or naming a help
/// keyword), `reply_to_member_id`, `announcement` (a notice or pinned message) and `moderation`
/// (the member acted as a moderator, e.g. removed spam). An open feedback event is a complaint when
/// its properties say `"complaint": true` or a negative `sentiment` (a number below 0, or
/// `"negative"`), and a request for help otherwise. Moderation actions name the member they were
/// taken against, not who took them, so a warning, mute, removal or ban counts as a dispute.
///
/// **Signals** per membership:
/// - organizer = 3 × (announcements + moderating messages) + replies to other members;
/// - thinker = long messages (``longMessageLength``, 80 characters or more) + 2 × shares;
/// - energizer = short messages (under ``shortMessageLength``, 20 characters) + check-ins;
/// - asker = questions + requests for help;
/// - challenger = complaints + moderation actions against the member.
///
/// **Relative to the group.** A signal *stands out* when it is at least ``minimumSignal`` (3) and at
/// least ``standOutRatio`` (1.5) times the group's average of that signal over all its active
/// members (the silent ones included), so a busy group needs more than a quiet one.
///
/// **Order of precedence** (the first that holds decides):
/// 1. `challenger` — at least ``challengerMinimum`` (2) complaints and moderation actions: disputes
///    are rare, so they count absolutely and before anything else the member does;
/// 2. the standing-out role with the largest signal-to-average ratio (ties in the order organizer,
///    thinker, energizer, asker);
/// 3. `lurker` — at most ``lurkerMaxMessages`` (2) messages;
/// 4. none: an ordinary member without a distinct role (`memberships.social_role` NULL).
///
/// A member's overall role (`members.social_role`) is the role of the group where they did the
/// most in the window; ties go to a role other than lurker, then in ``dominanceOrder``.
public struct SocialRoleRules: Sendable, Hashable {
    public var windowDays: Int
    /// Messages of at least this many characters are substantive.
    public var longMessageLength: Int
    /// Messages of fewer characters are short.
    public var shortMessageLength: Int
    public var standOutRatio: Double
    public var minimumSignal: Double
    public var lurkerMaxMessages: Int
    public var challengerMinimum: Double

    /// What an announcement or a moderating message weighs against one reply.
    public static let announcementWeight: Double = 3
    /// What a share weighs against one long message.
    public static let shareWeight: Double = 2
    /// The roles that may stand out, in their tie order.
    public static let standOutOrder: [Membership.SocialRole] = [.organizer, .thinker, .energizer, .asker]
    /// Tie order of the overall role.
    public static let dominanceOrder: [Membership.SocialRole] = [
        .challenger, .organizer, .thinker, .energizer, .asker, .lurker,
    ]

    public static let standard = SocialRoleRules(
        windowDays: 30, longMessageLength: 80, shortMessageLength: 20, standOutRatio: 1.5, minimumSignal: 3,
        lurkerMaxMessages: 2, challengerMinimum: 2)

    public init(
        windowDays: Int, longMessageLength: Int, shortMessageLength: Int, standOutRatio: Double,
        minimumSignal: Double, lurkerMaxMessages: Int, challengerMinimum: Double
    ) {
        self.windowDays = windowDays
        self.longMessageLength = longMessageLength
        self.shortMessageLength = shortMessageLength
        self.standOutRatio = standOutRatio
        self.minimumSignal = minimumSignal
        self.lurkerMaxMessages = lurkerMaxMessages
        self.challengerMinimum = challengerMinimum
    }

    /// ``standard`` with a tenant's overrides, each a number as text: `window_days` (1 to 365),
    /// `long_message_length` and `short_message_length` (1 to 10000, short below long),
    /// `stand_out_ratio` (1 to 100), `minimum_signal` (1 to 10000), `lurker_max_messages`
    /// (0 to 10000) and `challenger_minimum` (1 to 10000).
    public init(parameters: [String: String]) throws(DomainError) {
        self = .standard
        for (key, text) in parameters.sorted(by: { $0.key < $1.key }) {
            let number = Double(text.trimmingCharacters(in: .whitespaces))
            func whole(_ range: ClosedRange<Int>) throws(DomainError) -> Int {
                guard let number, number == number.rounded(), let value = Int(exactly: number), range.contains(value)
                else { throw Self.invalid(key, text, "a whole number from \(range.lowerBound) to \(range.upperBound)") }
                return value
            }
            func real(_ range: ClosedRange<Double>) throws(DomainError) -> Double {
                guard let number, range.contains(number) else {
                    throw Self.invalid(key, text, "a number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            switch key {
            case "window_days": windowDays = try whole(1...365)
            case "long_message_length": longMessageLength = try whole(1...10_000)
            case "short_message_length": shortMessageLength = try whole(1...10_000)
            case "stand_out_ratio": standOutRatio = try real(1...100)
            case "minimum_signal": minimumSignal = try real(1...10_000)
            case "lurker_max_messages": lurkerMaxMessages = try whole(0...10_000)
            case "challenger_minimum": challengerMinimum = try real(1...10_000)
            default:
                throw DomainError(
                    code: .invalidArgument,
                    message: "the social_roles job has no setting \"\(key)\"; it takes window_days, "
                        + "long_message_length, short_message_length, stand_out_ratio, minimum_signal, "
                        + "lurker_max_messages and challenger_minimum")
            }
        }
        guard shortMessageLength <= longMessageLength else {
            throw DomainError(
                code: .invalidArgument,
                message: "social_roles setting short_message_length (\(shortMessageLength)) must not exceed "
                    + "long_message_length (\(longMessageLength))")
        }
    }

    private static func invalid(_ key: String, _ text: String, _ what: String) -> DomainError {
        DomainError(code: .invalidArgument, message: "social_roles setting \(key)=\"\(text)\" must be \(what)")
    }

    /// Where the window starts: events after this instant and up to now count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-Double(windowDays) * 86_400) }

    /// One membership's signals over the window (or a group's averages of them).
    public struct Signals: Sendable, Hashable {
        public var messages: Int
        public var organizer: Double
        public var thinker: Double
        public var energizer: Double
        public var asker: Double
        public var challenger: Double

        public init(
            messages: Int = 0, organizer: Double = 0, thinker: Double = 0, energizer: Double = 0, asker: Double = 0,
            challenger: Double = 0
        ) {
            self.messages = messages
            self.organizer = organizer
            self.thinker = thinker
            self.energizer = energizer
            self.asker = asker
            self.challenger = challenger
        }

        /// The signal of a role that may stand out; 0 for lurker and challenger.
        public func signal(for role: Membership.SocialRole) -> Double {
            switch role {
            case .organizer: organizer
            case .thinker: thinker
            case .energizer: energizer
            case .asker: asker
            case .challenger: challenger
            case .lurker: 0
            }
        }

        /// The mean of each signal over a group's members.
        public static func average(of group: [Signals]) -> Signals {
            guard !group.isEmpty else { return Signals() }
            let count = Double(group.count)
            return Signals(
                messages: group.reduce(0) { $0 + $1.messages } / group.count,
                organizer: group.reduce(0) { $0 + $1.organizer } / count,
                thinker: group.reduce(0) { $0 + $1.thinker } / count,
                energizer: group.reduce(0) { $0 + $1.energizer } / count,
                asker: group.reduce(0) { $0 + $1.asker } / count,
                challenger: group.reduce(0) { $0 + $1.challenger } / count)
        }
    }

    /// The role a member with `signals` plays in a group whose members average `groupAverage`;
    /// `nil` for an ordinary member.
    public func role(of signals: Signals, groupAverage: Signals) -> Membership.SocialRole? {
        if signals.challenger >= challengerMinimum { return .challenger }
        var best: (role: Membership.SocialRole, ratio: Double)?
        for role in Self.standOutOrder {
            let signal = signals.signal(for: role)
            let average = groupAverage.signal(for: role)
            guard signal >= minimumSignal, average > 0, signal >= standOutRatio * average else { continue }
            let ratio = signal / average
            if let current = best, current.ratio >= ratio { continue }
            best = (role, ratio)
        }
        if let best { return best.role }
        return signals.messages <= lurkerMaxMessages ? .lurker : nil
    }

    /// A member's overall role from their roles per group with what they did there (events in the
    /// window); `nil` when they have none.
    public static func dominant(_ roles: [(role: Membership.SocialRole, events: Int)]) -> Membership.SocialRole? {
        roles.min { first, second in
            if first.events != second.events { return first.events > second.events }
            if (first.role == .lurker) != (second.role == .lurker) { return second.role == .lurker }
            return dominanceOrder.firstIndex(of: first.role)! < dominanceOrder.firstIndex(of: second.role)!
        }?.role
    }
}
