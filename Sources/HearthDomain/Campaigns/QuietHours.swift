public import Foundation

/// The hours of the night no message goes out (by default 21:00–08:00), on the clocks of the
/// member's or the tenant's time zone.
///
/// The window runs from ``start`` (included) to ``end`` (excluded) and may cross midnight
/// (21:00–08:00) or not (12:00–14:00, a lunch break). Equal start and end mean no quiet hours.
/// Times are read to the minute, so 20:59:59 is not quiet yet and 07:59:59 still is.
public struct QuietHours: Hashable, Sendable, Codable {
    /// 21:00–08:00.
    public static let `default` = QuietHours(
        start: LocalTime(uncheckedHour: 21, minute: 0), end: LocalTime(uncheckedHour: 8, minute: 0))

    public var start: LocalTime
    public var end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// Reads `21:00-08:00` (start, then end, on a 24-hour clock), or `off` for none: how an
    /// installation states its quiet hours (`HEARTH_QUIET_HOURS`).
    public init(parsing text: String) throws(DomainError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["off", "none"].contains(trimmed.lowercased()) {
            self.init(start: .midnight, end: .midnight)
            return
        }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw DomainError(
                code: .invalidArgument,
                message: "write quiet hours as START-END on a 24-hour clock, e.g. 21:00-08:00, or off; not \"\(text)\"")
        }
        self.init(
            start: try LocalTime(parsing: parts[0].trimmingCharacters(in: .whitespaces)),
            end: try LocalTime(parsing: parts[1].trimmingCharacters(in: .whitespaces)))
    }

    /// No quiet hours at all.
    public var isEmpty: Bool { start == end }

    /// Whether the window crosses midnight.
    public var crossesMidnight: Bool { end < start }

    /// Whether `instant` falls in the quiet hours of `timeZone`.
    public func isQuiet(_ instant: Date, in timeZone: TimeZone) -> Bool {
        contains(timeZone.wallClock(at: instant).minuteOfDay)
    }

    /// The first instant at or after `instant` that is not quiet in `timeZone`: `instant` itself
    /// outside the quiet hours, else the end of the window (the same day's 08:00 after midnight,
    /// the next day's after 21:00). An end that DST skips moves forward, as schedules do.
    public func nextAllowed(atOrAfter instant: Date, in timeZone: TimeZone) -> Date {
        let wall = timeZone.wallClock(at: instant)
        guard contains(wall.minuteOfDay) else { return instant }
        let endsTomorrow = crossesMidnight && wall.minuteOfDay >= start.minuteOfDay
        let day = endsTomorrow ? wall.day + 1 : wall.day
        return timeZone.instant(at: WallClock(day: day, minuteOfDay: end.minuteOfDay))
    }

    private func contains(_ minuteOfDay: Int) -> Bool {
        if isEmpty { return false }
        if crossesMidnight { return minuteOfDay >= start.minuteOfDay || minuteOfDay < end.minuteOfDay }
        return start.minuteOfDay <= minuteOfDay && minuteOfDay < end.minuteOfDay
    }
}
