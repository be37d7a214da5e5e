import Foundation
import HearthDomain
import Testing

@Suite("Segment rule language")
struct SegmentRuleParserTests {
    static let example =
        #"region.province = "Sichuan" and org_kind in ("pharmacy", "clinic") and (vip_tier >= 1 or tag "core") "#
        + #"and purchases(last 90d).count >= 1 and not member_of("vip-sichuan")"#

    @Test func theOperatorsExampleParsesToItsTree() throws {
        let expected: SegmentRule = .and([
            .compare(.province, .equal, .text("Sichuan")),
            .oneOf(.organisationKind, [.text("pharmacy"), .text("clinic")], negated: false),
            .or([.compare(.vipTier, .greaterOrEqual, .integer(1)), .hasTag("core")]),
            .eventCount(kind: .purchase, window: TimeSpan(90, .days), .greaterOrEqual, 1),
            .not(.memberOf(segment: "vip-sichuan")),
        ])
        let rule = try SegmentRule.parse(Self.example)
        #expect(rule == expected)
        #expect(rule.description == Self.example)
        #expect(rule.referencedSegments == ["vip-sichuan"])
    }

    // MARK: Boolean structure

    @Test func andBindsTighterThanOrAndNotTighterThanBoth() throws {
        let a: SegmentRule = .hasTag("a")
        let b: SegmentRule = .hasTag("b")
        let c: SegmentRule = .hasTag("c")
        #expect(try SegmentRule.parse(#"tag "a" or tag "b" and tag "c""#) == .or([a, .and([b, c])]))
        #expect(try SegmentRule.parse(#"tag "a" and tag "b" or tag "c""#) == .or([.and([a, b]), c]))
        #expect(try SegmentRule.parse(#"tag "a" or tag "b" or tag "c""#) == .or([a, b, c]))
        #expect(try SegmentRule.parse(#"not tag "a" and tag "b""#) == .and([.not(a), b]))
        #expect(try SegmentRule.parse(#"not (tag "a" and tag "b")"#) == .not(.and([a, b])))
        #expect(try SegmentRule.parse(#"not not tag "a""#) == .not(.not(a)))
        #expect(try SegmentRule.parse(#"(tag "a" and tag "b") and tag "c""#) == .and([.and([a, b]), c]))
    }

    @Test func parenthesesNestFiveDeep() throws {
        let tags = ["a", "b", "c", "d", "e", "f"].map { SegmentRule.hasTag($0) }
        let expected: SegmentRule = .or([
            .and([.or([.and([.or([tags[0], tags[1]]), tags[2]]), tags[3]]), tags[4]]), tags[5],
        ])
        let text = #"(((((tag "a" or tag "b") and tag "c") or tag "d") and tag "e") or tag "f")"#
        #expect(try SegmentRule.parse(text) == expected)
        #expect(try SegmentRule.parse(#"(((((tag "a")))))"#) == tags[0])
    }

