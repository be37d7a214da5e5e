import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// The delivery outbox as operators review it: every message of a campaign or to a member, with
/// what became of it.
extension CampaignAPI {
    /// Lists deliveries of a campaign, a member, or a member in a campaign, newest first. Empty
    /// filter lists do not filter; an UNSPECIFIED item in one is refused. INVALID_ARGUMENT
    /// (`missing_field`) with neither campaign_id nor member_id; NOT_FOUND for a campaign,
    /// occurrence or member the tenant does not have.
    public func listDeliveries(request: Hearth_Campaign_V1_ListDeliveriesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListDeliveriesResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign: CampaignID? = try CampaignMessages.optionalID(
                request.campaignID, field: "campaign_id", what: "campaign")
            let member: MemberID? = try CampaignMessages.optionalID(
                request.memberID, field: "member_id", what: "member")
            guard campaign != nil || member != nil else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "name campaign_id, member_id or both: deliveries are listed per campaign or per member",
                    reason: "missing_field",
                    fields: ["campaign_id": "required without member_id", "member_id": "required without campaign_id"])
            }
            var occurrence: UUID?
            if !request.occurrenceID.isEmpty {
                occurrence = try CampaignMessages.uuid(request.occurrenceID, field: "occurrence_id", what: "occurrence")
            }
            let statuses = try Self.deliveryFilterValues(
                request.statuses, field: "statuses", Self.deliveryStatus(_:field:))
            let reasons = try Self.deliveryFilterValues(
                request.suppressionReasons, field: "suppression_reasons", Self.suppressionReason(_:field:))
            let channels = try Self.deliveryFilterValues(
                request.channels, field: "channels", CampaignMessages.deliveryChannel(_:field:))
            let phases = try Self.deliveryFilterValues(
                request.phases, field: "phases", CampaignMessages.campaignPhase(_:field:))
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListDeliveries").map {
                (createdAt: $0.0, id: $0.1[0])
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await DeliveryOutbox(pool: pool).list(
                tenant: caller.tenant, campaign: campaign, occurrence: occurrence, member: member, statuses: statuses,
                suppressionReasons: reasons, channels: channels, phases: phases, after: cursor, limit: pageSize)
            var response = Hearth_Campaign_V1_ListDeliveriesResponse()
            response.deliveries = page.deliveries.map(Self.delivery)
            if page.more, let last = page.deliveries.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.uuidString.lowercased())
            }
            return response
        }
    }

    // MARK: Mapping

    static func delivery(_ record: DeliveryRecord) -> Hearth_Campaign_V1_Delivery {
        var message = Hearth_Campaign_V1_Delivery()
        message.deliveryID = record.id.uuidString.lowercased()
        message.campaignID = record.campaignID.description
        message.occurrenceID = record.occurrenceID.uuidString.lowercased()
        message.phase = CampaignMessages.phase(record.phase)
        message.memberID = record.memberID.description
        message.channel = CampaignMessages.channel(record.channel)
        message.status = deliveryStatus(record.status)
        if let reason = record.suppressionReason { message.suppressionReason = suppressionReason(reason) }
        message.attempts = Int32(clamping: record.attempts)
        if let sentAt = record.sentAt { message.sentAt = Google_Protobuf_Timestamp(date: sentAt) }
        if let heldUntil = record.heldUntil { message.heldUntil = Google_Protobuf_Timestamp(date: heldUntil) }
        if let hold = record.heldReason { message.heldReason = deliveryHold(hold) }
        message.lastError = record.lastError ?? ""
        message.createdAt = Google_Protobuf_Timestamp(date: record.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: record.updatedAt)
        return message
    }

    static func deliveryStatus(_ status: DeliveryRecord.Status) -> Hearth_Campaign_V1_DeliveryStatus {
        switch status {
        case .pending: .pending
        case .claimed: .claimed
        case .sent: .sent
        case .failed: .failed
        case .suppressed: .suppressed
        }
    }

    /// `nil` for UNSPECIFIED.
    static func deliveryStatus(_ status: Hearth_Campaign_V1_DeliveryStatus, field: String) throws(RPCError)
        -> DeliveryRecord.Status?
    {
        switch status {
        case .unspecified: nil
        case .pending: .pending
        case .claimed: .claimed
        case .sent: .sent
        case .failed: .failed
        case .suppressed: .suppressed
        case .UNRECOGNIZED(let value): throw CampaignMessages.unknown(value, field: field)
        }
    }

    static func suppressionReason(_ reason: DeliveryRecord.SuppressionReason) -> Hearth_Common_V1_SuppressionReason {
        switch reason {
        case .noConsent: .noConsent
        case .quietHours: .quietHours
        case .frequencyCap: .frequencyCap
        case .memberDeleted: .memberDeleted
        case .noAddress: .noAddress
        case .campaignStopped: .campaignStopped
        case .membershipBanned: .membershipBanned
        }
    }

    static func deliveryHold(_ hold: DeliveryRecord.Hold) -> Hearth_Campaign_V1_DeliveryHold {
        switch hold {
        case .quietHours: .quietHours
        case .platformCap: .platformCap
        case .retryLater: .retryLater
        }
    }

    /// `nil` for UNSPECIFIED.
    static func suppressionReason(_ reason: Hearth_Common_V1_SuppressionReason, field: String) throws(RPCError)
        -> DeliveryRecord.SuppressionReason?
    {
        switch reason {
        case .unspecified: nil
        case .noConsent: .noConsent
        case .quietHours: .quietHours
        case .frequencyCap: .frequencyCap
        case .memberDeleted: .memberDeleted
        case .noAddress: .noAddress
        case .campaignStopped: .campaignStopped
        case .membershipBanned: .membershipBanned
        case .UNRECOGNIZED(let value): throw CampaignMessages.unknown(value, field: field)
        }
    }

    /// The items of a repeated enum filter, each mapped by `map` under its path (`statuses[1]`).
    /// An empty list is how a filter is left out, so an UNSPECIFIED item is refused rather than
    /// silently dropped.
    static func deliveryFilterValues<Wire, Value>(
        _ values: [Wire], field: String, _ map: (Wire, String) throws(RPCError) -> Value?
    ) throws(RPCError) -> [Value] {
        var mapped: [Value] = []
        for (index, value) in values.enumerated() {
            let itemField = "\(field)[\(index)]"
            guard let item = try map(value, itemField) else {
                throw CampaignMessages.missing(itemField, "\(itemField) is UNSPECIFIED; name a value or leave it out")
            }
            mapped.append(item)
        }
        return mapped
    }
}
