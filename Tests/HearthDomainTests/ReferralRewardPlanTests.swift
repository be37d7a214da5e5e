import Foundation
import HearthDomain
import Testing

@Suite("Referral rewards per level, codes and placement in the tree")
struct ReferralRewardPlanTests {
    typealias Grant = ReferralRewardPlan.Grant

    let newcomer = MemberID()
    /// Nearest first: the direct referrer, then theirs, …
    let ancestors = (1...5).map { _ in MemberID() }

    let rules = ReferralRules(
        levelRewards: [1: .points(100), 2: .money(fen: 500), 3: .gift("保温杯")], maxRewardDepth: 2)

    @Test func eachLevelWithinTheDeepestRewardedOneEarnsItsReward() {
        let plan = ReferralRewardPlan(newcomer: newcomer, ancestors: ancestors, rules: rules)
        #expect(plan.newcomer == newcomer)
        #expect(
            plan.grants == [
                Grant(beneficiary: ancestors[0], level: 1, reward: .points(100)),
                Grant(beneficiary: ancestors[1], level: 2, reward: .money(fen: 500)),
            ])
    }

    @Test func theDefaultDeepestLevelIsTheDeepestRewardedOne() {
        let open = ReferralRules(levelRewards: [1: .points(100), 3: .gift("保温杯")])
        #expect(open.maxRewardDepth == 3)
        let plan = ReferralRewardPlan(newcomer: newcomer, ancestors: ancestors, rules: open)
        // Level 2 has no reward and is skipped; levels 4 and 5 lie beyond the deepest.
        #expect(
            plan.grants == [
                Grant(beneficiary: ancestors[0], level: 1, reward: .points(100)),
                Grant(beneficiary: ancestors[2], level: 3, reward: .gift("保温杯")),
            ])
    }

    @Test func aShallowTreeEarnsOnlyTheLevelsItHas() {
        let plan = ReferralRewardPlan(newcomer: newcomer, ancestors: [ancestors[0]], rules: rules)
        #expect(plan.grants == [Grant(beneficiary: ancestors[0], level: 1, reward: .points(100))])
        #expect(ReferralRewardPlan(newcomer: newcomer, ancestors: [], rules: rules).grants.isEmpty)
    }

    @Test func goneAncestorsEarnNothingAndTheirLevelIsNotHandedUp() {
        let plan = ReferralRewardPlan(
            newcomer: newcomer, ancestors: ancestors, rules: rules, excluded: [ancestors[0]])
        #expect(plan.grants == [Grant(beneficiary: ancestors[1], level: 2, reward: .money(fen: 500))])
    }

    @Test func withoutRulesNothingIsEarned() {
        #expect(ReferralRewardPlan(newcomer: newcomer, ancestors: ancestors, rules: nil).grants.isEmpty)
        let none = ReferralRules(levelRewards: [:])
        #expect(none.maxRewardDepth == 0)
        #expect(ReferralRewardPlan(newcomer: newcomer, ancestors: ancestors, rules: none).grants.isEmpty)
    }

    // MARK: Codes

    @Test func codesAreEightUnambiguousCharactersReadCaseInsensitively() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let code = ReferralCode.random(using: &generator)
            #expect(code.text.count == 8)
            #expect(code.text.allSatisfy { ReferralCode.alphabet.contains($0) })
            #expect(try ReferralCode(validating: code.text) == code)
        }
        #expect(ReferralCode.alphabet.count == 32)
        #expect(!ReferralCode.alphabet.contains { "0O1I".contains($0) })
        #expect(try ReferralCode(validating: " abcd2345 ").text == "ABCD2345")
    }

    @Test func textThatCannotBeACodeIsRefused() {
        for text in ["", "ABCD234", "ABCD23456", "ABCD2340", "ABCDO234", "ABCD1234", "ABCDI234", "ABCD-234"] {
            #expect(throws: DomainError.self) { try ReferralCode(validating: text) }
        }
    }

    // MARK: Placement

    @Test func aChildHangsOneLevelDeeperWithItsReferrerLastOnThePath() throws {
        let campaign = CampaignID()
        let code = try ReferralCode(validating: "ABCD2345")
        let root = ReferralNode(campaignID: campaign, memberID: ancestors[1])
        let child = try root.child(ancestors[0], code: code)
        let grandchild = try child.child(newcomer, code: code)
        #expect(child.depth == 1)
        #expect(child.referrerMemberID == ancestors[1])
        #expect(grandchild.depth == 2)
        #expect(grandchild.path == [ancestors[1], ancestors[0]])
        #expect(grandchild.ancestorsNearestFirst == [ancestors[0], ancestors[1]])
        #expect(grandchild.code == code)
    }

    @Test func selfReferralAndLoopsAreRefusedWithTheirReasons() throws {
        let code = try ReferralCode(validating: "ABCD2345")
        let root = ReferralNode(campaignID: CampaignID(), memberID: ancestors[1])
        let child = try root.child(ancestors[0], code: code)
        do throws(ReferralRefusal) {
            _ = try child.child(ancestors[0], code: code)
            Issue.record("a member's own code was accepted")
        } catch {
            #expect(error.reason == .selfReferral)
            #expect(error.code == .failedPrecondition)
        }
        do throws(ReferralRefusal) {
            _ = try child.child(ancestors[1], code: code)
            Issue.record("a referral that closes a loop was accepted")
        } catch {
            #expect(error.reason == .referralCycle)
            #expect(error.reason.rawValue == "referral_cycle")
        }
    }
}
