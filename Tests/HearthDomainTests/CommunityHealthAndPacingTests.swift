import Foundation
import HearthDomain
import Testing

@Suite("Community health rules and campaign pacing")
struct CommunityHealthAndPacingTests {
    let rules = CommunityHealthRules()

    // MARK: Community health

    @Test func theDefaultsAreTheIssues() {
        #expect(rules.declineDays == 3)
        #expect(rules.inflowDays == 7)
        #expect(rules.staffDays == 7)
        #expect(rules.lurkerDays == 30)
        #expect(rules.capacityShare == 0.9)
        #expect(rules.fullRunDays == 90)
        #expect(rules.activityWeight + rules.voiceWeight + rules.inflowWeight + rules.staffWeight == 100)
    }

    @Test func lurkerShareIsOverTheGroupsMembers() {
        #expect(rules.lurkerShare(members: 8, lurkers: 2) == 0.25)
        #expect(rules.lurkerShare(members: 0, lurkers: 0) == 0)
    }

    @Test func nearCapacityFromNinetyPercent() {
        #expect(rules.isNearCapacity(members: 450, capacity: 500))
        #expect(!rules.isNearCapacity(members: 449, capacity: 500))
        #expect(rules.isNearCapacity(members: 9, capacity: 10))
        #expect(!rules.isNearCapacity(members: 8, capacity: 10))
        #expect(!rules.isNearCapacity(members: 0, capacity: 0))
    }

