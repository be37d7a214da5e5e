import Foundation
public import HearthDomain
import HearthPostgres

/// The orders a member list can take; ties are broken by member id, so pages never overlap.
public enum MemberListOrder: String, Sendable, CaseIterable {
    /// Newest first.
    case created
    /// Most recently active first; never-active members last.
    case lastActive = "last_active"
    /// Biggest spenders first.
    case totalSpend = "total_spend"
    /// Highest engagement score first.
    case engagement
    /// By display name, A to Z (the database's collation).
    case name

    /// The sort key as SQL over `members`, never NULL, so a row comparison can continue after it.
    var key: String {
        switch self {
        case .created: "created_at"
        case .lastActive: "coalesce(last_active_at, '-infinity'::timestamptz)"
        case .totalSpend: "total_spend_fen"
        case .engagement: "engagement_score"
        case .name: "display_name"
        }
    }

    /// The key's type, for reading a cursor's key back.
    var keyType: String {
        switch self {
        case .created, .lastActive: "timestamptz"
        case .totalSpend: "int8"
        case .engagement: "float8"
        case .name: "text"
        }
    }

    var descending: Bool { self != .name }
}

/// Where a page of members ends: the order, the last member's sort key as PostgreSQL writes it
/// (its text form reads back to the same value), and that member's id.
public struct MemberCursor: Sendable, Hashable {
    public var order: MemberListOrder
    public var key: String
    public var memberID: MemberID

    public init(order: MemberListOrder, key: String, memberID: MemberID) {
        self.order = order
        self.key = key
        self.memberID = memberID
    }
}

extension MemberStore {
    /// Members matching `query` in `order`, after `cursor`, at most `limit`; `next` continues
    /// after the last of them when more follow.
    public func list(
        tenant: TenantID, matching query: MemberQuery, order: MemberListOrder = .created, after cursor: MemberCursor?,
        limit: Int
    ) async throws -> (members: [Member], next: MemberCursor?) {
        if let cursor, cursor.order != order {
            throw DomainError(
                code: .invalidArgument,
                message: "the cursor continues a list by \(cursor.order.rawValue), not by \(order.rawValue)")
        }
        let limit = max(1, min(limit, 500))
        let rows = try await pool.withTenant(tenant) { connection in
            var statement = PostgresQuery(
                "SELECT " + Self.columns + ", (\(order.key))::text AS sort_key FROM members m WHERE tenant_id = $1")
            statement.binds = [tenant.rawValue.postgresBind]
            try await query.appendConditions(to: &statement, tenant: tenant, on: connection)
            let direction = order.descending ? "DESC" : "ASC"
            if let cursor {
                let key = statement.bind(cursor.key)
                let id = statement.bind(cursor.memberID.rawValue)
                statement.sql +=
                    " AND (\(order.key), member_id) \(order.descending ? "<" : ">") (\(key)::\(order.keyType), \(id))"
            }
            statement.sql += " ORDER BY \(order.key) \(direction), member_id \(direction) LIMIT \(limit + 1)"
            return try await connection.query(statement).map { row in
                (try Member(row: row), try row.decode(String.self, at: row.columnCount - 1))
            }
        }
        let page = rows.prefix(limit)
        guard rows.count > limit, let last = page.last else { return (page.map(\.0), nil) }
        return (page.map(\.0), MemberCursor(order: order, key: last.1, memberID: last.0.id))
    }
}
