import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("campaign-service: conversions recorded once, attributed and refunded, against PostgreSQL")
struct ConversionAPITests {
    /// A time `offset` seconds from now, on a whole second (so it survives every round trip exactly).
    static func instant(_ offset: TimeInterval) -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + offset).rounded(.down))
    }

    static func order(
        _ id: String, member: MemberID? = nil, amountFen: Int64 = 19_900, at date: Date, code: String = "",
        windowSeconds: Int64? = nil
    ) -> Hearth_Campaign_V1_RecordConversionRequest {
        var request = Hearth_Campaign_V1_RecordConversionRequest()
        request.orderID = id
        request.memberID = member?.description ?? ""
        request.amountFen = amountFen
        request.occurredAt = Google_Protobuf_Timestamp(date: date)
        request.campaignCode = code
        if let windowSeconds { request.attributionWindow = Google_Protobuf_Duration(seconds: windowSeconds) }
        return request
    }

    static let unattributed = Hearth_Campaign_V1_ConversionAttribution.none

    /// What one of several concurrent records of the same order got back.
    typealias Outcome = (id: ConversionID, amount: Int64, duplicate: Bool)

    @Test func aSecondRecordOfAnOrderReturnsTheFirstUnchanged() async throws {
        try await CampaignEngineHarness.with { harness in
            let at = Self.instant(-3_600)
            try await harness.withCampaignClient { client in
                let first = try await client.recordConversion(Self.order("SO-1", amountFen: 19_900, at: at))
                #expect(first.duplicate == false)
                #expect(first.conversion.orderID == "SO-1")
                #expect(first.conversion.amountFen == 19_900)
                #expect(first.conversion.attribution == Self.unattributed)
                #expect(first.conversion.campaignID == "")
                #expect(first.conversion.memberID == "")
                #expect(first.conversion.occurredAt.date == at)
                #expect(first.conversion.hasRefundedAt == false)

                // The shop's webhook retries with other values (and spaces): the first record stands.
                let retry = try await client.recordConversion(
                    Self.order("  SO-1 ", amountFen: 500, at: at.addingTimeInterval(60)))
                #expect(retry.duplicate)
                #expect(retry.conversion.conversionID == first.conversion.conversionID)
                #expect(retry.conversion.amountFen == 19_900)
                #expect(retry.conversion.occurredAt.date == at)
            }
            let stored = try await harness.conversionCount()
            #expect(stored == 1)
        }
    }

    @Test func concurrentRetriesRecordTheOrderOnce() async throws {
        try await CampaignEngineHarness.with { harness in
            let store = ConversionStore(pool: harness.pool)
            let tenant = harness.tenant
            let at = Self.instant(-600)
            let results = try await withThrowingTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
                for attempt in 0..<8 {
                    let order = Conversion.Order(orderID: "SO-RACE", amountFen: Int64(1_000 + attempt), occurredAt: at)
                    group.addTask {
                        let recorded = try await store.record(order, tenant: tenant)
                        return (recorded.conversion.id, recorded.conversion.amountFen, recorded.duplicate)
                    }
                }
                var outcomes: [Outcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(results.count == 8)
            #expect(results.filter { !$0.duplicate }.count == 1)
            #expect(Set(results.map { $0.id }).count == 1)
            #expect(Set(results.map { $0.amount }).count == 1)
            let stored = try await harness.conversionCount()
            #expect(stored == 1)
        }
    }

    @Test func aCodeCreditsItsCampaignByIDOrJoinLinkAndAnUnknownCodeIsRefused() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.fixtureCampaign(named: "周四会员价")
            let token = try await harness.fixtureJoinLinkToken(campaign: campaign)
            let linkWithoutCampaign = try await harness.fixtureJoinLinkToken(campaign: nil)
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let foreign = try await harness.fixtureCampaign(named: "another tenant's", in: other)
            // A message of another campaign sent just before: the code still wins over last touch.
            let member = try await harness.fixtureMember(named: "李雷")
            let touched = try await harness.fixtureCampaign(named: "last touch")
            let at = Self.instant(-3_600)
            try await harness.fixtureDeliveries(
                campaign: touched, member: member, [.sent(at: at.addingTimeInterval(-600))])
            try await harness.withCampaignClient { client in
                let byID = try await client.recordConversion(
                    Self.order("SO-ID", member: member, at: at, code: campaign.description.uppercased()))
                #expect(byID.conversion.attribution == .code)
                #expect(byID.conversion.campaignID == campaign.description)
                #expect(byID.conversion.memberID == member.description)

                let byLink = try await client.recordConversion(Self.order("SO-LINK", at: at, code: " \(token) "))
                #expect(byLink.conversion.attribution == .code)
                #expect(byLink.conversion.campaignID == campaign.description)
                #expect(byLink.conversion.memberID == "")

                // The invite URL a QR code carries names the same link.
                let byURL = try await client.recordConversion(
                    Self.order("SO-URL", at: at, code: "https://join.hearth.test/join/\(token)"))
                #expect(byURL.conversion.attribution == .code)
                #expect(byURL.conversion.campaignID == campaign.description)

                let unknown = [
                    "NOPE-2026", JoinLinkToken.generate(), foreign.description, linkWithoutCampaign,
                    UUID().uuidString,
                ]
                for (index, code) in unknown.enumerated() {
                    let request = Self.order("SO-BAD-\(index)", member: member, at: at, code: code)
                    let refused = await #expect(throws: RPCError.self) { try await client.recordConversion(request) }
                    #expect(refused?.code == .invalidArgument)
                    #expect(CampaignEngineHarness.refusalDetail(refused)?.reason == "unknown_campaign_code")
                    #expect(
                        CampaignEngineHarness.refusalDetail(refused)?.fieldViolations.map(\.field) == ["campaign_code"])
                }
                let listed = try await client.listConversions(Hearth_Campaign_V1_ListConversionsRequest())
                #expect(listed.conversions.map(\.orderID).sorted() == ["SO-ID", "SO-LINK", "SO-URL"])
            }
        }
    }

    @Test func lastTouchCreditsTheLatestMessageSentInsideTheWindow() async throws {
        try await CampaignEngineHarness.with { harness in
            let member = try await harness.fixtureMember(named: "王芳")
            let bystander = try await harness.fixtureMember(named: "张伟")
            let early = try await harness.fixtureCampaign(named: "three days before")
            let latest = try await harness.fixtureCampaign(named: "one day before")
            let later = try await harness.fixtureCampaign(named: "after the order")
            let held = try await harness.fixtureCampaign(named: "held back")
            let at = Self.instant(-3_600)
            try await harness.fixtureDeliveries(campaign: early, member: member, [.sent(at: at - 3 * 86_400)])
            try await harness.fixtureDeliveries(campaign: latest, member: member, [.sent(at: at - 86_400)])
            try await harness.fixtureDeliveries(campaign: later, member: member, [.sent(at: at + 600)])
            // Not sent: never credited, however recent.
            try await harness.fixtureDeliveries(
                campaign: held, member: member, [.suppressed("quiet_hours"), .pending, .failed(error: "HTTP 400")])
            // Another member's message is not this member's touch.
            try await harness.fixtureDeliveries(campaign: held, member: bystander, [.sent(at: at - 60)])

            try await harness.withCampaignClient { client in
                let byDefault = try await client.recordConversion(Self.order("SO-LT-1", member: member, at: at))
                #expect(byDefault.conversion.attribution == .lastTouch)
                #expect(byDefault.conversion.campaignID == latest.description)

                let wide = try await client.recordConversion(
                    Self.order("SO-LT-2", member: member, at: at, windowSeconds: 4 * 86_400))
                #expect(wide.conversion.campaignID == latest.description)

                let narrow = try await client.recordConversion(
                    Self.order("SO-LT-3", member: member, at: at, windowSeconds: 12 * 3_600))
                #expect(narrow.conversion.attribution == Self.unattributed)
                #expect(narrow.conversion.campaignID == "")

                let afterTheLastMessage = try await client.recordConversion(
                    Self.order("SO-LT-4", member: member, at: at + 1_200))
                #expect(afterTheLastMessage.conversion.attribution == .lastTouch)
                #expect(afterTheLastMessage.conversion.campaignID == later.description)

                let beforeAnyMessage = try await client.recordConversion(
                    Self.order("SO-LT-5", member: member, at: at - 4 * 86_400))
                #expect(beforeAnyMessage.conversion.attribution == Self.unattributed)

                let noMember = try await client.recordConversion(Self.order("SO-LT-6", at: at))
                #expect(noMember.conversion.attribution == Self.unattributed)
            }
        }
    }

    @Test func badOrdersAndMembersAreRefusedByField() async throws {
        try await CampaignEngineHarness.with { harness in
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let foreignMember = try await harness.fixtureMember(named: "别家会员", in: other)
            let at = Self.instant(-60)
            try await harness.withCampaignClient { client in
                var missingTime = Self.order("SO-T", at: at)
                missingTime.clearOccurredAt()
                var malformedMember = Self.order("SO-M", at: at)
                malformedMember.memberID = "not-a-uuid"
                let cases: [(request: Hearth_Campaign_V1_RecordConversionRequest, field: String, reason: String)] = [
                    (Self.order("   ", at: at), "order_id", "order_id_invalid"),
                    (Self.order(String(repeating: "9", count: 129), at: at), "order_id", "order_id_invalid"),
                    (Self.order("SO-A", amountFen: -1, at: at), "amount_fen", "out_of_range"),
                    (Self.order("SO-F", at: Self.instant(2 * 86_400)), "occurred_at", "out_of_range"),
                    (missingTime, "occurred_at", "missing_field"),
                    (Self.order("SO-W0", at: at, windowSeconds: 0), "attribution_window", "out_of_range"),
                    (Self.order("SO-W91", at: at, windowSeconds: 91 * 86_400), "attribution_window", "out_of_range"),
                    (malformedMember, "member_id", "invalid_id"),
                ]
                for (request, field, reason) in cases {
                    let refused = await #expect(throws: RPCError.self) { try await client.recordConversion(request) }
                    #expect(refused?.code == .invalidArgument, "\(field)")
                    let detail = CampaignEngineHarness.refusalDetail(refused)
                    #expect(detail?.reason == reason, "\(field)")
                    #expect(detail?.fieldViolations.map(\.field) == [field])
                }
                // A member of another tenant, or of none, is not found.
                for member in [foreignMember, MemberID()] {
                    let request = Self.order("SO-NF", member: member, at: at)
                    let missing = await #expect(throws: RPCError.self) { try await client.recordConversion(request) }
                    #expect(missing?.code == .notFound)
                }
                // The longest window and an order a few hours ahead of the clock are fine.
                let edge = try await client.recordConversion(
                    Self.order("SO-EDGE", at: Self.instant(3 * 3_600), windowSeconds: 90 * 86_400))
                #expect(edge.duplicate == false)
            }
            let stored = try await harness.conversionCount()
            #expect(stored == 1)
        }
    }

    @Test func refundsAreIdempotentAndHideTheOrderFromTheDefaultList() async throws {
        try await CampaignEngineHarness.with { harness in
            let at = Self.instant(-7_200)
            try await harness.withCampaignClient { client in
                _ = try await client.recordConversion(Self.order("SO-R1", amountFen: 29_900, at: at))
                _ = try await client.recordConversion(Self.order("SO-R2", amountFen: 9_900, at: at - 60))

                var early = Hearth_Campaign_V1_RefundConversionRequest()
                early.orderID = "SO-R1"
                early.refundedAt = Google_Protobuf_Timestamp(date: at - 1)
                let tooEarly = await #expect(throws: RPCError.self) { try await client.refundConversion(early) }
                #expect(tooEarly?.code == .invalidArgument)
                #expect(CampaignEngineHarness.refusalDetail(tooEarly)?.reason == "refund_before_order")

                var refund = Hearth_Campaign_V1_RefundConversionRequest()
                refund.orderID = "SO-R1"
                let refunded = try await client.refundConversion(refund).conversion
                #expect(refunded.hasRefundedAt)
                #expect(refunded.refundedAt.date >= at)
                #expect(refunded.amountFen == 29_900)

                var again = refund
                again.refundedAt = Google_Protobuf_Timestamp(date: at + 10)
                let unchanged = try await client.refundConversion(again).conversion
                #expect(unchanged.refundedAt == refunded.refundedAt)
                #expect(unchanged.conversionID == refunded.conversionID)

                var unknown = Hearth_Campaign_V1_RefundConversionRequest()
                unknown.orderID = "SO-NEVER"
                let missing = await #expect(throws: RPCError.self) { try await client.refundConversion(unknown) }
                #expect(missing?.code == .notFound)

                let standing = try await client.listConversions(Hearth_Campaign_V1_ListConversionsRequest())
                #expect(standing.conversions.map(\.orderID) == ["SO-R2"])
                var everything = Hearth_Campaign_V1_ListConversionsRequest()
                everything.includeRefunded = true
                let all = try await client.listConversions(everything)
                #expect(all.conversions.map(\.orderID) == ["SO-R1", "SO-R2"])
            }
        }
    }

    @Test func listsFilterByCampaignMemberAndTimeAndPageNewestFirst() async throws {
        try await CampaignEngineHarness.with { harness in
            let first = try await harness.fixtureCampaign(named: "A")
            let second = try await harness.fixtureCampaign(named: "B")
            let regular = try await harness.fixtureMember(named: "老客")
            let newcomer = try await harness.fixtureMember(named: "新客")
            let base = Self.instant(-3_600)
            try await harness.withCampaignClient { client in
                let orders = [
                    Self.order("O1", member: regular, at: base, code: first.description),
                    Self.order("O2", at: base - 60, code: first.description),
                    Self.order("O3", member: regular, at: base - 120, code: second.description),
                    Self.order("O4", member: newcomer, at: base - 180),
                    Self.order("O5", member: newcomer, at: base - 240, code: first.description),
                ]
                for order in orders { _ = try await client.recordConversion(order) }

                var byCampaign = Hearth_Campaign_V1_ListConversionsRequest()
                byCampaign.campaignID = first.description
                let ofCampaign = try await client.listConversions(byCampaign).conversions
                #expect(ofCampaign.map(\.orderID) == ["O1", "O2", "O5"])
                #expect(ofCampaign.allSatisfy { $0.attribution == .code })

                var byMember = Hearth_Campaign_V1_ListConversionsRequest()
                byMember.memberID = regular.description
                let ofMember = try await client.listConversions(byMember).conversions
                #expect(ofMember.map(\.orderID) == ["O1", "O3"])

                var byBoth = byCampaign
                byBoth.memberID = newcomer.description
                let ofBoth = try await client.listConversions(byBoth).conversions
                #expect(ofBoth.map(\.orderID) == ["O5"])

                var byTime = Hearth_Campaign_V1_ListConversionsRequest()
                byTime.occurred.start = Google_Protobuf_Timestamp(date: base - 200)
                byTime.occurred.end = Google_Protobuf_Timestamp(date: base - 60)
                let inRange = try await client.listConversions(byTime).conversions
                #expect(inRange.map(\.orderID) == ["O3", "O4"])

                var backwards = byTime
                backwards.occurred.end = Google_Protobuf_Timestamp(date: base - 300)
                let reversed = await #expect(throws: RPCError.self) { try await client.listConversions(backwards) }
                #expect(reversed?.code == .invalidArgument)

                var paged = Hearth_Campaign_V1_ListConversionsRequest()
                paged.page.pageSize = 2
                var pages: [[String]] = []
                repeat {
                    let response = try await client.listConversions(paged)
                    pages.append(response.conversions.map(\.orderID))
                    paged.page.cursor = response.page.nextCursor
                } while !paged.page.cursor.isEmpty
                #expect(pages == [["O1", "O2"], ["O3", "O4"], ["O5"]])

                var forged = Hearth_Campaign_V1_ListConversionsRequest()
                forged.page.cursor = "not a cursor"
                let badCursor = await #expect(throws: RPCError.self) { try await client.listConversions(forged) }
                #expect(CampaignEngineHarness.refusalDetail(badCursor)?.reason == "invalid_cursor")
            }

            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            try await harness.withCampaignClient(tenant: other) { client in
                var byCampaign = Hearth_Campaign_V1_ListConversionsRequest()
                byCampaign.campaignID = first.description
                let ofCampaign = try await client.listConversions(byCampaign).conversions
                #expect(ofCampaign.isEmpty)
                let everything = try await client.listConversions(Hearth_Campaign_V1_ListConversionsRequest())
                #expect(everything.conversions.isEmpty)
                var refund = Hearth_Campaign_V1_RefundConversionRequest()
                refund.orderID = "O1"
                let hidden = await #expect(throws: RPCError.self) { try await client.refundConversion(refund) }
                #expect(hidden?.code == .notFound)
            }
        }
    }

    @Test func aViewerListsButCannotRecordOrRefund() async throws {
        try await CampaignEngineHarness.with { harness in
            let at = Self.instant(-60)
            try await harness.withCampaignClient { client in
                _ = try await client.recordConversion(Self.order("SO-V", at: at))
            }
            try await harness.withCampaignClient(role: .viewer) { client in
                let record = Self.order("SO-V2", at: at)
                let denied = await #expect(throws: RPCError.self) { try await client.recordConversion(record) }
                #expect(denied?.code == .permissionDenied)
                var refund = Hearth_Campaign_V1_RefundConversionRequest()
                refund.orderID = "SO-V"
                let refundDenied = await #expect(throws: RPCError.self) { try await client.refundConversion(refund) }
                #expect(refundDenied?.code == .permissionDenied)
                let listed = try await client.listConversions(Hearth_Campaign_V1_ListConversionsRequest())
                #expect(listed.conversions.map(\.orderID) == ["SO-V"])
            }
            let stored = try await harness.conversionCount()
            #expect(stored == 1)
        }
    }
}

