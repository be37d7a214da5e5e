import Foundation
import HearthDomain
import Testing

/// The member jobs' formulas on small hand-computed fixtures: engagement score, lifecycle
/// placement and social roles (the jobs' SQL follows these rule for rule).
@Suite("Engagement score formula")
struct EngagementFormulaTests {
    /// 2026-03-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_323_200)

    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    @Test func theStandardWeightsAreIssueSixs() {
        let weights = EngagementWeights.standard
        #expect(weights.points(for: .message) == 1)
        #expect(weights.points(for: .checkIn) == 2)
        #expect(weights.points(for: .share) == 3)
        #expect(weights.points(for: .referral) == 5)
        #expect(weights.points(for: .purchase) == 8)
        #expect(weights.points(for: .campaignParticipation) == 4)
        for kind in [EventKind.visit, .feedback, .join, .leave] { #expect(weights.points(for: kind) == 0) }
        #expect(weights.halfLifeDays == 30)
        #expect(weights.saturation == 50)
        #expect(weights.scoredKinds == [.message, .checkIn, .share, .referral, .purchase, .campaignParticipation])
    }

    @Test func pointsHalveEveryThirtyDaysAndTheScaleSaturates() {
        let weights = EngagementWeights.standard
        #expect(abs(weights.decayFactor(age: 30 * 86_400) - 0.5) < 1e-12)
        #expect(abs(weights.decayFactor(age: 90 * 86_400) - 0.125) < 1e-12)
        #expect(weights.decayFactor(age: 0) == 1)
        #expect(weights.score(rawPoints: 0) == 0)
        // raw = k gives 100 × (1 − 1/e).
        #expect(abs(weights.score(rawPoints: 50) - 63.212055882855765) < 1e-9)
        #expect(weights.score(rawPoints: 10_000) <= 100)
    }

    @Test func aHandComputedMemberScoresAsExpected() {
        let events: [(kind: EventKind, occurredAt: Date)] = [
            (.message, Self.daysAgo(30)),  // 1 × 0.5
            (.message, Self.daysAgo(60)),  // 1 × 0.25
            (.purchase, Self.now),  // 8 × 1
            (.purchase, Self.daysAgo(15)),  // 8 × 2^-0.5 = 5.656854249492381
            (.visit, Self.daysAgo(1)),  // worth nothing
            (.message, Self.daysAgo(-1)),  // tomorrow: not yet
        ]
        let contributions = EngagementWeights.standard.contributions(of: events, at: Self.now)
        #expect(Set(contributions.keys) == [.message, .purchase])
        #expect(contributions[.message]?.eventCount == 2)
        #expect(abs((contributions[.message]?.points ?? 0) - 0.75) < 1e-9)
        #expect(contributions[.purchase]?.eventCount == 2)
        #expect(abs((contributions[.purchase]?.points ?? 0) - 13.656854249492381) < 1e-9)
        // 100 × (1 − exp(−14.406854249492381 / 50))
        #expect(abs(EngagementWeights.standard.score(of: events, at: Self.now) - 25.034118177667054) < 1e-6)

        let other: [(kind: EventKind, occurredAt: Date)] = [
            (.checkIn, Self.daysAgo(90)),  // 2 × 0.125
            (.share, Self.daysAgo(30)),  // 3 × 0.5
            (.referral, Self.daysAgo(45)),  // 5 × 2^-1.5 = 1.7677669529663689
            (.campaignParticipation, Self.daysAgo(30)),  // 4 × 0.5
        ]
        // 100 × (1 − exp(−5.517766952966369 / 50))
        #expect(abs(EngagementWeights.standard.score(of: other, at: Self.now) - 10.448413301249172) < 1e-6)
    }

    @Test func decayingStoredPointsEqualsRecomputingThem() {
        let weights = EngagementWeights.standard
        let events: [(kind: EventKind, occurredAt: Date)] = [
            (.purchase, Self.daysAgo(40)), (.message, Self.daysAgo(3)), (.share, Self.daysAgo(12.5)),
        ]
        let later = Self.now.addingTimeInterval(2.25 * 86_400)
        let before = weights.contributions(of: events, at: Self.now)
        let after = weights.contributions(of: events, at: later)
        for (kind, contribution) in before {
            let decayed = contribution.points * weights.decayFactor(age: later.timeIntervalSince(Self.now))
            #expect(abs(decayed - (after[kind]?.points ?? 0)) < 1e-12)
        }
    }

    @Test func aTenantTunesWeightsHalfLifeAndScale() throws {
        let tuned = try EngagementWeights(
            parameters: [
                "weight.purchase": "10", "weight.visit": "0.5", "half_life_days": "14", "saturation": "80",
                "score_tolerance": "0.1",
            ])
        #expect(tuned.points(for: .purchase) == 10)
        #expect(tuned.points(for: .visit) == 0.5)
        #expect(tuned.points(for: .message) == 1)
        #expect(tuned.halfLifeDays == 14)
        #expect(tuned.saturation == 80)
        #expect(tuned.scoreTolerance == 0.1)
        #expect(EngagementWeights.standard.scoreTolerance == 0.5)
        #expect(try EngagementWeights(parameters: [:]) == .standard)

        for bad in [
            ["weight.purchase": "lots"], ["weight.purchase": "-1"], ["half_life_days": "0"], ["saturation": "0"],
            ["weight.unknown": "1"], ["decay": "1"], ["score_tolerance": "-0.1"], ["score_tolerance": "6"],
        ] {
            let refused = #expect(throws: DomainError.self) { try EngagementWeights(parameters: bad) }
            #expect(refused?.code == .invalidArgument, "\(bad)")
        }
    }
}

@Suite("Lifecycle rules")
struct LifecycleRuleTests {
    static let now = EngagementFormulaTests.now
    static let rules = LifecycleRules.standard

