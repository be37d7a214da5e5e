import Foundation

extension TimeZone {
    /// The wall clock in this zone at `instant`, to the minute (seconds are dropped, never rounded
    /// up, so 20:59:30 still reads 20:59).
    func wallClock(at instant: Date) -> WallClock {
        let utcSeconds = Self.wholeSeconds(instant)
        let local = utcSeconds + secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
        let day = Self.floorDivide(local, 86_400)
        return WallClock(day: day, minuteOfDay: (local - day * 86_400) / 60)
    }

    /// The instant at which this zone's clocks show `wall`.
    ///
    /// The DST rules every schedule in Hearth follows, so a weekly 19:00 stays 19:00 for the members:
    /// - A time that happens once maps to that instant.
    /// - A time that happens twice (the repeated hour when clocks go back) maps to the first of the
    ///   two, so a message goes out once and as early as the operator asked.
    /// - A time that does not happen (the hour skipped when clocks go forward) moves forward to the
    ///   first instant after the gap, i.e. the moment the clocks jump (02:30 on the US spring-forward
    ///   day becomes 03:00 daylight time): the latest a message can go out without leaving that day's
    ///   schedule.
    ///
    /// Computed from the zone's UTC offsets rather than with `Calendar`, whose handling of gaps and
    /// overlaps differs between Foundation implementations and versions; the answer here depends on
    /// the time-zone database only.
    func instant(at wall: WallClock) -> Date {
        let seconds = wall.secondsAsIfUTC
        // Offsets a day either side cover any single transition near this wall time.
        let before = utcOffset(atSeconds: seconds - 86_400)
        let after = utcOffset(atSeconds: seconds + 86_400)
        var candidates: [Int] = []
        for candidate in [before, utcOffset(atSeconds: seconds), after] where !candidates.contains(candidate) {
            candidates.append(candidate)
        }
        let valid = candidates.map { seconds - $0 }.filter { self.utcOffset(atSeconds: $0) == seconds - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }
        // A gap: with the later offset the instant lies before the jump, with the earlier one after
        // it. Find the jump itself, to the second.
        var low = seconds - max(before, after)
        var high = seconds - min(before, after)
        let offsetAfterJump = utcOffset(atSeconds: high)
        guard low < high else { return Date(timeIntervalSince1970: TimeInterval(high)) }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if utcOffset(atSeconds: middle) == offsetAfterJump { high = middle } else { low = middle }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    /// The local date and time of `instant` in this zone; `nil` outside the years 1 to 9999.
    func localDateTime(at instant: Date) -> LocalDateTime? {
        wallClock(at: instant).localDateTime
    }

    private func utcOffset(atSeconds seconds: Int) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Whole seconds since 1970, rounded down (also before 1970).
    static func wholeSeconds(_ instant: Date) -> Int {
        Int(instant.timeIntervalSince1970.rounded(.down))
    }

    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
