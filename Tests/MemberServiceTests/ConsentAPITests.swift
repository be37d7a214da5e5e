import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: consent per channel over the wire, against PostgreSQL")
struct ConsentAPITests {
    /// A decision on `channel` at `date`.
    static func decision(
        _ member: String, _ channel: Hearth_Common_V1_ConsentChannel, granted: Bool, at date: Date,
        source: String
    ) -> Hearth_Member_V1_SetConsentRequest {
        var request = Hearth_Member_V1_SetConsentRequest()
        request.memberID = member
        request.consent.channel = channel
        request.consent.granted = granted
        request.consent.source = source
        request.consent.changedAt = Google_Protobuf_Timestamp(date: date)
        return request
    }

    @Test func optOutWinsAndEveryDecisionIsKept() async throws {
        try await MemberServiceHarness.with { harness in
            let member = try await harness.createMember(createRequest(name: "Zhang", phone: "13800138000")).memberID
            let refusedAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded(.down))
            try await harness.withClient(role: .agent) { client in
                let refusal = try await client.setConsent(
                    Self.decision(member, .sms, granted: false, at: refusedAt, source: "sms_reply_td"))
                #expect(refusal.applied)
                #expect(refusal.consent.granted == false)

                // A grant older than, or as old as, the refusal does not override it.
                for at in [refusedAt.addingTimeInterval(-600), refusedAt] {
                    let grant = try await client.setConsent(
                        Self.decision(member, .sms, granted: true, at: at, source: "signup_form"))
                    #expect(!grant.applied)
                    #expect(grant.consent.granted == false)
                    #expect(grant.consent.source == "sms_reply_td")
                }

                // A later grant is the member changing their mind.
                let later = try await client.setConsent(
                    Self.decision(member, .sms, granted: true, at: refusedAt.addingTimeInterval(600), source: "call"))
                #expect(later.applied)
                #expect(later.consent.granted)

                // A refusal arriving late, older than that grant, is history only.
                let stale = try await client.setConsent(
                    Self.decision(member, .sms, granted: false, at: refusedAt.addingTimeInterval(300), source: "late"))
                #expect(!stale.applied)
                #expect(stale.consent.granted)

                // Channels are independent; changed_at defaults to now.
                var im = Hearth_Member_V1_SetConsentRequest()
                im.memberID = member
                im.consent.channel = .im
                im.consent.granted = true
                im.consent.source = "wechat_optin"
                let imConsent = try await client.setConsent(im)
                #expect(imConsent.applied)
                #expect(abs(imConsent.consent.changedAt.date.timeIntervalSinceNow) < 60)
            }
            try await harness.withClient(role: .viewer) { client in
                var history = Hearth_Member_V1_ListConsentChangesRequest()
                history.memberID = member
                history.channel = .sms
                let all = try await client.listConsentChanges(history).changes
                // Newest decision first; the refusal and the grant of the same moment in either order.
                let sources = all.map(\.source)
                #expect(sources.count == 5)
                #expect(Array(sources.prefix(2)) == ["call", "late"])
                #expect(Set(sources.dropFirst(2).prefix(2)) == ["sms_reply_td", "signup_form"])
                #expect(sources.last == "signup_form")
                #expect(Array(all.map(\.granted).prefix(2)) == [true, false])
                #expect(all.allSatisfy { $0.hasRecordedAt && !$0.changeID.isEmpty })

                history.page.pageSize = 2
                var paged: [String] = []
                repeat {
                    let page = try await client.listConsentChanges(history)
                    paged += page.changes.map(\.changeID)
                    history.page.cursor = page.page.nextCursor
                } while !history.page.cursor.isEmpty
                #expect(paged == all.map(\.changeID))

                var everyChannel = Hearth_Member_V1_ListConsentChangesRequest()
                everyChannel.memberID = member
                #expect(try await client.listConsentChanges(everyChannel).changes.count == 6)

                let denied = await #expect(throws: RPCError.self) {
                    try await client.setConsent(
                        Self.decision(member, .phone, granted: true, at: Date(), source: "form"))
                }
                #expect(denied?.code == .permissionDenied)

                // The current consents show in the full view.
                var batch = Hearth_Member_V1_BatchGetMembersRequest()
                batch.memberIds = [member]
                batch.view = .full
                let consents = try await client.batchGetMembers(batch).members.first?.consents ?? []
                #expect(consents.map(\.channel) == [.im, .sms])
                #expect(consents.allSatisfy { $0.granted })
            }
        }
    }

    @Test func badDecisionsAndOtherTenantsAreRefused() async throws {
        try await MemberServiceHarness.with { harness in
            let member = try await harness.createMember(createRequest(name: "Zhao")).memberID
            try await harness.withClient(role: .agent) { client in
                let future = await #expect(throws: RPCError.self) {
                    try await client.setConsent(
                        Self.decision(member, .sms, granted: true, at: Date().addingTimeInterval(3600), source: "form"))
                }
                #expect(future?.code == .invalidArgument)
                #expect(errorDetail(future)?.fieldViolations.first?.field == "consent.changed_at")

                let noChannel = await #expect(throws: RPCError.self) {
                    try await client.setConsent(
                        Self.decision(member, .unspecified, granted: true, at: Date(), source: "form"))
                }
                #expect(noChannel?.code == .invalidArgument)

                let noSource = await #expect(throws: RPCError.self) {
                    try await client.setConsent(Self.decision(member, .sms, granted: true, at: Date(), source: ""))
                }
                #expect(noSource?.code == .invalidArgument)

                var missing = Hearth_Member_V1_SetConsentRequest()
                missing.memberID = member
                let empty = await #expect(throws: RPCError.self) { try await client.setConsent(missing) }
                #expect(empty?.code == .invalidArgument)
            }
            try await harness.withClient(tenant: harness.otherTenant, role: .agent) { client in
                let hidden = await #expect(throws: RPCError.self) {
                    try await client.setConsent(
                        Self.decision(member, .sms, granted: true, at: Date(), source: "form"))
                }
                #expect(hidden?.code == .notFound)
                var history = Hearth_Member_V1_ListConsentChangesRequest()
                history.memberID = member
                let unseen = await #expect(throws: RPCError.self) { try await client.listConsentChanges(history) }
                #expect(unseen?.code == .notFound)
            }
        }
    }
}
