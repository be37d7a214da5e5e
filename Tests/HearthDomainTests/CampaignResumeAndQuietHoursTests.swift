import Foundation
import HearthDomain
import Testing

@Suite("Pausing skips without catching up; quiet hours")
struct CampaignResumeAndQuietHoursTests {
    /// Thursdays 19:00–21:00 in Shanghai through November 2026: announced the day before at 10:00,
    /// warmed up an hour before, live at the start, reviewed half an hour after the end.
    static func novemberThursdays() throws -> [CampaignOccurrence] {
        let schedule = try CampaignSchedule(
            .weekly(days: [.thursday], at: LocalTime(hour: 19)), duration: .seconds(7_200))
        let messages = try [
            PhaseMessage(phase: .announce, timing: .dayTime(dayOffset: -1, at: LocalTime(hour: 10)), text: "明晚见"),
            PhaseMessage(phase: .warmUp, timing: .offset(.seconds(-3_600)), text: "还有一小时"),
            PhaseMessage(phase: .live, timing: .offset(.zero), text: "开始了"),
            PhaseMessage(phase: .review, timing: .offset(.seconds(1_800)), text: "谢谢参与"),
        ]
        return try schedule.expand(
            from: utc(2026, 10, 31, 16), to: utc(2026, 11, 30, 16), timeZone: shanghai, messages: messages)
    }

    func outcomes(_ plan: CampaignResumePlan, _ key: String) -> [CampaignResumePlan.Outcome] {
        plan.decisions.filter { $0.occurrenceKey == key }.map(\.outcome)
    }

