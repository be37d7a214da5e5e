import HearthDomain
import Testing

@Suite("RFM segments, churn signals and risk, cohort rules")
struct RfmAndChurnRuleTests {
    // MARK: RFM

    @Test func theGridNamesEveryCellAndEverySegment() throws {
        #expect(RfmSegmentRules.grid.count == 25)
        #expect(Set(RfmSegmentRules.grid) == Set(RfmSegment.allCases))
        #expect(try RfmSegmentRules.segment(recency: 5, frequency: 5) == .champions)
        #expect(try RfmSegmentRules.segment(recency: 5, frequency: 4) == .champions)
        #expect(try RfmSegmentRules.segment(recency: 5, frequency: 1) == .newCustomer)
        #expect(try RfmSegmentRules.segment(recency: 5, frequency: 2) == .potentialLoyalist)
        #expect(try RfmSegmentRules.segment(recency: 4, frequency: 1) == .promising)
        #expect(try RfmSegmentRules.segment(recency: 4, frequency: 4) == .loyal)
        #expect(try RfmSegmentRules.segment(recency: 3, frequency: 5) == .loyal)
        #expect(try RfmSegmentRules.segment(recency: 3, frequency: 3) == .needsAttention)
        #expect(try RfmSegmentRules.segment(recency: 3, frequency: 2) == .aboutToSleep)
        #expect(try RfmSegmentRules.segment(recency: 2, frequency: 4) == .atRisk)
        #expect(try RfmSegmentRules.segment(recency: 1, frequency: 3) == .atRisk)
        #expect(try RfmSegmentRules.segment(recency: 1, frequency: 5) == .cannotLose)
        #expect(try RfmSegmentRules.segment(recency: 2, frequency: 2) == .hibernating)
        #expect(try RfmSegmentRules.segment(recency: 1, frequency: 2) == .hibernating)
        #expect(try RfmSegmentRules.segment(recency: 1, frequency: 1) == .lost)
    }

    @Test func scoresOutsideOneToFiveAreRefused() {
        #expect(throws: DomainError.self) { try RfmSegmentRules.segment(recency: 0, frequency: 3) }
        #expect(throws: DomainError.self) { try RfmSegmentRules.segment(recency: 3, frequency: 6) }
    }

    @Test func quintilesFollowNtileOverDistinctValues() {
        // Ten values: two per quintile, in the order given.
        #expect(RfmSegmentRules.quintiles([5, 3, 9, 1, 7, 2, 8, 4, 10, 6]) == [3, 2, 5, 1, 4, 1, 4, 2, 5, 3])
        // Seven values: ntile gives the first two quintiles one value more.
        #expect(RfmSegmentRules.quintiles([70, 10, 20, 30, 40, 50, 60]) == [5, 1, 1, 2, 2, 3, 4])
        // Fewer than five: the top quintiles stay empty.
        #expect(RfmSegmentRules.quintiles([3, 1, 2]) == [3, 1, 2])
        #expect(RfmSegmentRules.quintiles([Int]()) == [])
    }

    @Test func equalValuesShareTheLowestQuintileTheyReach() {
        // Six one-order customers span quintiles 1 to 3 in ntile's numbering: all score 1.
        #expect(RfmSegmentRules.quintiles([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]) == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        // Six customers, two spending 6000 across quintiles 2 and 3: both score 2.
        #expect(RfmSegmentRules.quintiles([1000, 4000, 6000, 6000, 25000, 50000]) == [1, 1, 2, 2, 4, 5])
        // Recency is ranked worst (most days) first: negate the days.
        #expect(RfmSegmentRules.quintiles([-1, -6, -3, -122, -365, -30]) == [5, 3, 4, 1, 1, 2])
    }

    // MARK: Churn

    static func facts(
        silent: Int = 0, engaged: Int = 0, sincePurchase: Int? = nil, orders: Int = 0, interval: Double? = nil,
        recent: Int = 0, prior: Int = 0
    ) -> ChurnFacts {
        ChurnFacts(
            daysSilent: silent, eventsBeforeSilence: engaged, daysSinceLastPurchase: sincePurchase, orders: orders,
            usualPurchaseIntervalDays: interval, recentEvents: recent, priorEvents: prior)
    }

    @Test func goneSilentNeedsEngagementBeforeAndFourteenDays() {
        let rules = ChurnRules.default
        #expect(rules.signals(for: Self.facts(silent: 14, engaged: 3)) == [.goneSilent])
        #expect(rules.signals(for: Self.facts(silent: 13, engaged: 3)) == [])
        #expect(rules.signals(for: Self.facts(silent: 40, engaged: 2)) == [])
    }

