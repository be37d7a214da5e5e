/// A day a monthly schedule runs on: a numbered day or the month's last day.
///
/// Month ends: a numbered day the month does not have (the 31st in April, the 30th in February)
/// falls on that month's last day instead of being skipped, so "monthly on the 31st" runs once
/// every month, as an operator who means "at month end" expects. When two days of a schedule land on
/// the same date that way (the 30th and the 31st in February), the date runs once.
public enum DayOfMonth: Hashable, Sendable, CustomStringConvertible {
    /// 1 to 31 (checked by ``CampaignSchedule/validate()``).
    case day(Int)
    /// The last day, whatever the month's length.
    case last

    /// The wire's number: 1 to 31, or -1 for the last day; `nil` for anything else.
    public init?(number: Int) {
        switch number {
        case -1: self = .last
        case 1...31: self = .day(number)
        default: return nil
        }
    }

    /// 1 to 31, or -1 for ``last``: the form of the wire and of the stored schedule.
    public var number: Int {
        switch self {
        case .day(let day): day
        case .last: -1
        }
    }

    /// `"31"` or `"last"`.
    public var description: String {
        switch self {
        case .day(let day): String(day)
        case .last: "last"
        }
    }

    /// Whether the schedule runs on `date`, with a missing day moved to the month's last day.
    func falls(on date: CalendarDate) -> Bool {
        let lastDay = date.numberOfDaysInMonth
        switch self {
        case .day(let day): return date.day == min(day, lastDay)
        case .last: return date.day == lastDay
        }
    }
}