    static func daysAgo(_ days: Double) -> Date { EngagementFormulaTests.daysAgo(days) }

    static func move(_ current: LifecycleStage, _ facts: LifecycleRules.Facts) -> LifecycleRules.Move? {
        rules.move(from: current, facts: facts, now: now)
    }

    @Test func eachStepUpTheLadderHasItsReason() {
        #expect(Self.move(.audience, .init()) == nil)
        #expect(
            Self.move(.audience, .init(purchases: 1, lastPurchaseAt: Self.daysAgo(10), uses: 1))
                == LifecycleRules.Move(from: .audience, to: .user, reason: "first_purchase"))
        #expect(
            Self.move(.audience, .init(uses: 1)) == LifecycleRules.Move(from: .audience, to: .user, reason: "first_use")
        )
        #expect(
            Self.move(.user, .init(purchases: 2, lastPurchaseAt: Self.daysAgo(10), uses: 2))
                == LifecycleRules.Move(from: .user, to: .fan, reason: "repeat_purchase"))
        #expect(
            Self.move(.audience, .init(purchases: 1, lastPurchaseAt: Self.daysAgo(20), uses: 1, referrals: 1))
                == LifecycleRules.Move(from: .audience, to: .fan, reason: "referral"))
        #expect(
            Self.move(.user, .init(purchases: 1, lastPurchaseAt: Self.daysAgo(20), uses: 1, engagementScore: 60))
                == LifecycleRules.Move(from: .user, to: .fan, reason: "high_engagement"))
        #expect(
            Self.move(.fan, .init(purchases: 2, lastPurchaseAt: Self.daysAgo(2), uses: 2, inActiveCommunity: true))
                == LifecycleRules.Move(from: .fan, to: .community, reason: "active_membership"))
    }

    @Test func customersLapseAfterNinetyDaysAndComeBackByBuying() {
        #expect(
            Self.move(.user, .init(purchases: 1, lastPurchaseAt: Self.daysAgo(90), uses: 1))
                == LifecycleRules.Move(from: .user, to: .lapsed, reason: "no_purchase_90d"))
        #expect(Self.move(.user, .init(purchases: 1, lastPurchaseAt: Self.daysAgo(89.9), uses: 1)) == nil)
        // Lapsing wins over a group membership and a high score.
        #expect(
            Self.move(
                .community,
                .init(
                    purchases: 3, lastPurchaseAt: Self.daysAgo(100), uses: 3, engagementScore: 90,
                    inActiveCommunity: true))?.to == .lapsed)
        #expect(
            Self.move(.lapsed, .init(purchases: 2, lastPurchaseAt: Self.daysAgo(5), uses: 2))
                == LifecycleRules.Move(from: .lapsed, to: .fan, reason: "purchase_after_lapse"))
        // An imported lapsed member without purchases in Hearth stays lapsed.
        #expect(Self.move(.lapsed, .init()) == nil)
        let monthly = LifecycleRules(lapseDays: 30, fanScore: 60)
        #expect(
            monthly.move(from: .user, facts: .init(purchases: 1, lastPurchaseAt: Self.daysAgo(31)), now: Self.now)?
                .reason
                == "no_purchase_30d")
    }

    @Test func levelsAreKeptAndOnlyLeavingTheGroupsStepsDown() {
        // An imported fan with no events in Hearth, a fan whose score decayed: still fans.
        #expect(Self.move(.fan, .init()) == nil)
        #expect(Self.move(.fan, .init(uses: 1, engagementScore: 10)) == nil)
        #expect(
            Self.move(.community, .init(purchases: 2, lastPurchaseAt: Self.daysAgo(5), uses: 2))
                == LifecycleRules.Move(from: .community, to: .fan, reason: "no_active_membership"))
        // A group member who never tried the product is still audience.
        #expect(Self.move(.audience, .init(inActiveCommunity: true)) == nil)
    }

    @Test func settingsAreChecked() throws {
        let tuned = try LifecycleRules(parameters: ["lapse_days": "60", "fan_score": "45.5"])
        #expect(tuned == LifecycleRules(lapseDays: 60, fanScore: 45.5))
        #expect(tuned.lapseReason == "no_purchase_60d")
        for bad in [["lapse_days": "0"], ["lapse_days": "1.5"], ["fan_score": "101"], ["fan": "1"]] {
            let refused = #expect(throws: DomainError.self) { try LifecycleRules(parameters: bad) }
            #expect(refused?.code == .invalidArgument, "\(bad)")
        }
    }
}

