import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Mapping between the conversion messages and the domain, in one place.
///
/// Problems with a request are INVALID_ARGUMENT naming the field, with the reasons of
/// ``CampaignMessages`` (`missing_field`, `invalid_id`, `out_of_range`) plus `order_id_invalid`,
/// `unknown_campaign_code` (a code naming no campaign of the tenant) and `refund_before_order`.
enum ConversionMessages {
    // MARK: Domain to messages

    static func conversion(_ conversion: Conversion) -> Hearth_Campaign_V1_Conversion {
        var message = Hearth_Campaign_V1_Conversion()
        message.conversionID = conversion.id.description
        message.orderID = conversion.orderID
        message.memberID = conversion.memberID?.description ?? ""
        message.campaignID = conversion.campaignID?.description ?? ""
        message.amountFen = conversion.amountFen
        message.occurredAt = Google_Protobuf_Timestamp(date: conversion.occurredAt)
        if let refundedAt = conversion.refundedAt { message.refundedAt = Google_Protobuf_Timestamp(date: refundedAt) }
        message.attribution = attribution(conversion.attribution)
        message.createdAt = Google_Protobuf_Timestamp(date: conversion.createdAt)
        return message
    }

    static func attribution(_ attribution: ConversionAttribution) -> Hearth_Campaign_V1_ConversionAttribution {
        switch attribution {
        case .code: .code
        case .lastTouch: .lastTouch
        case .none: .none
        }
    }

    // MARK: Messages to domain

    /// The order a RecordConversion request reports, each field checked on its own. An unset
    /// `attribution_window` is the default (7 days); an empty `campaign_code` is none.
    static func order(_ request: Hearth_Campaign_V1_RecordConversionRequest, now: Date) throws(RPCError)
        -> Conversion.Order
    {
        let orderID = try checkedOrderID(request.orderID)
        let member: MemberID? = try CampaignMessages.optionalID(request.memberID, field: "member_id", what: "member")
        do throws(DomainError) {
            try Conversion.checkAmount(request.amountFen)
        } catch {
            throw CampaignMessages.invalid(error, field: "amount_fen", reason: "out_of_range")
        }
        guard request.hasOccurredAt else {
            throw CampaignMessages.missing("occurred_at", "occurred_at is required: when the order was placed")
        }
        let occurredAt = request.occurredAt.date
        do throws(DomainError) {
            try Conversion.checkOccurredAt(occurredAt, now: now)
        } catch {
            throw CampaignMessages.invalid(error, field: "occurred_at", reason: "out_of_range")
        }
        var window = Conversion.defaultAttributionWindow
        if request.hasAttributionWindow {
            window =
                Duration.seconds(request.attributionWindow.seconds)
                + Duration.nanoseconds(Int64(request.attributionWindow.nanos))
            do throws(DomainError) {
                try Conversion.checkAttributionWindow(window)
            } catch {
                throw CampaignMessages.invalid(error, field: "attribution_window", reason: "out_of_range")
            }
        }
        let code = request.campaignCode.trimmedOfWhitespace
        return Conversion.Order(
            orderID: orderID, memberID: member, amountFen: request.amountFen, occurredAt: occurredAt,
            campaignCode: code.isEmpty ? nil : code, attributionWindow: window)
    }

    /// The order id trimmed, 1 to 128 characters.
    static func checkedOrderID(_ text: String) throws(RPCError) -> String {
        do throws(DomainError) {
            return try Conversion.checkedOrderID(text)
        } catch {
            throw CampaignMessages.invalid(error, field: "order_id", reason: "order_id_invalid")
        }
    }

    // MARK: Refusals

    static func unknownCode(_ refusal: Conversion.UnknownCode) -> RPCError {
        RPCError(
            code: .invalidArgument, message: refusal.message, reason: Conversion.UnknownCode.reason,
            fields: ["campaign_code": "names no campaign of this tenant"])
    }

    static func refundBeforeOrder(_ error: DomainError) -> RPCError {
        RPCError(
            code: .invalidArgument, message: error.message, reason: Conversion.refundBeforeOrderReason,
            fields: ["refunded_at": "before the order was placed"])
    }
}
