public import Foundation

extension CronExpression {
    /// The first time after `instant` the expression runs, read in `timeZone` with the schedules'
    /// DST rules (see ``TimeZone/instant(at:)``); `nil` when it runs in none of the next five years
    /// (e.g. only on 29 February of years that do not come).
    public func nextRun(after instant: Date, in timeZone: TimeZone) -> Date? {
        let start = timeZone.wallClock(at: instant)
        for day in start.day...(start.day + 5 * 366) {
            guard let date = CalendarDate(dayNumber: day), runs(on: date) else { continue }
            for time in timesOfDay {
                let wall = WallClock(day: day, minuteOfDay: time.minuteOfDay)
                let next = timeZone.instant(at: wall)
                if next > instant { return next }
            }
        }
        return nil
    }
}