@Suite("Social role rules")
struct SocialRoleRuleTests {
    /// The group of the social_roles job test: organizer, thinker, energizer, asker, lurker,
    /// challenger and an ordinary member.
    static let group: [String: SocialRoleRules.Signals] = [
        "organizer": .init(messages: 6, organizer: 10),
        "thinker": .init(messages: 4, thinker: 6),
        "energizer": .init(messages: 8, energizer: 10),
        "asker": .init(messages: 4, asker: 5),
        "lurker": .init(messages: 1),
        "challenger": .init(messages: 3, challenger: 3),
        "ordinary": .init(messages: 5),
    ]

    @Test func eachMemberOfAHandBuiltGroupGetsTheirRole() {
        let rules = SocialRoleRules.standard
        let average = SocialRoleRules.Signals.average(of: Array(Self.group.values))
        #expect(abs(average.organizer - 10.0 / 7) < 1e-12)
        for (name, signals) in Self.group {
            let role = rules.role(of: signals, groupAverage: average)
            #expect(role?.rawValue == (name == "ordinary" ? nil : name), "\(name)")
        }
    }

    @Test func thresholdsAreRelativeToTheGroup() {
        let rules = SocialRoleRules.standard
        let member = SocialRoleRules.Signals(messages: 8, energizer: 8)
        // In a quiet group 8 short messages stand out; in a group where everyone writes 8, they do not.
        #expect(rules.role(of: member, groupAverage: .init(messages: 2, energizer: 2)) == .energizer)
        #expect(rules.role(of: member, groupAverage: .init(messages: 8, energizer: 8)) == nil)
        // Below the minimum signal nothing stands out, however quiet the group.
        #expect(rules.role(of: .init(messages: 2, thinker: 2), groupAverage: .init(thinker: 0.1)) == .lurker)
        // The largest ratio wins; a tie goes to the earlier role.
        let both = SocialRoleRules.Signals(messages: 10, thinker: 6, energizer: 9)
        #expect(rules.role(of: both, groupAverage: .init(thinker: 1, energizer: 3)) == .thinker)
        #expect(rules.role(of: both, groupAverage: .init(thinker: 2, energizer: 3)) == .thinker)
        // Disputes come first.
        #expect(
            rules.role(of: .init(messages: 9, organizer: 20, challenger: 2), groupAverage: .init(organizer: 1))
                == .challenger)
    }

    @Test func theOverallRoleIsWhereTheMemberDidMost() {
        #expect(SocialRoleRules.dominant([(.thinker, 5), (.energizer, 10)]) == .energizer)
        #expect(SocialRoleRules.dominant([(.lurker, 3), (.asker, 3)]) == .asker)
        #expect(SocialRoleRules.dominant([(.asker, 4), (.organizer, 4)]) == .organizer)
        #expect(SocialRoleRules.dominant([]) == nil)
    }

    @Test func settingsAreChecked() throws {
        let tuned = try SocialRoleRules(parameters: ["window_days": "14", "stand_out_ratio": "2"])
        #expect(tuned.windowDays == 14)
        #expect(tuned.standOutRatio == 2)
        #expect(tuned.longMessageLength == 80)
        for bad in [
            ["window_days": "0"], ["window_days": "7.5"], ["stand_out_ratio": "0.5"], ["short_message_length": "200"],
            ["roles": "all"],
        ] {
            let refused = #expect(throws: DomainError.self) { try SocialRoleRules(parameters: bad) }
            #expect(refused?.code == .invalidArgument, "\(bad)")
        }
    }
}
