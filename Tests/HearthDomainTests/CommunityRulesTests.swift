import Foundation
import HearthDomain
import Testing

@Suite("Community rules")
struct CommunityRulesTests {
    func facts(
        policy: JoinPolicy = .open, archived: Bool = false, capacity: Int = 3, active: Int = 0,
        passPhrase: Bool = false, current: MembershipStatus? = nil, gone: Bool = false
    ) -> MembershipAdmission.Facts {
        MembershipAdmission.Facts(
            policy: policy, archived: archived, capacity: capacity, activeCount: active, passPhraseRequired: passPhrase,
            current: current, memberGone: gone)
    }

    func refusal(_ route: MembershipAdmission.Route, _ facts: MembershipAdmission.Facts) -> String? {
        do {
            _ = try MembershipAdmission.decide(route, facts: facts)
            return nil
        } catch {
            return error.reason.rawValue
        }
    }

    let ask = MembershipAdmission.Route.request(passPhraseMatches: false, paymentOrderGiven: false)

    @Test func platformsHaveConservativeDefaultCapacities() {
        #expect(CommunityPlatform.wechat.defaultCapacity == 500)
        #expect(CommunityPlatform.qq.defaultCapacity == 2_000)
        #expect(CommunitySettings(name: "A", platform: .qq).capacity == 2_000)
        #expect(CommunitySettings(name: "A", platform: .qq, capacity: 40).capacity == 40)
        for platform in CommunityPlatform.allCases { #expect(platform.defaultCapacity >= 200) }
    }

    @Test func settingsAreChecked() throws {
        try CommunitySettings(name: "成都药师交流群", platform: .wechat).validate()
        #expect(throws: DomainError.self) { try CommunitySettings(name: "  ", platform: .wechat).validate() }
        #expect(throws: DomainError.self) {
            try CommunitySettings(name: String(repeating: "群", count: 201), platform: .wechat).validate()
        }
        #expect(throws: DomainError.self) { try CommunitySettings(name: "A", platform: .qq, capacity: 0).validate() }
        #expect(throws: DomainError.self) {
            try CommunitySettings(name: "A", platform: .qq, purpose: String(repeating: "p", count: 2_001)).validate()
        }
        #expect(try PassPhrase.normalized("  芝麻开门 ") == "芝麻开门")
        #expect(try PassPhrase.normalized(" \n") == nil)
    }

    @Test func theJoinPolicyDecidesARequest() throws {
        #expect(try MembershipAdmission.decide(ask, facts: facts(policy: .open)) == .active)
        #expect(try MembershipAdmission.decide(ask, facts: facts(policy: .approval)) == .pending)
        #expect(refusal(ask, facts(policy: .inviteOnly)) == "invite_only")
        #expect(refusal(ask, facts(policy: .paid)) == "payment_required")
        let paid = MembershipAdmission.Route.request(passPhraseMatches: false, paymentOrderGiven: true)
        #expect(try MembershipAdmission.decide(paid, facts: facts(policy: .paid)) == .active)
        #expect(refusal(ask, facts(passPhrase: true)) == "pass_phrase_wrong")
        let right = MembershipAdmission.Route.request(passPhraseMatches: true, paymentOrderGiven: false)
        #expect(try MembershipAdmission.decide(right, facts: facts(passPhrase: true)) == .active)
        // An approval request needs no seat yet; approving it does.
        #expect(try MembershipAdmission.decide(ask, facts: facts(policy: .approval, active: 3)) == .pending)
        #expect(refusal(.approval, facts(policy: .approval, active: 3, current: .pending)) == "community_full")
    }

    @Test func standingAndStateComeFirst() {
        #expect(refusal(.invitation, facts(current: .banned)) == "banned")
        #expect(refusal(.joinLink, facts(current: .banned)) == "banned")
        #expect(refusal(ask, facts(current: .active)) == "already_member")
        #expect(refusal(ask, facts(policy: .approval, current: .pending)) == "already_member")
        #expect(refusal(.invitation, facts(archived: true)) == "archived")
        #expect(refusal(.invitation, facts(gone: true)) == "member_deleted")
        #expect(refusal(.approval, facts(current: .left)) == "not_pending")
        #expect(refusal(.approval, facts(current: nil)) == "not_pending")
        #expect(refusal(.invitation, facts(capacity: 2, active: 2)) == "community_full")
        let invited = try? MembershipAdmission.decide(.invitation, facts: facts(policy: .inviteOnly, current: .left))
        #expect(invited == .active)
        #expect((try? MembershipAdmission.decide(.invitation, facts: facts(current: .pending))) == .active)
    }

    @Test func moderationStepsFitTheMembership() throws {
        let now = Date()
        let later = now.addingTimeInterval(3_600)
        #expect(try ModerationActionKind.warn.effect(on: .active, mutedUntil: nil, now: now) == .recordOnly)
        #expect(
            try ModerationActionKind.mute.effect(on: .active, mutedUntil: nil, until: later, now: now)
                == .mute(until: later))
        #expect(try ModerationActionKind.unmute.effect(on: .active, mutedUntil: later, now: now) == .unmute)
        #expect(try ModerationActionKind.remove.effect(on: .pending, mutedUntil: nil, now: now) == .end(.removed))
        #expect(try ModerationActionKind.ban.effect(on: nil, mutedUntil: nil, now: now) == .end(.banned))
        #expect(try ModerationActionKind.unban.effect(on: .banned, mutedUntil: nil, now: now) == .unban)
        let unmuted = #expect(throws: CommunityRefusal.self) {
            try ModerationActionKind.unmute.effect(on: .active, mutedUntil: now.addingTimeInterval(-1), now: now)
        }
        #expect(unmuted?.reason == .notMuted)
        let notBanned = #expect(throws: CommunityRefusal.self) {
            try ModerationActionKind.unban.effect(on: .left, mutedUntil: nil, now: now)
        }
        #expect(notBanned?.reason == .notBanned)
        let twice = #expect(throws: CommunityRefusal.self) {
            try ModerationActionKind.ban.effect(on: .banned, mutedUntil: nil, now: now)
        }
        #expect(twice?.reason == .alreadyBanned)
        #expect(throws: CommunityRefusal.self) { try ModerationActionKind.warn.effect(on: .left, mutedUntil: nil) }
    }

    @Test func moderationOrdersNeedAReasonAndMutesAnEnd() throws {
        let base = ModerationOrder(
            communityID: CommunityID(), memberID: MemberID(), kind: .warn, reason: "spam links", operatorID: "op-1")
        try base.validate()
        var silent = base
        silent.reason = "   "
        #expect(throws: DomainError.self) { try silent.validate() }
        var mute = base
        mute.kind = .mute
        #expect(throws: DomainError.self) { try mute.validate() }
        mute.mutedUntil = Date().addingTimeInterval(-60)
        #expect(throws: DomainError.self) { try mute.validate() }
        mute.mutedUntil = Date().addingTimeInterval(600)
        try mute.validate()
        var warnWithEnd = base
        warnWithEnd.mutedUntil = Date().addingTimeInterval(600)
        #expect(throws: DomainError.self) { try warnWithEnd.validate() }
    }

    @Test func replicasAreNumbered() {
        #expect(CommunitySettings.replicaName(of: "Chengdu pharmacists 1", sequence: 2) == "Chengdu pharmacists 2")
        #expect(CommunitySettings.replicaName(of: "成都药师群1", sequence: 3) == "成都药师群3")
        #expect(CommunitySettings.replicaName(of: "Chengdu pharmacists", sequence: 2) == "Chengdu pharmacists 2")
        #expect(CommunitySettings.replicaName(of: "2024", sequence: 2) == "2024 2")
        let long = CommunitySettings.replicaName(of: String(repeating: "群", count: 200), sequence: 12)
        #expect(long.unicodeScalars.count == 200)
        #expect(long.hasSuffix(" 12"))
    }

    @Test func joinLinkTokensAreUnguessableAndRecognisable() {
        let token = JoinLinkToken.generate()
        #expect(JoinLinkToken.isWellFormed(token))
        #expect(token != JoinLinkToken.generate())
        #expect(!JoinLinkToken.isWellFormed("hjl1_short"))
        #expect(!JoinLinkToken.isWellFormed(String(token.dropFirst())))
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
    }
}