    @Test func scoresAreHandComputed() {
        // Lively (2 of 10 active = the 20 % that counts as full), half lurkers, no warnings:
        // 40 × 1 + 30 × 0.5 + 15 + 15.
        #expect(rules.score(members: 10, activeMembers: 2, lurkerShare: 0.5, warnings: []) == 85)
        // 1 of 8 active: activity 1 / 1.6 = 0.625 → 25; voice 0.75 → 22.5; inflow and staff 30.
        #expect(rules.score(members: 8, activeMembers: 1, lurkerShare: 0.25, warnings: []) == 77.5)
        // The same while activity declines: 10 points off.
        #expect(rules.score(members: 8, activeMembers: 1, lurkerShare: 0.25, warnings: [.activityDeclining]) == 67.5)
        // 1 of 20 active (0.25 → 10), three quarters lurkers (7.5), no inflow (0), staff (15), declining (−10).
        #expect(
            rules.score(
                members: 20, activeMembers: 1, lurkerShare: 0.75, warnings: [.noNewMembers, .activityDeclining])
                == 22.5)
        // 1 of 6 active: 40 / 1.2 = 33.33…; voice 5/6 → 25; + 30 = 88.33… → 88.3.
        #expect(rules.score(members: 6, activeMembers: 1, lurkerShare: 1.0 / 6, warnings: []) == 88.3)
        // Being full costs nothing.
        #expect(rules.score(members: 10, activeMembers: 2, lurkerShare: 0.5, warnings: [.nearCapacity]) == 85)
        // An empty, silent, unstaffed, declining group stays at 0.
        #expect(
            rules.score(
                members: 0, activeMembers: 0, lurkerShare: 0,
                warnings: [.noNewMembers, .noStaffActivity, .activityDeclining]) == 0)
        // More active members than members (visitors who left that day) cap activity at 1.
        #expect(rules.score(members: 5, activeMembers: 9, lurkerShare: 0, warnings: []) == 100)
    }

    @Test func runParametersOverrideTheDefaults() throws {
        let custom = try CommunityHealthRules(
            parameters: ["decline_days": "5", "capacity_share": "0.8", "days": "14", "full": "true"])
        #expect(custom.declineDays == 5)
        #expect(custom.capacityShare == 0.8)
        #expect(custom.fullRunDays == 14)
        #expect(custom.inflowDays == 7)

        let zero = #expect(throws: DomainError.self) { try CommunityHealthRules(parameters: ["inflow_days": "0"]) }
        #expect(zero?.code == .invalidArgument)
        #expect(zero?.message.contains("params.inflow_days") == true)
        let text = #expect(throws: DomainError.self) { try CommunityHealthRules(parameters: ["lively_share": "a lot"]) }
        #expect(text?.message.contains("params.lively_share") == true)
        #expect(throws: DomainError.self) { try CommunityHealthRules(parameters: ["capacity_share": "1.5"]) }
    }

    // MARK: Pacing

    static let start = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
    static let period = CampaignPeriod(start: start, end: start.addingTimeInterval(30 * 86_400))
    /// Day 12 of 30: 40 % of the period has passed.
    static let dayTwelve = start.addingTimeInterval(12 * 86_400)

    @Test func behindThePace() {
        // Goal 300,000.00 CNY; 100,000.00 by 40 % of the month: 120,000.00 was expected.
        let pacing = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: 100, period: Self.period, revenueFen: 10_000_000,
            participants: 44, at: Self.dayTwelve)
        #expect(pacing.elapsedFraction == 0.4)
        #expect(pacing.expectedRevenueFen == 12_000_000)
        #expect(pacing.projectedRevenueFen == 25_000_000)
        #expect(pacing.expectedParticipants == 40)
        #expect(pacing.projectedParticipants == 110)
        #expect(!pacing.onTrack)
    }

    @Test func aheadOfThePace() {
        let pacing = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: 100, period: Self.period, revenueFen: 13_000_000,
            participants: 44, at: Self.dayTwelve)
        #expect(pacing.projectedRevenueFen == 32_500_000)
        #expect(pacing.onTrack)
        // Every goal set counts: ahead on revenue but behind on participants is not on track.
        let fewPeople = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: 100, period: Self.period, revenueFen: 13_000_000,
            participants: 39, at: Self.dayTwelve)
        #expect(!fewPeople.onTrack)
    }

    @Test func notStartedExpectsNothingYet() {
        let pacing = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: Self.period, revenueFen: 5_000,
            participants: 1, at: Self.start.addingTimeInterval(-3_600))
        #expect(pacing.elapsedFraction == 0)
        #expect(pacing.expectedRevenueFen == 0)
        #expect(pacing.projectedRevenueFen == 5_000)
        #expect(pacing.projectedParticipants == 1)
        #expect(pacing.onTrack)
    }

    @Test func overMeansTheGoalItself() {
        let end = Self.period.end.addingTimeInterval(86_400)
        let missed = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: Self.period, revenueFen: 29_999_999,
            participants: 0, at: end)
        #expect(missed.elapsedFraction == 1)
        #expect(missed.expectedRevenueFen == 30_000_000)
        #expect(missed.projectedRevenueFen == 29_999_999)
        #expect(!missed.onTrack)
        let reached = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: Self.period, revenueFen: 30_000_000,
            participants: 0, at: end)
        #expect(reached.onTrack)
    }

    @Test func withoutAPeriodOnlyReachingTheGoalIsOnTrack() {
        let short = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: nil, revenueFen: 10_000_000, participants: 3,
            at: Self.dayTwelve)
        #expect(short.elapsedFraction == 0)
        #expect(short.expectedRevenueFen == 0)
        #expect(short.projectedRevenueFen == 10_000_000)
        #expect(!short.onTrack)
        let reached = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: nil, revenueFen: 31_000_000, participants: 3,
            at: Self.dayTwelve)
        #expect(reached.onTrack)
        let noGoal = CampaignPacing(
            goalRevenueFen: nil, goalParticipants: nil, period: nil, revenueFen: 0, participants: 0,
            at: Self.dayTwelve)
        #expect(noGoal.onTrack)
        #expect(noGoal.expectedRevenueFen == 0)
    }

    @Test func pacingTravelsAsSnakeCaseJSON() throws {
        let pacing = CampaignPacing(
            goalRevenueFen: 30_000_000, goalParticipants: nil, period: Self.period, revenueFen: 10_000_000,
            participants: 44, at: Self.dayTwelve)
        let json = String(decoding: try JSONEncoder().encode(pacing), as: UTF8.self)
        #expect(json.contains("\"goal_revenue_fen\":30000000"))
        #expect(json.contains("\"on_track\":false"))
        #expect(!json.contains("goal_participants"))
        #expect(try JSONDecoder().decode(CampaignPacing.self, from: Data(json.utf8)) == pacing)
    }
}
