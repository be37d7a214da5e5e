import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of offers: member-exclusive prices of a campaign, one per SKU. The database enforces
/// the same price guard as the domain, so no path around the service can break it.
public struct OfferStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        offer_id, campaign_id, sku, list_price_fen, site_lowest_price_fen, exclusive_price_fen, floor_price_fen,
        created_at, updated_at
        """

    /// Saves an offer of a campaign that can still change; a SKU offered already is `alreadyExists`.
    public func create(_ offer: Offer, tenant: TenantID) async throws -> Offer {
        try offer.validate()
        return try await pool.withTenant(tenant) { connection in
            try await Self.refuseFinished(offer.campaignID, tenant: tenant, on: connection)
            let taken = try await connection.query(
                """
                SELECT 1 FROM offers WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(offer.campaignID.rawValue)
                  AND sku = \(offer.sku)
                """)
            guard taken.isEmpty else {
                throw DomainError(
                    code: .alreadyExists,
                    message: "SKU \(offer.sku) is offered in this campaign already; change that offer")
            }
            let rows = try await connection.query(
                """
                INSERT INTO offers (tenant_id, offer_id, campaign_id, sku, list_price_fen, site_lowest_price_fen,
                                    exclusive_price_fen, floor_price_fen)
                VALUES (\(tenant.rawValue), \(offer.id.rawValue), \(offer.campaignID.rawValue), \(offer.sku),
                        \(offer.listPriceFen), \(offer.siteLowestPriceFen), \(offer.exclusivePriceFen), \(offer.floorPriceFen))
                RETURNING \(unescaped: Self.columns)
                """)
            return try Offer(row: rows[0])
        }
    }

    /// A campaign's offers by SKU; `nil` when the tenant has no such campaign.
    public func offers(of campaign: CampaignID, tenant: TenantID) async throws -> [Offer]? {
        try await pool.withTenant(tenant) { connection in
            guard try await CampaignStore.find(campaign, tenant: tenant, lock: false, on: connection) != nil else {
                return nil
            }
            return try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM offers
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) ORDER BY sku
                """
            ).map(Offer.init(row:))
        }
    }

    static func refuseFinished(_ campaign: CampaignID, tenant: TenantID, on connection: PostgresConnection) async throws
    {
        guard let found = try await CampaignStore.find(campaign, tenant: tenant, lock: false, on: connection) else {
            throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
        }
        if found.status == .completed || found.status == .cancelled {
            throw DomainError(
                code: .failedPrecondition,
                message: "the campaign is \(found.status.rawValue); its offers can no longer change")
        }
    }
}

extension Offer {
    init(row: PostgresRow) throws {
        self.init(
            id: OfferID(try row.decode(UUID.self, at: 0)), campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
            sku: try row.decode(String.self, at: 2), listPriceFen: try row.decode(Int64.self, at: 3),
            siteLowestPriceFen: try row.decode(Int64.self, at: 4), exclusivePriceFen: try row.decode(Int64.self, at: 5),
            floorPriceFen: try row.decode(Int64.self, at: 6), createdAt: try row.decode(Date.self, at: 7),
            updatedAt: try row.decode(Date.self, at: 8))
    }
}
