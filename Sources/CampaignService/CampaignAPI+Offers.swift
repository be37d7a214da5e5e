import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Offers: member-exclusive prices per SKU, always cheaper than anywhere on the site and never
/// below the floor.
extension CampaignAPI {
    public func createOffer(
        request: Hearth_Campaign_V1_CreateOfferRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CreateOfferResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let offer = Offer(
                campaignID: campaign, sku: request.sku.trimmedOfWhitespace, listPriceFen: request.listPriceFen,
                siteLowestPriceFen: request.siteLowestPriceFen, exclusivePriceFen: request.exclusivePriceFen,
                floorPriceFen: request.floorPriceFen)
            do throws(DomainError) {
                try offer.validateSKU()
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: error.message, reason: "sku_invalid",
                    fields: ["sku": error.message])
            }
            do throws(DomainError) {
                try offer.checkPriceGuard()
            } catch {
                throw RPCError(code: .invalidArgument, message: error.message, reason: Offer.priceGuardReason)
            }
            var response = Hearth_Campaign_V1_CreateOfferResponse()
            response.offer = Self.offer(try await OfferStore(pool: pool).create(offer, tenant: caller.tenant))
            return response
        }
    }

    public func listOffers(
        request: Hearth_Campaign_V1_ListOffersRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListOffersResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            guard let offers = try await OfferStore(pool: pool).offers(of: campaign, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no campaign \(campaign) in this tenant")
            }
            var response = Hearth_Campaign_V1_ListOffersResponse()
            response.offers = offers.map(Self.offer)
            return response
        }
    }

    static func offer(_ offer: Offer) -> Hearth_Campaign_V1_Offer {
        var message = Hearth_Campaign_V1_Offer()
        message.offerID = offer.id.description
        message.campaignID = offer.campaignID.description
        message.sku = offer.sku
        message.listPriceFen = offer.listPriceFen
        message.siteLowestPriceFen = offer.siteLowestPriceFen
        message.exclusivePriceFen = offer.exclusivePriceFen
        message.floorPriceFen = offer.floorPriceFen
        message.createdAt = Google_Protobuf_Timestamp(date: offer.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: offer.updatedAt)
        return message
    }
}
