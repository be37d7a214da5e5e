/// A day of the week, as weekly schedules name them; raw values are the schema's and the JSON's.
///
/// Numbered the ISO way (Monday 1 … Sunday 7), like `DayOfWeek` on the wire; cron's own numbering
/// (Sunday 0 or 7) stays inside ``CronExpression``.
public enum Weekday: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case monday
    case tuesday
    case wednesday
    case thursday
    case friday
    case saturday
    case sunday

    /// 1 (Monday) to 7 (Sunday).
    public var isoNumber: Int {
        switch self {
        case .monday: 1
        case .tuesday: 2
        case .wednesday: 3
        case .thursday: 4
        case .friday: 5
        case .saturday: 6
        case .sunday: 7
        }
    }

    /// `nil` outside 1 to 7.
    public init?(isoNumber: Int) {
        guard (1...7).contains(isoNumber) else { return nil }
        self = Self.allCases[isoNumber - 1]
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.isoNumber < rhs.isoNumber }
}
