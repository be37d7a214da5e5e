/// When a phase message goes out, relative to its occurrence: the start, or for the review phase
/// the end.
///
/// Two kinds, because operators mean two different things:
/// - an ``offset(_:)`` is elapsed time ("2 hours before", "30 minutes after the end"): exactly that
///   many seconds, even across a DST change;
/// - a ``dayTime(dayOffset:at:)`` is a calendar day and a wall-clock time ("the day before at
///   10:00"): counted in local days from the occurrence's local date (the review phase: the end's
///   local date) and kept at 10:00 local time whatever DST does in between.
public enum PhaseTiming: Hashable, Sendable {
    /// Negative: before; e.g. `.seconds(-7_200)` for a warm-up two hours before the start.
    case offset(Duration)
    /// e.g. `dayOffset: -1, at: 10:00` for an announcement the day before at 10:00.
    case dayTime(dayOffset: Int, at: LocalTime)

    /// The most warm-ups ``evenlySpaced(count:before:)`` makes: more is spam.
    public static let maximumEvenlySpacedCount = 24

    /// `count` offsets spread evenly over the `window` before the start, the first at the start of
    /// the window and the last one spacing before the start (the live message is at the start):
    /// 3 over 3 hours gives -3 h, -2 h and -1 h.
    public static func evenlySpaced(count: Int, before window: Duration) throws(DomainError) -> [PhaseTiming] {
        guard (1...maximumEvenlySpacedCount).contains(count) else {
            throw DomainError(
                code: .invalidArgument,
                message: "evenly spaced warm-ups number 1 to \(maximumEvenlySpacedCount), not \(count)")
        }
        guard window > .zero else {
            throw DomainError(
                code: .invalidArgument, message: "warm-ups need a window of time before the start to spread over")
        }
        let spacing = window / count
        return (0..<count).map { PhaseTiming.offset(Duration.zero - window + spacing * $0) }
    }
}

extension PhaseTiming: Codable {
    private enum CodingKeys: String, CodingKey {
        case offsetSeconds = "offset_seconds"
        case dayOffset = "day_offset"
        case time
    }

    /// `{"offset_seconds": -7200}` or `{"day_offset": -1, "time": "10:00"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let seconds = try container.decodeIfPresent(Int64.self, forKey: .offsetSeconds) {
            self = .offset(.seconds(seconds))
        } else {
            let dayOffset = try container.decode(Int.self, forKey: .dayOffset)
            let time = try container.decode(LocalTime.self, forKey: .time)
            self = .dayTime(dayOffset: dayOffset, at: time)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .offset(let offset):
            try container.encode(offset.components.seconds, forKey: .offsetSeconds)
        case .dayTime(let dayOffset, let time):
            try container.encode(dayOffset, forKey: .dayOffset)
            try container.encode(time, forKey: .time)
        }
    }
}
