import Foundation
import HearthDomain
import Testing

@Suite("Identities and consent rules")
struct IdentityAndConsentTests {
    @Test func equalHandlesAreSpelledTheSameWay() throws {
        let spellings = ["13800138000", "+86 138-0013-8000", "0086 138 0013 8000", "１３８００１３８０００"]
        for text in spellings {
            #expect(try Identity(kind: .phone, parsing: text).value == "+8613800138000")
        }
        #expect(try Identity(kind: .email, parsing: "  Wang.Fang@Example.COM ").value == "wang.fang@example.com")
        #expect(try Identity(kind: .wechat, parsing: " wangfang_88\n").value == "wangfang_88")
        #expect(try Identity(kind: .qq, parsing: "10001") == Identity(kind: .qq, normalised: "10001"))
        // Only the kind's own rules apply: a WeChat id keeps its capitals.
        #expect(try Identity(kind: .wechat, parsing: "WangFang").value == "WangFang")
    }

    @Test func malformedHandlesAreRefusedWithTheReason() throws {
        let phone = #expect(throws: DomainError.self) { try Identity(kind: .phone, parsing: "138001380") }
        #expect(phone?.code == .invalidArgument)
        for email in ["", "wang", "wang@", "@example.com", "wang fang@example.com", "a@b@c"] {
            #expect(throws: DomainError.self) { try Identity(kind: .email, parsing: email) }
        }
        #expect(throws: DomainError.self) {
            try Identity(kind: .email, parsing: String(repeating: "a", count: 250) + "@example.com")
        }
        #expect(throws: DomainError.self) { try Identity(kind: .dingtalk, parsing: "   ") }
        #expect(throws: DomainError.self) { try Identity(kind: .wechat, parsing: String(repeating: "w", count: 257)) }
        #expect(throws: DomainError.self) { try Identity(kind: .wechat, parsing: "wang\tfang") }
        #expect(try Identity(kind: .wechat, parsing: String(repeating: "w", count: 256)).value.count == 256)
    }

    static let noon = Date(timeIntervalSince1970: 1_767_268_800)

    static func decision(_ granted: Bool, _ offset: TimeInterval, source: String = "form") -> ConsentDecision {
        ConsentDecision(channel: .sms, granted: granted, source: source, changedAt: noon.addingTimeInterval(offset))
    }

    @Test func theLaterDecisionWinsAndARefusalWinsATie() {
        let refusal = Self.decision(false, 0)
        #expect(Self.decision(true, 0).supersedes(nil))
        #expect(!Self.decision(true, -60).supersedes(refusal))  // an older grant
        #expect(!Self.decision(true, 0).supersedes(refusal))  // a grant at the same moment
        #expect(Self.decision(true, 60).supersedes(refusal))  // the member changed their mind
        let grant = Self.decision(true, 0)
        #expect(Self.decision(false, 0).supersedes(grant))  // a refusal at the same moment
        #expect(!Self.decision(false, -60).supersedes(grant))  // a late, older refusal: history only
        #expect(!Self.decision(false, 0, source: "other").supersedes(refusal))  // a repeat changes nothing
    }

    @Test func mergingProfilesKeepsAnyRefusal() {
        let olderRefusal = Self.decision(false, -3600, source: "sms_reply_td")
        let newerGrant = Self.decision(true, 0)
        #expect(ConsentDecision.merged(newerGrant, olderRefusal) == olderRefusal)
        #expect(ConsentDecision.merged(olderRefusal, newerGrant) == olderRefusal)
        #expect(ConsentDecision.merged(Self.decision(false, -60), Self.decision(false, 60)) == Self.decision(false, 60))
        #expect(ConsentDecision.merged(Self.decision(true, -60), Self.decision(true, 60)) == Self.decision(true, 60))
        #expect(ConsentDecision.merged(nil, newerGrant) == newerGrant)
        #expect(ConsentDecision.merged(nil, nil) == nil)
    }

    @Test func decisionsNeedASourceAndMayNotLieInTheFuture() throws {
        let now = Self.noon
        try Self.decision(true, 0).validate(now: now)
        try Self.decision(true, ConsentDecision.allowedClockSkew).validate(now: now)
        #expect(throws: DomainError.self) { try Self.decision(true, 3600).validate(now: now) }
        #expect(throws: DomainError.self) { try Self.decision(true, 0, source: "").validate(now: now) }
        #expect(throws: DomainError.self) { try Self.decision(true, 0, source: " form").validate(now: now) }
        #expect(throws: DomainError.self) {
            try Self.decision(true, 0, source: String(repeating: "s", count: 65)).validate(now: now)
        }
    }
}
