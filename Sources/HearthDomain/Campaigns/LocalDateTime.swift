/// A date and a wall-clock time with no zone: what an operator sees on a calendar
/// ("2026-11-26T19:00"), and the key that names an occurrence.
public struct LocalDateTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var date: CalendarDate
    public var time: LocalTime

    public init(date: CalendarDate, time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// `2026-11-26T19:00`: ISO 8601 without seconds or offset, so it sorts as text in time order.
    public var description: String { "\(date)T\(time)" }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date.dayNumber, lhs.time.minuteOfDay) < (rhs.date.dayNumber, rhs.time.minuteOfDay)
    }
}
