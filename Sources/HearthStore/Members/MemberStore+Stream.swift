public import HearthDomain
public import HearthPostgres

extension MemberStore {
    /// Members matching `query` in member-id order after `afterID`, at most `limit`: the order a
    /// stream of any length can resume from.
    public func list(
        tenant: TenantID, matching query: MemberQuery, afterID: MemberID?, limit: Int
    ) async throws -> [Member] {
        var statement = PostgresQuery("SELECT " + Self.columns + " FROM members WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        query.appendConditions(to: &statement)
        if let afterID { statement.sql += " AND member_id > \(statement.bind(afterID.rawValue))" }
        statement.sql += " ORDER BY member_id LIMIT \(max(1, min(limit, 5_000)))"
        return try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map(Member.init(row:))
        }
    }
}
