import Foundation
import HearthDomain
import Testing

/// An instant given in UTC, computed with Foundation's calendar: an oracle independent of the
/// schedule's own arithmetic.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    return Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded())
}

let shanghai = TimeZone(identifier: "Asia/Shanghai")!
let newYork = TimeZone(identifier: "America/New_York")!

@Suite("Campaign schedules")
struct CampaignScheduleTests {
    static let twoHours = Duration.seconds(7_200)

    /// Announce the day before at 10:00, two warm-ups in the two hours before, live at the start,
    /// review half an hour after the end.
    static func thursdayMessages() throws -> [PhaseMessage] {
        let ten = try LocalTime(hour: 10)
        var messages = [
            PhaseMessage(phase: .announce, timing: .dayTime(dayOffset: -1, at: ten), text: "明晚 19:00 会员专享价")
        ]
        for timing in try PhaseTiming.evenlySpaced(count: 2, before: twoHours) {
            messages.append(PhaseMessage(phase: .warmUp, timing: timing, text: "还有不到 {{hours}} 小时"))
        }
        messages.append(PhaseMessage(phase: .live, timing: .offset(.zero), text: "开始了 {{invite_link}}"))
        messages.append(PhaseMessage(phase: .review, timing: .offset(.seconds(1_800)), text: "感谢参与"))
        return messages
    }

    static func thursdays() throws -> CampaignSchedule {
        try CampaignSchedule(.weekly(days: [.thursday], at: LocalTime(hour: 19)), duration: twoHours)
    }

    // MARK: Weekly

