public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of conversions: orders recorded once per order id, each credited to the campaign its
/// code names, else to the campaign of the member's latest message sent within the window before
/// it, else to none.
public struct ConversionStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        conversion_id, order_id, member_id, campaign_id, amount_fen, occurred_at, refunded_at, attribution, created_at
        """

    /// Records an order and attributes it, or returns the conversion stored under its order id
    /// (`duplicate`) unchanged, whatever this call says: the order id is the idempotency key. A
    /// concurrent retry waits for the first insert (ON CONFLICT DO NOTHING) and then reads it.
    ///
    /// A member merged into another is recorded under the survivor (merging moves conversions
    /// there too). `notFound` for a member the tenant does not have; ``Conversion/UnknownCode`` for
    /// a code naming no campaign of the tenant; `invalidArgument` for a field its rule refuses.
    public func record(_ order: Conversion.Order, tenant: TenantID, now: Date = Date()) async throws
        -> (conversion: Conversion, duplicate: Bool)
    {
        try order.validate(now: now)
        let orderID = try Conversion.checkedOrderID(order.orderID)
        return try await pool.withTenant(tenant) { connection in
            if let stored = try await Self.find(orderID, tenant: tenant, lock: false, on: connection) {
                return (conversion: stored, duplicate: true)
            }
            var member: MemberID?
            if let given = order.memberID {
                member = try await Self.survivor(of: given, tenant: tenant, on: connection)
            }
            let credit = try await Self.attribute(order, member: member, tenant: tenant, on: connection)
            let rows = try await connection.query(
                """
                INSERT INTO conversions (tenant_id, order_id, member_id, campaign_id, amount_fen, occurred_at,
                                         attribution)
                VALUES (\(tenant.rawValue), \(orderID), \(member?.rawValue), \(credit.campaign?.rawValue),
                        \(order.amountFen), \(order.occurredAt), \(credit.attribution.rawValue))
                ON CONFLICT (tenant_id, order_id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """)
            if let row = rows.first {
                let recorded = try Conversion(row: row)
                return (conversion: recorded, duplicate: false)
            }
            // A concurrent call recorded the order first; its row is committed by now.
            guard let stored = try await Self.find(orderID, tenant: tenant, lock: false, on: connection) else {
                throw DomainError(
                    code: .aborted,
                    message: "order \(orderID) was recorded by a concurrent call that failed; try again")
            }
            return (conversion: stored, duplicate: true)
        }
    }

    /// Marks an order refunded at `refundedAt`; an order refunded already comes back unchanged.
    /// `notFound` for an order id the tenant never recorded; `invalidArgument` for a refund dated
    /// before the order (or a malformed order id).
    public func refund(orderID text: String, at refundedAt: Date, tenant: TenantID) async throws -> Conversion {
        let orderID = try Conversion.checkedOrderID(text)
        return try await pool.withTenant(tenant) { connection in
            guard let stored = try await Self.find(orderID, tenant: tenant, lock: true, on: connection) else {
                throw DomainError(
                    code: .notFound,
                    message: "no order \(orderID) in this tenant; record the order before refunding it")
            }
            guard stored.refundedAt == nil else { return stored }
            try stored.checkRefund(at: refundedAt)
            let rows = try await connection.query(
                """
                UPDATE conversions SET refunded_at = \(refundedAt)
                WHERE tenant_id = \(tenant.rawValue) AND conversion_id = \(stored.id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            return try Conversion(row: rows[0])
        }
    }

    /// The tenant's conversions newest first (by order time, then id), after `cursor`, at most
    /// `limit`; filters that are `nil` do not filter. The order time range is [from, before);
    /// refunded orders are left out unless `includeRefunded`.
    public func list(
        tenant: TenantID, campaign: CampaignID?, member: MemberID?, occurredFrom: Date?, occurredBefore: Date?,
        includeRefunded: Bool, after cursor: (occurredAt: Date, id: ConversionID)?, limit: Int
    ) async throws -> (conversions: [Conversion], more: Bool) {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.columns + " FROM conversions WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if let campaign {
            let id = statement.bind(campaign.rawValue)
            statement.sql += " AND campaign_id = \(id)"
        }
        if let member {
            let id = statement.bind(member.rawValue)
            statement.sql += " AND member_id = \(id)"
        }
        if let occurredFrom {
            let time = statement.bind(occurredFrom)
            statement.sql += " AND occurred_at >= \(time)"
        }
        if let occurredBefore {
            let time = statement.bind(occurredBefore)
            statement.sql += " AND occurred_at < \(time)"
        }
        if !includeRefunded { statement.sql += " AND refunded_at IS NULL" }
        if let cursor {
            let time = statement.bind(cursor.occurredAt)
            let id = statement.bind(cursor.id.rawValue)
            statement.sql += " AND (occurred_at, conversion_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY occurred_at DESC, conversion_id DESC LIMIT \(limit + 1)"
        let rows = try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map(Conversion.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    // MARK: Steps

    static func find(
        _ orderID: String, tenant: TenantID, lock: Bool, on connection: PostgresConnection
    ) async throws -> Conversion? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM conversions
            WHERE tenant_id = \(tenant.rawValue) AND order_id = \(orderID) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        ).first.map(Conversion.init(row:))
    }

    /// The member an order is recorded under: the given one, or the survivor it was merged into.
    static func survivor(of member: MemberID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> MemberID
    {
        let rows = try await connection.query(
            """
            SELECT coalesce(merged_into_member_id, member_id) FROM members
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
            """)
        guard let row = rows.first else {
            throw DomainError(
                code: .notFound,
                message: "no member \(member) in this tenant; record the order with the buyer's member id, or "
                    + "without one")
        }
        return MemberID(try row.decode(UUID.self, at: 0))
    }

    /// The campaign an order is credited to and why: its code's campaign, else the campaign of the
    /// member's latest message sent in [occurred_at - window, occurred_at], else none.
    static func attribute(
        _ order: Conversion.Order, member: MemberID?, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> (campaign: CampaignID?, attribution: ConversionAttribution) {
        if let code = order.campaignCode?.trimmedOfWhitespace, !code.isEmpty {
            let named = try await Self.campaign(forCode: code, tenant: tenant, on: connection)
            return (campaign: named, attribution: .code)
        }
        guard let member else { return (campaign: nil, attribution: ConversionAttribution.none) }
        let rows = try await connection.query(
            """
            SELECT campaign_id FROM deliveries
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue) AND status = 'sent'
              AND sent_at >= \(order.attributionWindowStart) AND sent_at <= \(order.occurredAt)
            ORDER BY sent_at DESC, delivery_id DESC
            LIMIT 1
            """)
        guard let row = rows.first else { return (campaign: nil, attribution: ConversionAttribution.none) }
        let lastTouch = CampaignID(try row.decode(UUID.self, at: 0))
        return (campaign: lastTouch, attribution: .lastTouch)
    }

    /// The campaign a code names: the id of one of the tenant's campaigns, or the token of a join
    /// link carrying one, bare or as the end of its invite URL (`…/join/<token>`). An expired link
    /// still counts: the order may come after the link stopped admitting newcomers. The campaign is
    /// locked against deletion until the conversion is in; ``Conversion/UnknownCode`` when the code
    /// names none.
    static func campaign(forCode code: String, tenant: TenantID, on connection: PostgresConnection) async throws
        -> CampaignID
    {
        // A token never holds a slash, so only a URL's last path component can be one.
        let token = code.split(separator: "/").last.map(String.init) ?? code
        var candidate: UUID?
        if let id = UUID(uuidString: code) {
            candidate = id
        } else if JoinLinkToken.isWellFormed(token) {
            // Links keep only their token's SHA-256 (see 0008_community_operations.sql).
            candidate = try await connection.query(
                """
                SELECT campaign_id FROM join_links
                WHERE tenant_id = \(tenant.rawValue)
                  AND token_sha256 = encode(sha256(convert_to(\(token), 'UTF8')), 'hex')
                """
            ).first?.decode(UUID?.self, at: 0)
        }
        if let candidate {
            let found = try await connection.query(
                """
                SELECT 1 FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(candidate)
                FOR KEY SHARE
                """)
            if !found.isEmpty { return CampaignID(candidate) }
        }
        throw Conversion.UnknownCode()
    }
}

extension Conversion {
    /// Reads a row selected with ``ConversionStore/columns``.
    init(row: PostgresRow) throws {
        let attributionText = try row.decode(String.self, at: 7)
        guard let attribution = ConversionAttribution(rawValue: attributionText) else {
            throw PostgresError(
                code: .decodingFailed, message: "unknown attribution \"\(attributionText)\" in conversions")
        }
        self.init(
            id: ConversionID(try row.decode(UUID.self, at: 0)),
            orderID: try row.decode(String.self, at: 1),
            memberID: try row.decode(UUID?.self, at: 2).map(MemberID.init),
            campaignID: try row.decode(UUID?.self, at: 3).map(CampaignID.init),
            amountFen: try row.decode(Int64.self, at: 4),
            occurredAt: try row.decode(Date.self, at: 5),
            refundedAt: try row.decode(Date?.self, at: 6),
            attribution: attribution,
            createdAt: try row.decode(Date.self, at: 8))
    }
}