/// Fixtures of the conversion and delivery-list tests: campaigns, members, join links and
/// deliveries written straight to the database, and the ErrorDetail of a refusal.
extension CampaignEngineHarness {
    /// One delivery to put in the outbox directly.
    struct DeliveryFixture: Sendable {
        var status: String
        var sentAt: Date?
        var reason: String?
        var error: String?
        var heldUntil: Date?
        var hold: String?
        var channel = "log"
        var phase = "live"

        static func sent(at date: Date, channel: String = "log", phase: String = "live") -> Self {
            Self(status: "sent", sentAt: date, channel: channel, phase: phase)
        }

        static func suppressed(_ reason: String, channel: String = "log") -> Self {
            Self(status: "suppressed", reason: reason, channel: channel)
        }

        static func failed(error: String) -> Self { Self(status: "failed", error: error) }

        /// Pending, held back until `date` for `hold` (quiet_hours, platform_cap, retry_later).
        static func held(_ hold: String, until date: Date) -> Self {
            Self(status: "pending", heldUntil: date, hold: hold)
        }

        static var pending: Self { Self(status: "pending") }
    }

    /// A draft campaign of the harness's tenant, or of `tenant`.
    func fixtureCampaign(named name: String, in tenant: TenantID? = nil) async throws -> CampaignID {
        try await campaigns.create(Campaign(tenantID: tenant ?? self.tenant, name: name, kind: .flashOffer)).id
    }

