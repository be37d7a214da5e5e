import Foundation
public import HearthDomain
import HearthPostgres

extension OfferStore {
    /// Changes an offer's prices under its row lock and the price guard; `nil` when the tenant has
    /// no such offer. Refused once its campaign is completed or cancelled. `change` may throw to
    /// refuse (the edge throws its own error, with the reason it carries to the caller).
    public func update(
        _ id: OfferID, tenant: TenantID, change: (inout Offer) throws -> Void
    ) async throws -> Offer? {
        try await pool.withTenant(tenant) { connection in
            guard
                var offer = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM offers
                    WHERE tenant_id = \(tenant.rawValue) AND offer_id = \(id.rawValue) FOR UPDATE
                    """
                ).first.map(Offer.init(row:))
            else { return nil }
            try await Self.refuseFinished(offer.campaignID, tenant: tenant, on: connection)
            try change(&offer)
            try offer.validate()
            let rows = try await connection.query(
                """
                UPDATE offers SET list_price_fen = \(offer.listPriceFen), site_lowest_price_fen = \(offer.siteLowestPriceFen),
                                  exclusive_price_fen = \(offer.exclusivePriceFen), floor_price_fen = \(offer.floorPriceFen)
                WHERE tenant_id = \(tenant.rawValue) AND offer_id = \(id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            return try Offer(row: rows[0])
        }
    }
}
