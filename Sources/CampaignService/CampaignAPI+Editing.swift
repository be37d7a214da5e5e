import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Changing and deleting campaigns, and changing offers' prices.
extension CampaignAPI {
    /// The spec fields an update mask may name, and those still writable once a campaign is
    /// scheduled (later occurrences are laid out again with them).
    static let updatablePaths: Set<String> = [
        "name", "audience", "audience.segment_id", "audience.community_id", "channels", "goal", "period",
        "period.start", "period.end", "owner_operator_id", "schedule", "messages", "contest_rules", "lottery_rules",
        "referral_rules",
    ]
    static let pathsAfterDraft: Set<String> = ["name", "goal", "owner_operator_id", "messages", "period", "period.end"]

    public func updateCampaign(
        request: Hearth_Campaign_V1_UpdateCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_UpdateCampaignResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            let paths = request.updateMask.paths
            guard !paths.isEmpty else {
                throw RPCError(
                    code: .invalidArgument, message: "update_mask names no field; list the spec fields to change",
                    reason: "update_mask_empty", fields: ["update_mask": "required"])
            }
            if let unknown = paths.first(where: { !Self.updatablePaths.contains($0) }) {
                throw RPCError(
                    code: .invalidArgument,
                    message: unknown == "kind"
                        ? "a campaign's kind is fixed at creation; create a new campaign for another kind"
                        : "update_mask names \(unknown), which is not a writable spec field ("
                            + Self.updatablePaths.sorted().joined(separator: ", ") + ")",
                    reason: "update_mask_invalid", fields: ["update_mask": unknown])
            }
            guard let current = try await campaigns.campaign(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            switch current.status {
            case .completed, .cancelled:
                throw RPCError(
                    code: .failedPrecondition,
                    message: "the campaign is \(current.status.rawValue); it can no longer change",
                    reason: "campaign_finished")
            case .draft: break
            case .scheduled, .running, .paused:
                if let frozen = paths.first(where: { !Self.pathsAfterDraft.contains($0) }) {
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "\(frozen) cannot change once the campaign is \(current.status.rawValue); only "
                            + Self.pathsAfterDraft.sorted().joined(separator: ", ") + " can",
                        reason: "field_frozen", fields: ["update_mask": frozen])
                }
                if paths.contains("period"),
                    abs(request.spec.period.start.date.timeIntervalSince(current.period?.start ?? .distantPast)) > 0.001
                {
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "the period's start cannot move once the campaign is \(current.status.rawValue); "
                            + "only its end can", reason: "field_frozen", fields: ["update_mask": "period.start"])
                }
            }
            if current.period == nil, paths.contains("period.start") || paths.contains("period.end") {
                throw RPCError(
                    code: .invalidArgument,
                    message: "the campaign has no period to move an end of; set the whole period (update_mask: period)",
                    reason: "period_missing", fields: ["update_mask": "period"])
            }
            var spec = CampaignMessages.spec(current)
            for path in paths { Self.copy(path, from: request.spec, into: &spec) }
            var updated = try CampaignMessages.newCampaign(spec, tenant: caller.tenant, owner: current.ownerOperatorID)
            updated.id = current.id
            updated.status = current.status
            updated.statusReason = current.statusReason
            updated.createdAt = current.createdAt
            guard let saved = try await campaigns.update(updated, expecting: current.status) else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            var response = Hearth_Campaign_V1_UpdateCampaignResponse()
            response.campaign = CampaignMessages.campaign(
                saved, nextOccurrenceAt: try await campaigns.nextOccurrenceStart(of: id, tenant: caller.tenant))
            return response
        }
    }

    /// Copies one masked field; an unset message field in the request clears it.
    static func copy(
        _ path: String, from source: Hearth_Campaign_V1_CampaignSpec, into spec: inout Hearth_Campaign_V1_CampaignSpec
    ) {
        switch path {
        case "name": spec.name = source.name
        case "audience": spec.audience = source.audience
        case "audience.segment_id": spec.audience.segmentID = source.audience.segmentID
        case "audience.community_id": spec.audience.communityID = source.audience.communityID
        case "channels": spec.channels = source.channels
        case "goal": if source.hasGoal { spec.goal = source.goal } else { spec.clearGoal() }
        case "period": if source.hasPeriod { spec.period = source.period } else { spec.clearPeriod() }
        case "period.start": spec.period.start = source.period.start
        case "period.end": spec.period.end = source.period.end
        case "owner_operator_id": spec.ownerOperatorID = source.ownerOperatorID
        case "schedule": if source.hasSchedule { spec.schedule = source.schedule } else { spec.clearSchedule() }
        case "messages": spec.messages = source.messages
        case "contest_rules", "lottery_rules", "referral_rules": spec.kindRules = source.kindRules
        default: break
        }
    }

    public func deleteCampaign(
        request: Hearth_Campaign_V1_DeleteCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_DeleteCampaignResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            guard try await campaigns.delete(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            return Hearth_Campaign_V1_DeleteCampaignResponse()
        }
    }

    public func updateOffer(
        request: Hearth_Campaign_V1_UpdateOfferRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_UpdateOfferResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard let id = OfferID(request.offerID) else {
                throw RPCError(
                    code: .invalidArgument, message: "offer_id \"\(request.offerID)\" is not an offer id",
                    reason: "id_invalid", fields: ["offer_id": "not a UUID"])
            }
            let prices = ["list_price_fen", "site_lowest_price_fen", "exclusive_price_fen", "floor_price_fen"]
            let paths = request.updateMask.paths
            guard !paths.isEmpty, paths.allSatisfy(prices.contains) else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "update_mask names the prices to change: " + prices.joined(separator: ", "),
                    reason: "update_mask_invalid", fields: ["update_mask": paths.joined(separator: ",")])
            }
            let source = request.offer
            let offer = try await OfferStore(pool: pool).update(id, tenant: caller.tenant) { offer in
                for path in paths {
                    switch path {
                    case "list_price_fen": offer.listPriceFen = source.listPriceFen
                    case "site_lowest_price_fen": offer.siteLowestPriceFen = source.siteLowestPriceFen
                    case "exclusive_price_fen": offer.exclusivePriceFen = source.exclusivePriceFen
                    default: offer.floorPriceFen = source.floorPriceFen
                    }
                }
                do throws(DomainError) {
                    try offer.checkPriceGuard()
                } catch {
                    throw RPCError(code: .invalidArgument, message: error.message, reason: Offer.priceGuardReason)
                }
            }
            guard let offer else { throw RPCError(code: .notFound, message: "no offer \(id) in this tenant") }
            var response = Hearth_Campaign_V1_UpdateOfferResponse()
            response.offer = Self.offer(offer)
            return response
        }
    }
}