    @Test func overdueIsPastOneAndAHalfUsualIntervals() {
        let rules = ChurnRules.default
        #expect(rules.signals(for: Self.facts(sincePurchase: 16, orders: 3, interval: 10)) == [.purchaseOverdue])
        #expect(rules.signals(for: Self.facts(sincePurchase: 15, orders: 3, interval: 10)) == [])
        // Purchases on one day make an interval of 0; it counts as 1 day.
        #expect(rules.signals(for: Self.facts(sincePurchase: 2, orders: 2, interval: 0)) == [.purchaseOverdue])
        #expect(rules.signals(for: Self.facts(sincePurchase: 1, orders: 2, interval: 0)) == [])
        // One purchase has no usual interval.
        #expect(rules.signals(for: Self.facts(sincePurchase: 60, orders: 1)) == [])
    }

    @Test func aDropIsHalfTheActivityOfTheMonthBefore() {
        let rules = ChurnRules.default
        #expect(rules.signals(for: Self.facts(recent: 2, prior: 4)) == [.engagementDrop])
        #expect(rules.signals(for: Self.facts(recent: 3, prior: 5)) == [])
        // Too little before to judge.
        #expect(rules.signals(for: Self.facts(recent: 0, prior: 3)) == [])
    }

    @Test func lapsedIsNinetyDaysWithoutAPurchase() {
        let rules = ChurnRules.default
        #expect(rules.signals(for: Self.facts(sincePurchase: 90, orders: 1)) == [.lapsed])
        #expect(rules.signals(for: Self.facts(sincePurchase: 89, orders: 1)) == [])
        #expect(
            rules.signals(for: Self.facts(silent: 161, engaged: 3, sincePurchase: 161, orders: 3, interval: 10))
                == [.goneSilent, .purchaseOverdue, .lapsed])
    }

    @Test func riskIsTheCappedWeightedSumOfTheSignals() {
        let rules = ChurnRules.default
        #expect(rules.risk([]) == 0)
        #expect(rules.risk([.goneSilent]) == 0.3)
        #expect(rules.risk([.engagementDrop]) == 0.2)
        #expect(rules.risk([.goneSilent, .purchaseOverdue]) == 0.7)
        #expect(rules.risk([.goneSilent, .lapsed]) == 0.9)
        #expect(rules.risk([.purchaseOverdue, .lapsed]) == 1)
        #expect(rules.risk(ChurnSignal.allCases) == 1)
        // A signal counts once.
        #expect(rules.risk([.goneSilent, .goneSilent]) == 0.3)
    }

    @Test func anOnDemandRunMayChangeTheThresholds() throws {
        let rules = try ChurnRules(params: [
            "silence_days": "7", "lapse_days": "60", "overdue_factor": "2", "full": "true",
        ])
        #expect(rules.silenceDays == 7)
        #expect(rules.lapseDays == 60)
        #expect(rules.overdueFactor == 2)
        #expect(rules.engagedEvents == ChurnRules.default.engagedEvents)
        #expect(
            rules.signals(for: Self.facts(silent: 7, engaged: 3, sincePurchase: 20, orders: 2, interval: 10)) == [
                .goneSilent
            ])
        #expect(rules.signals(for: Self.facts(sincePurchase: 60, orders: 1)) == [.lapsed])

        let zero = #expect(throws: DomainError.self) { try ChurnRules(params: ["silence_days": "0"]) }
        #expect(zero?.code == .invalidArgument)
        #expect(throws: DomainError.self) { try ChurnRules(params: ["lapse_days": "ninety"]) }
        #expect(throws: DomainError.self) { try ChurnRules(params: ["overdue_factor": "0.5"]) }
    }

    // MARK: Cohorts

    @Test func requestedMonthsDefaultToTwelveAndStopAtThirtySix() throws {
        #expect(try CohortRules.months(requested: 0) == 12)
        #expect(try CohortRules.months(requested: 1) == 1)
        #expect(try CohortRules.months(requested: 36) == 36)
        let tooMany = #expect(throws: DomainError.self) { try CohortRules.months(requested: 37) }
        #expect(tooMany?.code == .invalidArgument)
        #expect(throws: DomainError.self) { try CohortRules.months(requested: -1) }
    }

    @Test func monthIndexesCountCalendarMonths() {
        let march2024 = CohortRules.monthIndex(year: 2024, month: 3)
        let february2025 = CohortRules.monthIndex(year: 2025, month: 2)
        #expect(february2025 - march2024 == 11)
        let february = CohortRules.month(ofIndex: february2025)
        #expect(february.year == 2025 && february.month == 2)
        let december = CohortRules.month(ofIndex: CohortRules.monthIndex(year: 2024, month: 12))
        #expect(december.year == 2024 && december.month == 12)
        #expect(CohortRules.rate(5, of: 6) == 5.0 / 6.0)
        #expect(CohortRules.rate(0, of: 0) == 0)
    }
}
