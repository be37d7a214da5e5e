import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of members. Every call is scoped to one tenant through row-level security.
public struct MemberStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The columns ``insert(_:)`` writes: a member's whole profile and totals.
    static let insertedColumns = """
        member_id, tenant_id, display_name, phone_e164, email, province, city, org_kind, tags, interests,
        source_channel, vip_tier, lifecycle_stage, total_spend_fen, order_count, last_purchase_at, last_active_at,
        created_at
        """

    /// The columns `Member(row:)` reads, in its order.
    static let columns = insertedColumns + ", deleted_at"

    /// Stores a new member. Fails with `alreadyExists` when the phone is taken in the tenant.
    public func insert(_ member: Member) async throws {
        try member.validate()
        try await pool.withTenant(member.tenantID) { connection in
            try await connection.query(
                """
                INSERT INTO members (\(unescaped: Self.insertedColumns))
                VALUES (\(member.id.rawValue), \(member.tenantID.rawValue), \(member.displayName), \(member.phone),
                        \(member.email), \(member.region.province), \(member.region.city), \(member.organisationKind),
                        \(member.tags), \(member.interests), \(member.sourceChannel?.rawValue), \(Int16(member.vipTier)),
                        \(member.lifecycleStage.rawValue), \(member.totals.totalSpendFen), \(member.totals.orderCount),
                        \(member.totals.lastPurchaseAt), \(member.totals.lastActiveAt), \(member.createdAt))
                """)
        }
    }

    /// One member of the tenant, or `nil` (also for another tenant's member id).
    public func member(_ id: MemberID, tenant: TenantID) async throws -> Member? {
        try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)"
            )
            return try rows.first.map(Member.init(row:))
        }
    }

    /// Members of the tenant in id order, after `cursor` (exclusive), at most `limit`.
    public func list(tenant: TenantID, after cursor: MemberID? = nil, limit: Int = 100) async throws -> [Member] {
        try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id > \(cursor?.rawValue ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                ORDER BY member_id
                LIMIT \(max(1, min(limit, 10_000)))
                """)
            return try rows.map(Member.init(row:))
        }
    }
}

extension Member {
    /// Reads a row selected with ``MemberStore/columns``, in that order.
    init(row: PostgresRow) throws {
        let source = try row.decode(String?.self, at: 10)
        let stage = try row.decode(String.self, at: 12)
        guard let lifecycleStage = LifecycleStage(rawValue: stage) else {
            throw PostgresError(code: .decodingFailed, message: "unknown lifecycle stage \"\(stage)\" in members")
        }
        self.init(
            id: MemberID(try row.decode(UUID.self, at: 0)),
            tenantID: TenantID(try row.decode(UUID.self, at: 1)),
            displayName: try row.decode(String.self, at: 2),
            phone: try row.decode(String?.self, at: 3),
            email: try row.decode(String?.self, at: 4),
            region: Region(province: try row.decode(String?.self, at: 5), city: try row.decode(String?.self, at: 6)),
            organisationKind: try row.decode(String?.self, at: 7),
            tags: try row.decode([String].self, at: 8),
            interests: try row.decode([String].self, at: 9),
            sourceChannel: source.flatMap(SourceChannel.init(rawValue:)),
            vipTier: try row.decode(Int.self, at: 11),
            lifecycleStage: lifecycleStage,
            totals: MemberTotals(
                totalSpendFen: try row.decode(Int64.self, at: 13),
                orderCount: try row.decode(Int.self, at: 14),
                lastPurchaseAt: try row.decode(Date?.self, at: 15),
                lastActiveAt: try row.decode(Date?.self, at: 16)),
            createdAt: try row.decode(Date.self, at: 17),
            deletedAt: try row.decode(Date?.self, at: 18))
    }
}
