public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Most members one page of ``forEachPage(tenant:matching:full:pageSize:_:)`` holds.
    public static let maximumStreamPage = 1_000

    /// Calls `body` with every member `query` matches, a page at a time in member id order, all
    /// read from one snapshot.
    ///
    /// One repeatable-read transaction spans the whole walk, so a member changed or added meanwhile
    /// is neither skipped nor seen twice, and each page is a keyset step along the primary key
    /// (`member_id > last`), so memory stays at one page however many members match. The price is a
    /// pooled connection held while `body` runs: a caller streaming to a slow client holds it that
    /// long. `body` must have no effects outside the call (it is not re-run).
    public func forEachPage(
        tenant: TenantID, matching query: MemberQuery, full: Bool, pageSize: Int = MemberStore.maximumStreamPage,
        _ body: ([MemberRecord]) async throws -> Void
    ) async throws {
        let limit = max(1, min(pageSize, Self.maximumStreamPage))
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            let segment = try await query.segmentScope(tenant: tenant, on: connection)
            var last: MemberID?
            while true {
                var statement = PostgresQuery("SELECT " + Self.recordColumns + " FROM members m WHERE tenant_id = $1")
                statement.binds = [tenant.rawValue.postgresBind]
                try query.appendConditions(to: &statement, tenant: tenant, segment: segment)
                if let last {
                    let after = statement.bind(last.rawValue)
                    statement.sql += " AND member_id > \(after)"
                }
                statement.sql += " ORDER BY member_id LIMIT \(limit)"
                let rows = try await connection.query(statement)
                var page = try rows.map(MemberRecord.init(row:))
                guard let lastRecord = page.last else { return }
                if full { page = try await Self.withDetails(page, tenant: tenant, on: connection) }
                try await body(page)
                guard page.count == limit else { return }
                last = lastRecord.member.id
            }
        }
    }
}