    @Test func resumingAfterThreeWeeksSendsOnlyWhatIsStillAhead() throws {
        // Paused on Wednesday 4 November at 12:00 (after that day's announcement), resumed on
        // Wednesday 25 November at 12:00 (after that day's announcement).
        let plan = try CampaignResumePlan(
            occurrences: Self.novemberThursdays(), pausedAt: utc(2026, 11, 4, 4), resumedAt: utc(2026, 11, 25, 4))
        #expect(plan.skippedOccurrences.map(\.key) == ["2026-11-05T19:00", "2026-11-12T19:00", "2026-11-19T19:00"])
        let gone = CampaignResumePlan.Outcome.skipped(.occurrenceSkipped)
        #expect(outcomes(plan, "2026-11-05T19:00") == [.beforePause, gone, gone, gone])
        #expect(outcomes(plan, "2026-11-12T19:00") == [gone, gone, gone, gone])
        #expect(outcomes(plan, "2026-11-19T19:00") == [gone, gone, gone, gone])
        #expect(
            outcomes(plan, "2026-11-26T19:00") == [
                .skipped(.passedWhilePaused), .due(at: utc(2026, 11, 26, 10)), .due(at: utc(2026, 11, 26, 11)),
                .due(at: utc(2026, 11, 26, 13, 30)),
            ])
        // No flood: only the last Thursday's warm-up, live and review messages remain.
        #expect(plan.due.count == 3)
        #expect(plan.due.allSatisfy { $0.occurrenceKey == "2026-11-26T19:00" })
        #expect(plan.due.map(\.phaseTime.phase) == [.warmUp, .live, .review])
        #expect(plan.skipped.count == 12)
    }

    @Test func theLiveMessageOfAnOccurrenceInProgressGoesOutAtTheResume() throws {
        // Paused on the 12th at 18:30 (after the warm-up), resumed at 20:00, in the middle of it.
        let plan = try CampaignResumePlan(
            occurrences: Self.novemberThursdays(), pausedAt: utc(2026, 11, 12, 10, 30), resumedAt: utc(2026, 11, 12, 12)
        )
        #expect(plan.skippedOccurrences.isEmpty)
        #expect(outcomes(plan, "2026-11-05T19:00") == [CampaignResumePlan.Outcome](repeating: .beforePause, count: 4))
        #expect(
            outcomes(plan, "2026-11-12T19:00") == [
                .beforePause, .beforePause, .due(at: utc(2026, 11, 12, 12)), .due(at: utc(2026, 11, 12, 13, 30)),
            ])
        let laterOutcomes = outcomes(plan, "2026-11-19T19:00") + outcomes(plan, "2026-11-26T19:00")
        #expect(
            laterOutcomes.allSatisfy {
                if case .due = $0 { return true }
                return false
            })
        #expect(plan.skipped.isEmpty)
        #expect(plan.due.count == 2 + 4 + 4)
    }

    @Test func anOccurrenceThatEndedWhilePausedIsSkippedReviewAndAll() throws {
        // Paused at 18:30, resumed at 21:10: the 19:00–21:00 occurrence came and went.
        let plan = try CampaignResumePlan(
            occurrences: Self.novemberThursdays(), pausedAt: utc(2026, 11, 12, 10, 30),
            resumedAt: utc(2026, 11, 12, 13, 10))
        #expect(plan.skippedOccurrences.map(\.key) == ["2026-11-12T19:00"])
        #expect(
            outcomes(plan, "2026-11-12T19:00") == [
                .beforePause, .beforePause, .skipped(.occurrenceSkipped), .skipped(.occurrenceSkipped),
            ])
        #expect(CampaignResumePlan.SkipReason.occurrenceSkipped.rawValue == "occurrence_skipped")
    }

    @Test func aPauseOfNoTimeSkipsNothingAndAResumeBeforeThePauseIsRefused() throws {
        let occurrences = try Self.novemberThursdays()
        let instant = utc(2026, 11, 12, 10, 30)
        let plan = try CampaignResumePlan(occurrences: occurrences, pausedAt: instant, resumedAt: instant)
        #expect(plan.skipped.isEmpty)
        #expect(plan.skippedOccurrences.isEmpty)
        let error = #expect(throws: DomainError.self) {
            try CampaignResumePlan(
                occurrences: occurrences, pausedAt: instant, resumedAt: instant.addingTimeInterval(-1))
        }
        #expect(error?.code == .invalidArgument)
    }

    // MARK: Quiet hours

    @Test func quietHoursAreReadAsStartDashEndOrOff() throws {
        #expect(try QuietHours(parsing: "21:00-08:00") == .default)
        #expect(
            try QuietHours(parsing: " 12:00 - 14:30 ")
                == QuietHours(start: LocalTime(hour: 12), end: LocalTime(hour: 14, minute: 30)))
        #expect(try QuietHours(parsing: "off").isEmpty)
        #expect(try QuietHours(parsing: "NONE").isEmpty)
        #expect(throws: DomainError.self) { try QuietHours(parsing: "21:00") }
        #expect(throws: DomainError.self) { try QuietHours(parsing: "21:00-25:00") }
        #expect(throws: DomainError.self) { try QuietHours(parsing: "") }
    }

    @Test func defaultQuietHoursRunFromNineAtNightToEightInTheMorning() {
        let quiet = QuietHours.default
        #expect(quiet.start.description == "21:00")
        #expect(quiet.end.description == "08:00")
        #expect(quiet.crossesMidnight)
        // Shanghai is UTC+8: 20:59 local is 12:59 UTC.
        #expect(!quiet.isQuiet(utc(2026, 11, 26, 12, 59), in: shanghai))
        #expect(quiet.isQuiet(utc(2026, 11, 26, 13), in: shanghai))
        #expect(quiet.isQuiet(utc(2026, 11, 26, 16), in: shanghai))  // midnight
        #expect(quiet.isQuiet(utc(2026, 11, 26, 23, 59).addingTimeInterval(59), in: shanghai))  // 07:59:59
        #expect(!quiet.isQuiet(utc(2026, 11, 27, 0), in: shanghai))  // 08:00
        #expect(!quiet.isQuiet(utc(2026, 11, 27, 4), in: shanghai))  // noon
    }

    @Test func theNextAllowedInstantCrossesMidnight() {
        let quiet = QuietHours.default
        let morning = utc(2026, 11, 27, 0)  // 08:00 on the 27th in Shanghai
        #expect(quiet.nextAllowed(atOrAfter: utc(2026, 11, 26, 15, 30), in: shanghai) == morning)  // 23:30
        #expect(quiet.nextAllowed(atOrAfter: utc(2026, 11, 26, 16), in: shanghai) == morning)  // 00:00
        #expect(quiet.nextAllowed(atOrAfter: utc(2026, 11, 26, 18), in: shanghai) == morning)  // 02:00
        #expect(quiet.nextAllowed(atOrAfter: morning, in: shanghai) == morning)
        let noon = utc(2026, 11, 27, 4)
        #expect(quiet.nextAllowed(atOrAfter: noon, in: shanghai) == noon)
        // Saturday 23:00 EST in New York; the clocks spring forward overnight, so 08:00 is EDT.
        #expect(quiet.nextAllowed(atOrAfter: utc(2026, 3, 8, 4), in: newYork) == utc(2026, 3, 8, 12))
    }

    @Test func aWindowWithinOneDayAndAnEmptyWindow() throws {
        let lunch = try QuietHours(start: LocalTime(hour: 12), end: LocalTime(hour: 14))
        #expect(!lunch.crossesMidnight)
        #expect(!lunch.isQuiet(utc(2026, 11, 27, 3, 59), in: shanghai))  // 11:59
        #expect(lunch.isQuiet(utc(2026, 11, 27, 5), in: shanghai))  // 13:00
        #expect(lunch.nextAllowed(atOrAfter: utc(2026, 11, 27, 5), in: shanghai) == utc(2026, 11, 27, 6))
        #expect(!lunch.isQuiet(utc(2026, 11, 27, 6), in: shanghai))  // 14:00
        let none = try QuietHours(start: LocalTime(hour: 9), end: LocalTime(hour: 9))
        #expect(none.isEmpty)
        #expect(!none.isQuiet(utc(2026, 11, 27, 1), in: shanghai))
        let decoded = try JSONDecoder().decode(QuietHours.self, from: Data(#"{"start":"22:30","end":"07:00"}"#.utf8))
        let expected = try QuietHours(start: LocalTime(hour: 22, minute: 30), end: LocalTime(hour: 7))
        #expect(decoded == expected)
    }
}
