import Foundation

/// When the demo's four Thursday activities happened, in Asia/Shanghai.
///
/// Orders cannot be dated in the future (RecordConversion refuses an order more than a day ahead),
/// so the four Thursdays are the last four whose 20:00 start has passed: the demo replays a month
/// that just happened. The campaign's period runs from 00:00 on the Wednesday before the first (so
/// its announcement falls inside) to 20:00 on the Thursday after the last, exclusive: a fifth
/// Thursday never falls inside, the period has not ended yet, and pacing compares the revenue with
/// the goal at the share of the period that has passed.
struct DemoCalendar: Sendable {
    /// Each activity's start, 20:00 on a Thursday, oldest first; the last is at or before `now`.
    let thursdays: [Date]
    let periodStart: Date
    let periodEnd: Date
    let timeZone: TimeZone

    private static let day: TimeInterval = 86_400

    init(now: Date) {
        let zone = TimeZone(identifier: DemoCatalog.timeZoneName) ?? TimeZone(secondsFromGMT: 8 * 3_600) ?? .gmt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: now)
        // Within the last eight days there is always a Thursday whose 20:00 has passed.
        var latest = today
        for back in 0...7 {
            let date = today.addingTimeInterval(-Double(back) * Self.day)
            let start = date.addingTimeInterval(TimeInterval(DemoCatalog.activityStartHour) * 3_600)
            // Gregorian weekdays count from Sunday = 1: Thursday is 5. Asia/Shanghai keeps no
            // daylight saving time, so whole days and hours add up exactly.
            if calendar.component(.weekday, from: date) == 5, start <= now {
                latest = start
                break
            }
        }
        let last = latest
        let starts = (0..<4).map { last.addingTimeInterval(-Double(3 - $0) * 7 * Self.day) }
        thursdays = starts
        periodStart = calendar.startOfDay(for: starts[0]).addingTimeInterval(-Self.day)
        periodEnd = last.addingTimeInterval(7 * Self.day)
        timeZone = zone
    }

    /// `2026-05-07`: the day of `date` in Asia/Shanghai.
    func dayText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
