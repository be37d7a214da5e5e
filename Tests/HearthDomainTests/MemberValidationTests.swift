import Foundation
import HearthDomain
import Testing

@Suite("Member and event rules")
struct MemberValidationTests {
    let tenant = TenantID()

    @Test func aMemberNeedsANameAndASaneTier() throws {
        try Member(tenantID: tenant, displayName: "张三").validate()
        #expect(throws: DomainError.self) { try Member(tenantID: tenant, displayName: " \n").validate() }
        #expect(throws: DomainError.self) {
            try Member(tenantID: tenant, displayName: String(repeating: "名", count: 201)).validate()
        }
        let tier = #expect(throws: DomainError.self) {
            try Member(tenantID: tenant, displayName: "A", vipTier: 12).validate()
        }
        #expect(tier?.code == .invalidArgument)
        #expect(tier?.message.contains("12") == true)
        #expect(throws: DomainError.self) { try Member(tenantID: tenant, displayName: "A", tags: [""]).validate() }
    }

    @Test func onlyPurchasesCarryAnAmount() throws {
        let member = MemberID()
        func event(_ kind: EventKind, _ amount: Int64?, key: String = "k") -> MemberEvent {
            MemberEvent(
                tenantID: tenant, memberID: member, kind: kind, occurredAt: Date(), amountFen: amount,
                idempotencyKey: key)
        }
        try event(.purchase, 0).validate()
        try event(.purchase, 9_900).validate()
        try event(.message, nil).validate()
        #expect(throws: DomainError.self) { try event(.purchase, nil).validate() }
        #expect(throws: DomainError.self) { try event(.purchase, -1).validate() }
        #expect(throws: DomainError.self) { try event(.share, 100).validate() }
        #expect(throws: DomainError.self) { try event(.share, nil, key: "").validate() }
        #expect(throws: DomainError.self) { try event(.share, nil, key: String(repeating: "k", count: 201)).validate() }
    }

    @Test func identifiersParseOnlyCanonicalText() {
        let id = MemberID()
        #expect(MemberID(id.description) == id)
        #expect(MemberID("not-a-uuid") == nil)
        #expect(id.description == id.description.lowercased())
    }
}
