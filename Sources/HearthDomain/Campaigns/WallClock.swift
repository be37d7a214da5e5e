/// A reading of a wall clock: a day (days since 1970-01-01) and the minute of that day, with no
/// zone attached. The internal currency of schedules; ``TimeZone/instant(at:)`` turns it into an
/// instant with the DST rules below, ``TimeZone/wallClock(at:)`` reads one off an instant.
struct WallClock: Hashable, Sendable, Comparable {
    var day: Int
    /// 0 to 1,439.
    var minuteOfDay: Int

    init(day: Int, minuteOfDay: Int) {
        self.day = day
        self.minuteOfDay = minuteOfDay
    }

    init(date: CalendarDate, time: LocalTime) {
        self.init(day: date.dayNumber, minuteOfDay: time.minuteOfDay)
    }

    /// Seconds since 1970-01-01 00:00 if this wall clock were UTC.
    var secondsAsIfUTC: Int { day * 86_400 + minuteOfDay * 60 }

    var time: LocalTime { LocalTime(uncheckedHour: minuteOfDay / 60, minute: minuteOfDay % 60) }

    /// `nil` outside the years 1 to 9999.
    var localDateTime: LocalDateTime? {
        CalendarDate(dayNumber: day).map { LocalDateTime(date: $0, time: time) }
    }

    static func < (lhs: WallClock, rhs: WallClock) -> Bool {
        (lhs.day, lhs.minuteOfDay) < (rhs.day, rhs.minuteOfDay)
    }
}
