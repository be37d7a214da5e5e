public import Foundation

/// A member-exclusive price of one SKU in a campaign.
///
/// The price guard ("cheaper than anywhere on the site, never below cost"):
/// `floor ≤ exclusive < site lowest ≤ list`. An exclusive price at or above the public site's
/// lowest price is no privilege and teaches members that the group is not worth staying in; one
/// below the floor loses money or breaks channel agreements. The database enforces the same rule
/// (`offers_price_guard`, `offers_lowest_within_list`).
public struct Offer: Hashable, Sendable {
    /// `ErrorDetail.reason` of a refusal by ``checkPriceGuard()``.
    public static let priceGuardReason = "offer_price_guard"
    /// Most characters of a SKU.
    public static let maximumSKULength = 64

    public var id: OfferID
    public var campaignID: CampaignID
    /// One offer per SKU and campaign.
    public var sku: String
    /// The regular price, in fen.
    public var listPriceFen: Int64
    /// The lowest price of the SKU anywhere on the public site, in fen.
    public var siteLowestPriceFen: Int64
    /// What members pay, in fen.
    public var exclusivePriceFen: Int64
    /// The price the exclusive price may never go below (cost, channel agreements), in fen.
    public var floorPriceFen: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: OfferID = OfferID(), campaignID: CampaignID, sku: String, listPriceFen: Int64, siteLowestPriceFen: Int64,
        exclusivePriceFen: Int64, floorPriceFen: Int64, createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.id = id
        self.campaignID = campaignID
        self.sku = sku
        self.listPriceFen = listPriceFen
        self.siteLowestPriceFen = siteLowestPriceFen
        self.exclusivePriceFen = exclusivePriceFen
        self.floorPriceFen = floorPriceFen
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What members save against the site's lowest price, in fen (positive for a valid offer).
    public var savingFen: Int64 { siteLowestPriceFen - exclusivePriceFen }

    /// The SKU, then the price guard. All refusals are `invalidArgument`; those of the price guard
    /// carry ``priceGuardReason`` at the edge.
    public func validate() throws(DomainError) {
        try validateSKU()
        try checkPriceGuard()
    }

    /// A SKU of 1 to 64 characters (surrounding spaces do not count; the store keeps it trimmed).
    public func validateSKU() throws(DomainError) {
        let length = sku.trimmedOfWhitespace.unicodeScalars.count
        guard (1...Self.maximumSKULength).contains(length) else {
            throw DomainError(
                code: .invalidArgument, message: "a SKU has 1 to \(Self.maximumSKULength) characters, not \(length)")
        }
    }

    /// Refuses unless `floor ≤ exclusive < site lowest ≤ list`, all at or above zero, saying which
    /// price to change. Amounts in messages are in yuan with two decimals.
    public func checkPriceGuard() throws(DomainError) {
        let prices: [(name: String, fen: Int64)] = [
            ("list price", listPriceFen), ("site's lowest price", siteLowestPriceFen),
            ("exclusive price", exclusivePriceFen), ("floor price", floorPriceFen),
        ]
        for (name, fen) in prices where fen < 0 {
            throw DomainError(
                code: .invalidArgument, message: "the \(name) cannot be negative, not \(Yuan.text(fen: fen))")
        }
        let list = Yuan.text(fen: listPriceFen)
        let lowest = Yuan.text(fen: siteLowestPriceFen)
        let exclusive = Yuan.text(fen: exclusivePriceFen)
        let floor = Yuan.text(fen: floorPriceFen)
        guard siteLowestPriceFen <= listPriceFen else {
            throw DomainError(
                code: .invalidArgument,
                message: "the site's lowest price \(lowest) cannot be above the list price \(list); check both")
        }
        guard floorPriceFen < siteLowestPriceFen else {
            throw DomainError(
                code: .invalidArgument,
                message: "no exclusive price can work: the floor \(floor) is not below the site's lowest \(lowest); "
                    + "lower the floor or leave this SKU out")
        }
        guard exclusivePriceFen < siteLowestPriceFen else {
            throw DomainError(
                code: .invalidArgument,
                message: "the exclusive price \(exclusive) must be below the site's lowest \(lowest), or members get "
                    + "no privilege")
        }
        guard floorPriceFen <= exclusivePriceFen else {
            throw DomainError(
                code: .invalidArgument,
                message: "the exclusive price \(exclusive) must not be below the floor \(floor); members may never "
                    + "pay less than the floor")
        }
    }
}

public typealias OfferID = Identifier<Offer>