    @Test func nestingIsBounded() throws {
        let deepest = String(repeating: "(", count: 32) + #"tag "a""# + String(repeating: ")", count: 32)
        #expect(try SegmentRule.parse(deepest) == .hasTag("a"))
        let tooDeep = String(repeating: "(", count: 40) + #"tag "a""# + String(repeating: ")", count: 40)
        let error = #expect(throws: SegmentRuleError.self) { try SegmentRule.parse(tooDeep) }
        #expect(error?.code == .tooComplex)
        #expect(error?.column == 33)
        let tooLong = #expect(throws: SegmentRuleError.self) {
            try SegmentRule.parse(String(repeating: #"tag "a" or "#, count: 1_000) + #"tag "a""#)
        }
        #expect(tooLong?.code == .tooComplex)
    }

    @Test func keywordsAndNamesIgnoreCase() throws {
        let rule = try SegmentRule.parse(#"TAG "a" AND NOT Interest "b" Or In_Community("c")"#)
        #expect(rule == .or([.and([.hasTag("a"), .not(.hasInterest("b"))]), .inCommunity("c")]))
        #expect(try SegmentRule.parse(#"Region.Province = "四川""#) == .compare(.province, .equal, .text("四川")))
    }

    // MARK: Fields, by type

    static let textComparisons: [(String, SegmentRule)] = [
        (#"region.city = "Chengdu""#, .compare(.city, .equal, .text("Chengdu"))),
        (#"org_kind != "individual""#, .compare(.organisationKind, .notEqual, .text("individual"))),
        (#"source = "qr_poster""#, .compare(.source, .equal, .text("qr_poster"))),
        (
            #"region.city not in ("Chengdu", "Mianyang")"#,
            .oneOf(.city, [.text("Chengdu"), .text("Mianyang")], negated: true)
        ),
        (#"region.province in ("Sichuan")"#, .oneOf(.province, [.text("Sichuan")], negated: false)),
    ]

    static let lifecycleComparisons: [(String, SegmentRule)] = [
        (#"lifecycle = "lapsed""#, .compare(.lifecycle, .equal, .lifecycleStage(.lapsed))),
        (#"lifecycle != "Fan""#, .compare(.lifecycle, .notEqual, .lifecycleStage(.fan))),
        (
            #"lifecycle in ("audience", "user", "community")"#,
            .oneOf(
                .lifecycle, [.lifecycleStage(.audience), .lifecycleStage(.user), .lifecycleStage(.community)],
                negated: false)
        ),
    ]

    static let numberComparisons: [(String, SegmentRule)] = [
        ("vip_tier > 2", .compare(.vipTier, .greater, .integer(2))),
        ("vip_tier not in (0, 1)", .oneOf(.vipTier, [.integer(0), .integer(1)], negated: true)),
        ("total_spend_fen >= 1000000", .compare(.totalSpendFen, .greaterOrEqual, .integer(1_000_000))),
        ("orders <= 3", .compare(.orders, .lessOrEqual, .integer(3))),
        ("engagement_score >= 75.5", .compare(.engagementScore, .greaterOrEqual, .number(Decimal(string: "75.5")!))),
        ("engagement_score < 20", .compare(.engagementScore, .less, .number(20))),
        ("churn_risk > 0.7", .compare(.churnRisk, .greater, .number(Decimal(string: "0.7")!))),
        ("churn_risk != -0.25", .compare(.churnRisk, .notEqual, .number(Decimal(string: "-0.25")!))),
    ]

    static let timeComparisons: [(String, SegmentRule)] = [
        ("last_purchase_at < 30d ago", .compare(.lastPurchaseAt, .less, .ago(TimeSpan(30, .days)))),
        ("last_active_at >= 2w ago", .compare(.lastActiveAt, .greaterOrEqual, .ago(TimeSpan(2, .weeks)))),
        ("last_active_at > 36H AGO", .compare(.lastActiveAt, .greater, .ago(TimeSpan(36, .hours)))),
        (
            "created_at >= 2026-01-01",
            .compare(.createdAt, .greaterOrEqual, .date(CalendarDate(year: 2026, month: 1, day: 1)!))
        ),
        ("created_at < 2024-02-29", .compare(.createdAt, .less, .date(CalendarDate(year: 2024, month: 2, day: 29)!))),
    ]

    static let booleanComparisons: [(String, SegmentRule)] = [
        ("consent.sms = true", .compare(.smsConsent, .equal, .boolean(true))),
        ("consent.im != FALSE", .compare(.imConsent, .notEqual, .boolean(false))),
        ("consent.phone = false", .compare(.phoneConsent, .equal, .boolean(false))),
    ]

    static let memberships: [(String, SegmentRule)] = [
        (#"tag "core""#, .hasTag("core")),
        (#"tag "say \"hi\" \\ bye""#, .hasTag(#"say "hi" \ bye"#)),
        (#"interest "skincare""#, .hasInterest("skincare")),
        (#"member_of("vip-sichuan")"#, .memberOf(segment: "vip-sichuan")),
        (#"in_community("成都药店1群")"#, .inCommunity("成都药店1群")),
    ]

    @Test(arguments: SegmentRuleParserTests.textComparisons)
    func textFields(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: SegmentRuleParserTests.lifecycleComparisons)
    func lifecycleStages(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: SegmentRuleParserTests.numberComparisons)
    func numberFields(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: SegmentRuleParserTests.timeComparisons)
    func timeFields(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: SegmentRuleParserTests.booleanComparisons)
    func consentFields(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: SegmentRuleParserTests.memberships)
    func membershipConditions(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: LifecycleStage.allCases)
    func everyLifecycleStageIsAValue(_ stage: LifecycleStage) throws {
        let expected: SegmentRule = .compare(.lifecycle, .equal, .lifecycleStage(stage))
        #expect(try SegmentRule.parse("lifecycle = \"\(stage.rawValue)\"") == expected)
    }

    // MARK: Event aggregates

    static let aggregates: [(String, SegmentRule)] = [
        (
            "check_ins(last 12h).count >= 3",
            .eventCount(kind: .checkIn, window: TimeSpan(12, .hours), .greaterOrEqual, 3)
        ),
        (
            "campaign_participations(last 2w).count = 0",
            .eventCount(kind: .campaignParticipation, window: TimeSpan(2, .weeks), .equal, 0)
        ),
        ("Feedbacks(LAST 1W).COUNT > 0", .eventCount(kind: .feedback, window: TimeSpan(1, .weeks), .greater, 0)),
        ("leaves ( last 7d ) . count < 1", .eventCount(kind: .leave, window: TimeSpan(7, .days), .less, 1)),
        ("purchases(last 30d).sum >= 9900", .purchaseSum(window: TimeSpan(30, .days), .greaterOrEqual, fen: 9900)),
        ("purchases(last 365d).sum != 0", .purchaseSum(window: TimeSpan(365, .days), .notEqual, fen: 0)),
    ]

    @Test(arguments: SegmentRuleParserTests.aggregates)
    func eventWindowsAndUnits(_ text: String, _ expected: SegmentRule) throws {
        #expect(try SegmentRule.parse(text) == expected)
    }

    @Test(arguments: EventKind.allCases)
    func everyEventKindIsCountedByItsPlural(_ kind: EventKind) throws {
        let rule = try SegmentRule.parse("\(kind.rawValue)s(last 7d).count >= 1")
        #expect(rule == .eventCount(kind: kind, window: TimeSpan(7, .days), .greaterOrEqual, 1))
    }

    // MARK: Canonical text

    static let roundTrips: [String] = [
        example,
        #"vip_tier >= 1 or tag "core" and interest "skincare""#,
        #"not (lifecycle = "lapsed" or lifecycle in ("audience", "user"))"#,
        #"(tag "a" and tag "b") and tag "c""#,
        "engagement_score >= 75.5 and churn_risk < 0.3 and churn_risk > -0.25",
        "last_active_at < 30d ago and created_at >= 2026-01-01",
        "consent.sms = true and consent.im != false and consent.phone = TRUE",
        "check_ins(last 12h).count >= 3 or campaign_participations(last 2w).count = 0",
        "purchases(last 90d).sum >= 1000000 and orders > 2",
        #"region.city not in ("Chengdu", "Mianyang") and source = "qr_poster""#,
        #"tag "say \"hi\" \\ bye" and in_community("药店 1 群")"#,
        #"not not member_of("a")"#,
        "vip_tier in (1, 2, 3) and engagement_score != 0",
        #"(((((tag "a" or tag "b") and tag "c") or tag "d") and tag "e") or tag "f")"#,
        #"not org_kind in ("pharmacy") and org_kind not in ("clinic")"#,
    ]

    @Test(arguments: SegmentRuleParserTests.roundTrips)
    func descriptionParsesBackToTheSameTree(_ text: String) throws {
        let rule = try SegmentRule.parse(text)
        let again = try SegmentRule.parse(rule.description)
        #expect(again == rule)
        #expect(again.description == rule.description)
    }

    @Test func descriptionIsNormalised() throws {
        #expect(
            try SegmentRule.parse(#"VIP_TIER>=1 OR Tag "a" AND lifecycle="Fan""#).description
                == #"vip_tier >= 1 or (tag "a" and lifecycle = "fan")"#)
        #expect(
            try SegmentRule.parse(#"org_kind in("pharmacy","clinic")and not(tag "x" or tag "y")"#).description
                == #"org_kind in ("pharmacy", "clinic") and not (tag "x" or tag "y")"#)
        #expect(try SegmentRule.parse("last_active_at<30D AGO").description == "last_active_at < 30d ago")
        #expect(
            try SegmentRule.parse("purchases( LAST 2W ).SUM>=9900\n").description
                == "purchases(last 2w).sum >= 9900")
    }

    @Test func theTreeSurvivesJSON() throws {
        let rule = try SegmentRule.parse(Self.example + " and created_at >= 2026-01-01 and last_active_at < 2w ago")
        let data = try JSONEncoder().encode(rule)
        #expect(try JSONDecoder().decode(SegmentRule.self, from: data) == rule)
    }

    @Test func referencedSegmentsAreFoundAtAnyDepth() throws {
        let rule = try SegmentRule.parse(#"member_of("a") or not (tag "x" and (member_of("b") or member_of("a")))"#)
        #expect(rule.referencedSegments == ["a", "b"])
        #expect(try SegmentRule.parse(#"tag "x""#).referencedSegments.isEmpty)
    }

    // MARK: Errors

    struct BadRule: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var code: SegmentRuleError.Code
        var fragment: String

        init(_ text: String, _ line: Int, _ column: Int, _ code: SegmentRuleError.Code, _ fragment: String) {
            self.text = text
            self.line = line
            self.column = column
            self.code = code
            self.fragment = fragment
        }

        var testDescription: String { text.debugDescription }
    }

    static let badRules: [BadRule] = [
        BadRule(
            #"provice = "Sichuan""#, 1, 1, .unknownName, #"unknown field "provice"; did you mean "region.province"?"#),
        BadRule(#"region.provnce = "Sichuan""#, 1, 1, .unknownName, #"did you mean "region.province"?"#),
        BadRule(
            #"vip_tier >= 1 and source = and tag "x""#, 1, 28, .syntax, #"expected a value after "=", found "and""#),
        BadRule("region.province = 3", 1, 19, .typeMismatch, #"region.province takes text in double quotes"#),
        BadRule(#"lifecycle = "fans""#, 1, 13, .invalidValue, #"unknown lifecycle stage "fans"; did you mean "fan"?"#),
        BadRule("lifecycle = fan", 1, 13, .syntax, #"put text in double quotes: "fan""#),
        BadRule("messages(last 7d).sum > 100", 1, 19, .typeMismatch, "only purchases carry an amount"),
        BadRule("org_kind in ()", 1, 14, .invalidValue, #"the list after "in" is empty"#),
        BadRule(
            #"(vip_tier >= 1 or tag "core""#, 1, 29, .syntax,
            #"expected ")" to close the "(" at line 1, column 1, found the end of the rule"#),
        BadRule("vip_tier >= 1)", 1, 14, .syntax, #"this ")" has no matching "(""#),
        BadRule(#"tag "core"#, 1, 5, .syntax, "no closing"),
        BadRule("purchases(last 90m).count >= 1", 1, 16, .syntax, "unknown time unit in 90m"),
        BadRule("purchases(last 0d).count > 1", 1, 16, .invalidValue, "a time span is a whole number"),
        BadRule("purchases(last 90d).count >= 1.5", 1, 30, .typeMismatch, "a count is a whole number"),
        BadRule("created_at >= 2026-02-30", 1, 15, .invalidValue, "2026-02-30 is not a day on the calendar"),
        BadRule(
            "created_at = 2026-01-01", 1, 12, .typeMismatch, "created_at is a time; compare it with <, <=, > or >="),
        BadRule(
            "region.province = \"Sichuan\"\n  and vip_tier >= \"gold\"", 2, 19, .typeMismatch,
            #"vip_tier takes a whole number, e.g. 3, not the text "gold""#),
        BadRule("tag \"a\" and\n(vip_tier > 1 or)", 2, 17, .syntax, #"expected a condition after "or", found ")""#),
        BadRule("", 1, 1, .syntax, "the rule is empty"),
        BadRule("vip_tier >= 1 and", 1, 18, .syntax, #"expected a condition after "and", found the end of the rule"#),
        BadRule("vip_tier", 1, 9, .syntax, "expected a comparison after vip_tier"),
        BadRule("consent.sms > true", 1, 13, .typeMismatch, "consent.sms is true or false; compare it with = or !="),
        BadRule("last_active_at < 30d", 1, 21, .syntax, #"expected "ago" after 30d"#),
        BadRule(#"region.province == "x""#, 1, 17, .syntax, "write = to compare, not =="),
        BadRule("engagement_score > 150", 1, 20, .invalidValue, "engagement_score runs from 0 to 100"),
        BadRule("vip_tier >= 1.5", 1, 13, .typeMismatch, "vip_tier takes a whole number, e.g. 3, not the number 1.5"),
        BadRule(
            "purchase(last 90d).count >= 1", 1, 1, .unknownName,
            #"unknown event or function "purchase"; did you mean "purchases"?"#),
        BadRule(#"tag """#, 1, 5, .invalidValue, "the tag cannot be empty"),
        BadRule("region.city = \u{201C}成都\u{201D}", 1, 15, .syntax, "straight double quotes"),
        // Columns count Unicode scalars: the thumbs-up with a skin tone is one Character but two scalars.
        BadRule(
            "tag \"\u{1F44D}\u{1F3FD}\" and vip_tier = \"x\"", 1, 25, .typeMismatch, "vip_tier takes a whole number"),
        BadRule(#"vip_tier >= 1 tag "x""#, 1, 15, .syntax, #"expected "and" or "or" between conditions, found "tag""#),
        BadRule(#"org_kind not ("a")"#, 1, 14, .syntax, #"expected "in" after "not""#),
        // The first problem in the text wins, even when a later token cannot be read at all.
        BadRule(#"provice = "Sichuan"#, 1, 1, .unknownName, #"did you mean "region.province"?"#),
    ]

    @Test(arguments: SegmentRuleParserTests.badRules)
    func errorsSayWhereAndWhy(_ bad: BadRule) {
        let error = #expect(throws: SegmentRuleError.self) { try SegmentRule.parse(bad.text) }
        #expect(error?.line == bad.line)
        #expect(error?.column == bad.column)
        #expect(error?.code == bad.code)
        #expect(error?.message.contains(bad.fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test func aRuleErrorBecomesAnInvalidArgument() {
        let error = #expect(throws: SegmentRuleError.self) {
            try SegmentRule.parse(#"vip_tier >= 1 and source = and tag "x""#)
        }
        #expect(error?.description == #"line 1, column 28: expected a value after "=", found "and""#)
        if let error {
            let domain = DomainError(error)
            #expect(domain.code == .invalidArgument)
            #expect(domain.message == error.description)
        }
    }
}
