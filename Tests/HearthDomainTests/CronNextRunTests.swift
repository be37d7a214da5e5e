import Foundation
import HearthDomain
import Testing

@Suite("cron schedules: the next run in a time zone")
struct CronNextRunTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func aDailyTwoOClockIsReadInTheTenantsZone() throws {
        let cron = try CronExpression("0 2 * * *")
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        #expect(
            cron.nextRun(after: Self.instant("2026-11-26T10:00:00Z"), in: shanghai)
                == Self.instant("2026-11-26T18:00:00Z"))
        // Exactly at a run time, the next one is the following day's.
        #expect(
            cron.nextRun(after: Self.instant("2026-11-26T18:00:00Z"), in: shanghai)
                == Self.instant("2026-11-27T18:00:00Z"))
    }

    @Test func everyFifteenMinutesAndHourly() throws {
        let quarter = try CronExpression("*/15 * * * *")
        #expect(
            quarter.nextRun(after: Self.instant("2026-11-26T10:07:30Z"), in: .gmt)
                == Self.instant("2026-11-26T10:15:00Z"))
        let hourly = try CronExpression("0 * * * *")
        #expect(
            hourly.nextRun(after: Self.instant("2026-11-26T23:59:00Z"), in: .gmt)
                == Self.instant("2026-11-27T00:00:00Z"))
    }

    @Test func aTimeSkippedBySpringForwardRunsWhenTheClocksJump() throws {
        let cron = try CronExpression("30 2 * * *")
        let newYork = TimeZone(identifier: "America/New_York")!
        // 2026-03-08 02:30 does not exist in New York: the run is at 03:00 EDT (07:00Z).
        #expect(
            cron.nextRun(after: Self.instant("2026-03-08T05:00:00Z"), in: newYork)
                == Self.instant("2026-03-08T07:00:00Z"))
    }
}
