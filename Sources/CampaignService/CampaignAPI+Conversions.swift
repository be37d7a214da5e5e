import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Conversions: the shop's orders, each counted once and credited to the campaign that brought
/// it: by the code given with it, else by the member's last message within the window, else none.
extension CampaignAPI {
    /// Records an order and attributes it. The order id is the call's idempotency key: a retry
    /// (however its other fields differ) gets the stored conversion back unchanged with
    /// `duplicate` set. NOT_FOUND (member); INVALID_ARGUMENT with `unknown_campaign_code` for a
    /// code that names no campaign of the tenant (never recorded silently unattributed).
    public func recordConversion(request: Hearth_Campaign_V1_RecordConversionRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordConversionResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let now = Date()
            let order = try ConversionMessages.order(request, now: now)
            let recorded: (conversion: Conversion, duplicate: Bool)
            do {
                recorded = try await ConversionStore(pool: pool).record(order, tenant: caller.tenant, now: now)
            } catch let refusal as Conversion.UnknownCode {
                throw ConversionMessages.unknownCode(refusal)
            }
            var response = Hearth_Campaign_V1_RecordConversionResponse()
            response.conversion = ConversionMessages.conversion(recorded.conversion)
            response.duplicate = recorded.duplicate
            return response
        }
    }

    /// Marks an order refunded (at `refunded_at`, or now); refunding it again returns it unchanged,
    /// so the call is idempotent by order id without a key of its own. NOT_FOUND (order);
    /// INVALID_ARGUMENT with `refund_before_order`.
    public func refundConversion(request: Hearth_Campaign_V1_RefundConversionRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RefundConversionResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            // Checked here so the only refusal of the store's own is the refund's time.
            let orderID = try ConversionMessages.checkedOrderID(request.orderID)
            let refundedAt = request.hasRefundedAt ? request.refundedAt.date : Date()
            let conversion: Conversion
            do {
                conversion = try await ConversionStore(pool: pool).refund(
                    orderID: orderID, at: refundedAt, tenant: caller.tenant)
            } catch let error as DomainError where error.code == .invalidArgument {
                throw ConversionMessages.refundBeforeOrder(error)
            }
            var response = Hearth_Campaign_V1_RefundConversionResponse()
            response.conversion = ConversionMessages.conversion(conversion)
            return response
        }
    }

    /// Lists conversions newest first (by order time), refunded ones only with
    /// `include_refunded`. A campaign or member of another tenant simply matches nothing.
    public func listConversions(request: Hearth_Campaign_V1_ListConversionsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListConversionsResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign: CampaignID? = try CampaignMessages.optionalID(
                request.campaignID, field: "campaign_id", what: "campaign")
            let member: MemberID? = try CampaignMessages.optionalID(
                request.memberID, field: "member_id", what: "member")
            var occurredFrom: Date?
            var occurredBefore: Date?
            if request.hasOccurred {
                if request.occurred.hasStart { occurredFrom = request.occurred.start.date }
                if request.occurred.hasEnd { occurredBefore = request.occurred.end.date }
            }
            if let occurredFrom, let occurredBefore, occurredBefore <= occurredFrom {
                throw CampaignMessages.outOfRange(
                    "occurred.end", "occurred.end must come after occurred.start (the range is [start, end))")
            }
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListConversions").map {
                (occurredAt: $0.0, id: ConversionID($0.1[0]))
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await ConversionStore(pool: pool).list(
                tenant: caller.tenant, campaign: campaign, member: member, occurredFrom: occurredFrom,
                occurredBefore: occurredBefore, includeRefunded: request.includeRefunded, after: cursor,
                limit: pageSize)
            var response = Hearth_Campaign_V1_ListConversionsResponse()
            response.conversions = page.conversions.map(ConversionMessages.conversion)
            if page.more, let last = page.conversions.last {
                response.page.nextCursor = PageCursor.encode(last.occurredAt, last.id.description)
            }
            return response
        }
    }
}