    @Test func weeklyThursdayWithWednesdayAnnounceAcrossAMonthInShanghai() throws {
        // November 2026, midnight to midnight in Shanghai (UTC+8).
        let occurrences = try Self.thursdays().expand(
            from: utc(2026, 10, 31, 16), to: utc(2026, 11, 30, 16), timeZone: shanghai,
            messages: Self.thursdayMessages())
        #expect(
            occurrences.map(\.key) == ["2026-11-05T19:00", "2026-11-12T19:00", "2026-11-19T19:00", "2026-11-26T19:00"])
        #expect(
            occurrences.map(\.startsAt) == [
                utc(2026, 11, 5, 11), utc(2026, 11, 12, 11), utc(2026, 11, 19, 11), utc(2026, 11, 26, 11),
            ])
        #expect(
            occurrences.map(\.endsAt) == [
                utc(2026, 11, 5, 13), utc(2026, 11, 12, 13), utc(2026, 11, 19, 13), utc(2026, 11, 26, 13),
            ])
        let first = try #require(occurrences.first)
        #expect(first.phases.map(\.phase) == [.announce, .warmUp, .warmUp, .live, .review])
        #expect(first.phases.map(\.messageIndex) == [0, 1, 2, 3, 4])
        #expect(
            first.phases.map(\.at) == [
                utc(2026, 11, 4, 2), utc(2026, 11, 5, 9), utc(2026, 11, 5, 10), utc(2026, 11, 5, 11),
                utc(2026, 11, 5, 13, 30),
            ])
        // Every announcement goes out on the Wednesday at 10:00 Shanghai time.
        #expect(
            occurrences.map { $0.phases[0].at } == [
                utc(2026, 11, 4, 2), utc(2026, 11, 11, 2), utc(2026, 11, 18, 2), utc(2026, 11, 25, 2),
            ])
        #expect(occurrences.allSatisfy { $0.localStart.date.description.hasPrefix("2026-11-") })
    }

    @Test func expandingAgainGivesTheSameOccurrences() throws {
        let schedule = try Self.thursdays()
        let month = try schedule.expand(from: utc(2026, 10, 31, 16), to: utc(2026, 11, 30, 16), timeZone: shanghai)
        #expect(
            try schedule.expand(from: utc(2026, 10, 31, 16), to: utc(2026, 11, 30, 16), timeZone: shanghai) == month)
        // A narrower window finds the same keys and instants: the period is [start, end).
        let middle = try schedule.expand(from: utc(2026, 11, 12, 11), to: utc(2026, 11, 26, 11), timeZone: shanghai)
        #expect(middle.map(\.key) == ["2026-11-12T19:00", "2026-11-19T19:00"])
        #expect(middle == Array(month[1...2]))
    }

    @Test func weeklyOnSeveralDays() throws {
        let schedule = try CampaignSchedule(
            .weekly(days: [.monday, .wednesday, .friday], at: LocalTime(parsing: "9:30")), duration: .seconds(600))
        let week = try schedule.expand(from: utc(2026, 1, 4, 16), to: utc(2026, 1, 11, 16), timeZone: shanghai)
        #expect(week.map(\.key) == ["2026-01-05T09:30", "2026-01-07T09:30", "2026-01-09T09:30"])
    }

    // MARK: DST

    @Test func newYorkSpringForwardKeepsLocalTimesAndMovesTheMissingOneForward() throws {
        // Clocks jump from 02:00 EST to 03:00 EDT on Sunday 2026-03-08.
        let sundays = try CampaignSchedule(
            .weekly(days: [.sunday], at: LocalTime(hour: 2, minute: 30)), duration: .seconds(3_600))
        let march = try sundays.expand(from: utc(2026, 3, 1, 5), to: utc(2026, 3, 22, 4), timeZone: newYork)
        #expect(march.map(\.key) == ["2026-03-01T02:30", "2026-03-08T02:30", "2026-03-15T02:30"])
        // 02:30 EST; 02:30 does not exist on the 8th, so 03:00 EDT (the first valid instant); 02:30 EDT.
        #expect(march.map(\.startsAt) == [utc(2026, 3, 1, 7, 30), utc(2026, 3, 8, 7), utc(2026, 3, 15, 6, 30)])
        #expect(newYork.secondsFromGMT(for: march[1].startsAt) == -4 * 3_600)

        let thursdays = try CampaignSchedule(
            .weekly(days: [.thursday], at: LocalTime(hour: 19)), duration: Self.twoHours)
        let evenings = try thursdays.expand(from: utc(2026, 3, 1, 5), to: utc(2026, 3, 22, 4), timeZone: newYork)
        // 19:00 local every week: 00:00 UTC in winter, 23:00 UTC in summer.
        #expect(evenings.map(\.startsAt) == [utc(2026, 3, 6, 0), utc(2026, 3, 12, 23), utc(2026, 3, 19, 23)])
    }

    @Test func newYorkFallBackTakesTheFirstOfTheRepeatedHour() throws {
        // Clocks go back from 02:00 EDT to 01:00 EST on Sunday 2026-11-01: 01:30 happens twice.
        let sundays = try CampaignSchedule(
            .weekly(days: [.sunday], at: LocalTime(hour: 1, minute: 30)), duration: .seconds(1_800))
        let weeks = try sundays.expand(from: utc(2026, 10, 25, 4), to: utc(2026, 11, 10, 5), timeZone: newYork)
        #expect(weeks.map(\.key) == ["2026-10-25T01:30", "2026-11-01T01:30", "2026-11-08T01:30"])
        #expect(weeks.map(\.startsAt) == [utc(2026, 10, 25, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)])

        let thursdays = try CampaignSchedule(
            .weekly(days: [.thursday], at: LocalTime(hour: 19)), duration: Self.twoHours)
        let evenings = try thursdays.expand(from: utc(2026, 10, 25, 4), to: utc(2026, 11, 10, 5), timeZone: newYork)
        #expect(evenings.map(\.startsAt) == [utc(2026, 10, 29, 23), utc(2026, 11, 6, 0)])
    }

    @Test func theDayBeforeAtTenStaysTenAcrossTheChangeWhileOffsetsCountElapsedTime() throws {
        let sunday = try CampaignSchedule(.weekly(days: [.sunday], at: LocalTime(hour: 19)), duration: Self.twoHours)
        let ten = try LocalTime(hour: 10)
        let messages = [
            PhaseMessage(phase: .announce, timing: .dayTime(dayOffset: -1, at: ten), text: "tomorrow"),
            PhaseMessage(phase: .warmUp, timing: .offset(.seconds(-86_400)), text: "in 24 hours"),
        ]
        let occurrences = try sunday.expand(
            from: utc(2026, 3, 8, 5), to: utc(2026, 3, 9, 4), timeZone: newYork, messages: messages)
        let occurrence = try #require(occurrences.first)
        #expect(occurrence.startsAt == utc(2026, 3, 8, 23))  // 19:00 EDT
        // Saturday 10:00 EST; exactly 24 hours earlier is Saturday 18:00 EST, not 19:00.
        #expect(occurrence.phases.map(\.at) == [utc(2026, 3, 7, 15), utc(2026, 3, 7, 23)])
        #expect(occurrence.phaseTimes(for: messages, in: newYork) == occurrence.phases)
    }

    // MARK: Monthly

    @Test func monthlyOnThe31stFallsOnTheLastDayOfShorterMonths() throws {
        let schedule = try CampaignSchedule(
            .monthly(days: [.day(31)], at: LocalTime(hour: 10)), duration: .seconds(3_600))
        let months = try schedule.expand(from: utc(2025, 12, 31, 16), to: utc(2026, 5, 31, 16), timeZone: shanghai)
        #expect(
            months.map(\.key) == [
                "2026-01-31T10:00", "2026-02-28T10:00", "2026-03-31T10:00", "2026-04-30T10:00", "2026-05-31T10:00",
            ])
        #expect(months[1].startsAt == utc(2026, 2, 28, 2))
        #expect(months[3].startsAt == utc(2026, 4, 30, 2))
    }

    @Test func monthlyDaysThatMeetAtMonthEndRunOnce() throws {
        let schedule = try CampaignSchedule(
            .monthly(days: [.day(30), .day(31), .last], at: LocalTime(hour: 10)), duration: .seconds(3_600))
        let february = try schedule.expand(from: utc(2026, 1, 31, 16), to: utc(2026, 2, 28, 16), timeZone: shanghai)
        #expect(february.map(\.key) == ["2026-02-28T10:00"])
        let leap = try schedule.expand(from: utc(2028, 1, 31, 16), to: utc(2028, 2, 29, 16), timeZone: shanghai)
        #expect(leap.map(\.key) == ["2028-02-29T10:00"])
        let april = try schedule.expand(from: utc(2026, 3, 31, 16), to: utc(2026, 4, 30, 16), timeZone: shanghai)
        #expect(april.map(\.key) == ["2026-04-30T10:00"])
        let march = try schedule.expand(from: utc(2026, 2, 28, 16), to: utc(2026, 3, 31, 16), timeZone: shanghai)
        #expect(march.map(\.key) == ["2026-03-30T10:00", "2026-03-31T10:00"])
        #expect(DayOfMonth(number: -1) == .last)
        #expect(DayOfMonth(number: 0) == nil)
        #expect(DayOfMonth(number: 32) == nil)
    }

    // MARK: Cron

    @Test func cronOnWeekdaysAtTen() throws {
        let schedule = try CampaignSchedule(.cron(CronExpression("0 10 * * 1-5")), duration: .seconds(1_800))
        // Sunday 2026-01-04 to Sunday 2026-01-11, Shanghai.
        let week = try schedule.expand(from: utc(2026, 1, 3, 16), to: utc(2026, 1, 10, 16), timeZone: shanghai)
        #expect(
            week.map(\.key) == [
                "2026-01-05T10:00", "2026-01-06T10:00", "2026-01-07T10:00", "2026-01-08T10:00", "2026-01-09T10:00",
            ])
        #expect(week.first?.startsAt == utc(2026, 1, 5, 2))
    }

    @Test func cronWithStepsRangesAndLists() throws {
        let schedule = try CampaignSchedule(.cron(CronExpression("*/15 9-10 1,15 * *")), duration: .seconds(600))
        let january = try schedule.expand(from: utc(2025, 12, 31, 16), to: utc(2026, 1, 31, 16), timeZone: shanghai)
        #expect(january.count == 16)
        #expect(
            january.prefix(8).map(\.key) == [
                "2026-01-01T09:00", "2026-01-01T09:15", "2026-01-01T09:30", "2026-01-01T09:45",
                "2026-01-01T10:00", "2026-01-01T10:15", "2026-01-01T10:30", "2026-01-01T10:45",
            ])
        #expect(january[8].key == "2026-01-15T09:00")
        #expect(january.last?.key == "2026-01-15T10:45")
        #expect(january.last?.startsAt == utc(2026, 1, 15, 2, 45))
    }

    @Test func cronDayFieldsCombineWithOrWhenBothAreRestricted() throws {
        let either = try CampaignSchedule(.cron(CronExpression("0 9 1 * MON")), duration: .seconds(600))
        let january = try either.expand(from: utc(2025, 12, 31, 16), to: utc(2026, 1, 31, 16), timeZone: shanghai)
        // The 1st (a Thursday) and every Monday.
        #expect(january.map(\.localStart.date.day) == [1, 5, 12, 19, 26])
        let firstOnly = try CampaignSchedule(.cron(CronExpression("0 9 1 * *")), duration: .seconds(600))
        #expect(
            try firstOnly.expand(from: utc(2025, 12, 31, 16), to: utc(2026, 1, 31, 16), timeZone: shanghai).count == 1)
        // A day-of-week field starting with * leaves the day of month alone in charge.
        let starred = try CampaignSchedule(.cron(CronExpression("0 9 1 * */1")), duration: .seconds(600))
        #expect(
            try starred.expand(from: utc(2025, 12, 31, 16), to: utc(2026, 1, 31, 16), timeZone: shanghai).count == 1)
        // Day 31 is skipped in months without one, as in cron.
        let thirtyFirst = try CampaignSchedule(.cron(CronExpression("0 9 31 * *")), duration: .seconds(600))
        let spring = try thirtyFirst.expand(from: utc(2026, 1, 31, 16), to: utc(2026, 4, 30, 16), timeZone: shanghai)
        #expect(spring.map(\.key) == ["2026-03-31T09:00"])
    }

    @Test func cronNamesAndNormalisedText() throws {
        let expression = try CronExpression("  30 8  *\tjan-MAR mon,Wed,7 ")
        #expect(expression.text == "30 8 * jan-MAR mon,Wed,7")
        #expect(expression.description == expression.text)
        let schedule = CampaignSchedule(.cron(expression), duration: .seconds(600))
        let week = try schedule.expand(from: utc(2026, 1, 3, 16), to: utc(2026, 1, 10, 16), timeZone: shanghai)
        #expect(week.map(\.key) == ["2026-01-04T08:30", "2026-01-05T08:30", "2026-01-07T08:30"])
    }

    @Test func cronTimesThatDSTMergesRunOnce() throws {
        let schedule = try CampaignSchedule(.cron(CronExpression("0,30 2 * * *")), duration: .seconds(600))
        let days = try schedule.expand(from: utc(2026, 3, 7, 5), to: utc(2026, 3, 10, 4), timeZone: newYork)
        #expect(
            days.map(\.key) == [
                "2026-03-07T02:00", "2026-03-07T02:30", "2026-03-08T02:00", "2026-03-09T02:00", "2026-03-09T02:30",
            ])
        #expect(days[2].startsAt == utc(2026, 3, 8, 7))
    }

    /// Text, column, field and part of the message of a refused expression.
    static let cronRefusals: [(text: String, column: Int, field: CronExpression.Field?, reason: String)] = [
        ("", 1, nil, "needs five fields"),
        ("0 10 * *", 9, nil, "this one has only 4"),
        ("0 0 10 * * *", 12, nil, "this one has 6"),
        ("60 * * * *", 1, .minute, "minute 60 is outside 0-59"),
        ("0 24 * * *", 3, .hour, "hour 24 is outside 0-23"),
        ("0 10 32 * *", 6, .dayOfMonth, "day-of-month 32 is outside 1-31"),
        ("0 10 * 13 *", 8, .month, "month 13 is outside 1-12"),
        ("0 10 * * 8", 10, .dayOfWeek, "day-of-week 8 is outside 0-7"),
        ("*/0 * * * *", 3, .minute, "a step is a whole number from 1 to 60"),
        ("0 10 * * 5-1", 10, .dayOfWeek, "the range 5-1 runs backwards"),
        ("0 10 * * MON-FRX", 14, .dayOfWeek, "expected a number or a name such as MON or *, found \"FRX\""),
        ("0 10 * * 1-", 12, .dayOfWeek, "found nothing"),
        ("1,,2 * * * *", 3, .minute, "empty item"),
        ("0 10 ? * MON", 6, .dayOfMonth, "Quartz"),
        ("0 9 30 2 *", 5, .dayOfMonth, "never runs: no month it names has day 30"),
        ("0 ten * * *", 3, .hour, "expected a number or *, found \"ten\""),
    ]

    @Test func invalidCronIsRefusedWithPositionAndReason() {
        for refusal in Self.cronRefusals {
            let error = #expect(throws: CronExpressionError.self, "\(refusal.text)") {
                try CronExpression(refusal.text)
            }
            #expect(error?.column == refusal.column, "\(refusal.text)")
            #expect(error?.field == refusal.field, "\(refusal.text)")
            #expect(error?.message.contains(refusal.reason) == true, "\(refusal.text): \(error?.message ?? "no error")")
        }
    }

    @Test func cronErrorsReadWellAsDomainErrors() {
        let error = #expect(throws: CronExpressionError.self) { try CronExpression("0 24 * * *") }
        let domain = error.map(DomainError.init)
        #expect(domain?.code == .invalidArgument)
        #expect(domain?.message == "cron expression, column 3 (hour field): hour 24 is outside 0-23")
    }

    // MARK: One-off, limits and refusals

    @Test func oneOffIsOneOccurrenceInsideThePeriod() throws {
        let schedule = CampaignSchedule(.once(at: utc(2026, 11, 26, 11)), duration: Self.twoHours)
        let inside = try schedule.expand(from: utc(2026, 11, 1, 0), to: utc(2026, 12, 1, 0), timeZone: shanghai)
        #expect(inside.map(\.key) == ["2026-11-26T19:00"])
        #expect(inside.first?.endsAt == utc(2026, 11, 26, 13))
        #expect(try schedule.expand(from: utc(2026, 12, 1, 0), to: utc(2026, 12, 2, 0), timeZone: shanghai).isEmpty)
        #expect(!schedule.isRecurring)
    }

    @Test func aScheduleThatFloodsIsRefused() throws {
        let everyMinute = try CampaignSchedule(.cron(CronExpression("* * * * *")), duration: .seconds(60))
        let error = #expect(throws: DomainError.self) {
            try everyMinute.expand(from: utc(2026, 1, 1, 0), to: utc(2026, 1, 2, 0), timeZone: shanghai, limit: 100)
        }
        #expect(error?.message.contains("more than 100 occurrences") == true)
        #expect(
            try everyMinute.expand(from: utc(2026, 1, 1, 0), to: utc(2026, 1, 1, 1), timeZone: shanghai).count == 60)
    }

    @Test func invalidSchedulesAndPeriodsAreRefused() throws {
        let ten = try LocalTime(hour: 10)
        let refusals: [(CampaignSchedule, String)] = [
            (CampaignSchedule(.weekly(days: [], at: ten), duration: .seconds(60)), "at least one day of the week"),
            (CampaignSchedule(.monthly(days: [], at: ten), duration: .seconds(60)), "at least one day of the month"),
            (
                CampaignSchedule(.monthly(days: [.day(32)], at: ten), duration: .seconds(60)),
                "day 32 of a month does not exist"
            ),
            (CampaignSchedule(.weekly(days: [.friday], at: ten), duration: .zero), "more than zero"),
            (CampaignSchedule(.weekly(days: [.friday], at: ten), duration: .seconds(400 * 86_400)), "at most 366 days"),
            (
                CampaignSchedule(
                    .weekly(days: [.friday], at: ten), duration: .seconds(60), timeZoneIdentifier: "Asia/Shanghia"),
                "unknown time zone \"Asia/Shanghia\""
            ),
        ]
        for (schedule, reason) in refusals {
            let error = #expect(throws: DomainError.self) { try schedule.validate() }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
        }
        let schedule = try Self.thursdays()
        #expect(throws: DomainError.self) {
            try schedule.expand(from: utc(2026, 2, 1, 0), to: utc(2026, 1, 1, 0), timeZone: shanghai)
        }
        #expect(throws: DomainError.self) {
            try schedule.expand(from: .distantPast, to: utc(2026, 1, 1, 0), timeZone: shanghai)
        }
        #expect(throws: DomainError.self) { try LocalTime(hour: 24) }
        #expect(throws: DomainError.self) { try LocalTime(parsing: "7pm") }
        #expect(try LocalTime(parsing: "07:05").description == "07:05")
    }

    @Test func theScheduleZoneWinsOverTheTenants() throws {
        let own = CampaignSchedule(
            .once(at: utc(2026, 1, 1, 0)), duration: .seconds(60), timeZoneIdentifier: "Asia/Shanghai")
        #expect(try own.timeZone(tenantDefault: newYork) == shanghai)
        let inherited = CampaignSchedule(.once(at: utc(2026, 1, 1, 0)), duration: .seconds(60))
        #expect(try inherited.timeZone(tenantDefault: newYork) == newYork)
    }

    // MARK: Phases

    @Test func warmUpsSpreadEvenlyBeforeTheStart() throws {
        let timings = try PhaseTiming.evenlySpaced(count: 3, before: .seconds(3 * 3_600))
        #expect(timings == [.offset(.seconds(-10_800)), .offset(.seconds(-7_200)), .offset(.seconds(-3_600))])
        #expect(throws: DomainError.self) { try PhaseTiming.evenlySpaced(count: 0, before: .seconds(60)) }
        #expect(throws: DomainError.self) { try PhaseTiming.evenlySpaced(count: 2, before: .zero) }
    }

    @Test func phaseTimingsMustFitTheirPhase() throws {
        let ten = try LocalTime(hour: 10)
        let refused: [PhaseMessage] = [
            PhaseMessage(phase: .announce, timing: .offset(.seconds(60)), text: "after the start?"),
            PhaseMessage(phase: .warmUp, timing: .dayTime(dayOffset: 1, at: ten), text: "the day after?"),
            PhaseMessage(phase: .live, timing: .offset(.seconds(-60)), text: "before the start?"),
            PhaseMessage(phase: .review, timing: .dayTime(dayOffset: -1, at: ten), text: "before the end?"),
            PhaseMessage(phase: .review, timing: .offset(.seconds(400 * 86_400)), text: "next year?"),
            PhaseMessage(phase: .live, timing: .offset(.zero), text: "  "),
        ]
        for message in refused {
            #expect(throws: DomainError.self, "\(message.phase) \(message.timing)") { try message.validate() }
        }
        try PhaseMessage(phase: .announce, timing: .dayTime(dayOffset: 0, at: ten), text: "today at 19:00").validate()
        try PhaseMessage(phase: .live, timing: .offset(.zero), text: "", smsTemplateID: "SMS_1234").validate()
    }

    // MARK: Stored form

    @Test func schedulesRoundTripThroughTheirStoredForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let weekly = try CampaignSchedule(
            .weekly(days: [.thursday, .monday], at: LocalTime(hour: 19)), duration: Self.twoHours,
            timeZoneIdentifier: "Asia/Shanghai")
        let text = try String(decoding: encoder.encode(weekly), as: UTF8.self)
        #expect(
            text
                == #"{"days":["monday","thursday"],"duration_seconds":7200,"kind":"weekly","start_time":"19:00","time_zone":"Asia/Shanghai"}"#
        )
        let schedules = try [
            weekly,
            CampaignSchedule(.monthly(days: [.day(31), .last], at: LocalTime(hour: 10)), duration: .seconds(3_600)),
            CampaignSchedule(.cron(CronExpression("*/15 9-10 1,15 * *")), duration: .seconds(600)),
            CampaignSchedule(.once(at: utc(2026, 11, 26, 11)), duration: .seconds(86_400)),
        ]
        for schedule in schedules {
            let decoded = try JSONDecoder().decode(CampaignSchedule.self, from: encoder.encode(schedule))
            #expect(decoded == schedule)
        }
        let badCron = Data(#"{"kind":"cron","cron":"0 24 * * *","duration_seconds":60}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CampaignSchedule.self, from: badCron) }
        let messages = try Self.thursdayMessages()
        #expect(try JSONDecoder().decode([PhaseMessage].self, from: encoder.encode(messages)) == messages)
    }
}