    /// A member of the harness's tenant, or of `tenant`.
    func fixtureMember(named name: String, in tenant: TenantID? = nil) async throws -> MemberID {
        let tenant = tenant ?? self.tenant
        let id = try await pool.withTenant(tenant) { connection in
            try await connection.query(
                "INSERT INTO members (tenant_id, display_name) VALUES (\(tenant.rawValue), \(name)) RETURNING member_id"
            )[0].decode(UUID.self, at: 0)
        }
        return MemberID(id)
    }

    /// A join link carrying `campaign` (or none), returned as its bearer token.
    func fixtureJoinLinkToken(campaign: CampaignID?) async throws -> String {
        let token = JoinLinkToken.generate()
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO join_links (tenant_id, token_sha256, family_id, campaign_id, created_by)
                VALUES (\(tenant.rawValue), encode(sha256(convert_to(\(token), 'UTF8')), 'hex'), \(UUID()),
                        \(campaign?.rawValue), 'op-test')
                """)
        }
        return token
    }

    /// Deliveries of `campaign` to `member`, one per fixture (its position is the message index),
    /// all of one fresh occurrence of the campaign.
    @discardableResult
    func fixtureDeliveries(
        campaign: CampaignID, member: MemberID, _ deliveries: [DeliveryFixture]
    ) async throws -> (occurrence: UUID, deliveries: [UUID]) {
        try await pool.withTenant(tenant) { connection in
            let start = Date().addingTimeInterval(Double(Int.random(in: 1...100_000_000)))
            let occurrence = try await connection.query(
                """
                INSERT INTO campaign_occurrences (tenant_id, campaign_id, starts_at, ends_at)
                VALUES (\(tenant.rawValue), \(campaign.rawValue), \(start), \(start.addingTimeInterval(3_600)))
                RETURNING occurrence_id
                """
            )[0].decode(UUID.self, at: 0)
            var ids: [UUID] = []
            for (index, delivery) in deliveries.enumerated() {
                let attempts = delivery.status == "pending" ? 0 : 1
                let id = try await connection.query(
                    """
                    INSERT INTO deliveries (tenant_id, campaign_id, occurrence_id, phase, message_index, member_id,
                                            channel, status, suppression_reason, sent_at, last_error, attempts,
                                            not_before, held_reason)
                    VALUES (\(tenant.rawValue), \(campaign.rawValue), \(occurrence), \(delivery.phase), \(index),
                            \(member.rawValue), \(delivery.channel), \(delivery.status), \(delivery.reason),
                            \(delivery.sentAt), \(delivery.error), \(attempts), \(delivery.heldUntil), \(delivery.hold))
                    RETURNING delivery_id
                    """
                )[0].decode(UUID.self, at: 0)
                ids.append(id)
            }
            return (occurrence: occurrence, deliveries: ids)
        }
    }

    /// Conversions of the harness's tenant.
    func conversionCount() async throws -> Int {
        try await pool.withTenant(tenant) { connection in
            try await connection.query("SELECT count(*) FROM conversions")[0].decode(Int.self, at: 0)
        }
    }

    /// The ErrorDetail a failed call carried in its trailers, if any.
    static func refusalDetail(_ error: RPCError?) -> Hearth_Common_V1_ErrorDetail? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
    }
}
