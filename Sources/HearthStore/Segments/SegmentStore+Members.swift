import Foundation
public import HearthDomain
public import HearthPostgres

extension SegmentStore {
    /// A page of the live members a segment holds now, in member-id order after `after`, so a
    /// caller can stream a segment of any size page by page. `nil` when there is no such segment.
    public func members(
        of id: SegmentID, tenant: TenantID, after: MemberID?, limit: Int
    ) async throws -> [Member]? {
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            try await connection.query("SET LOCAL jit = off")
            try await connection.query("SET LOCAL work_mem = '64MB'")
            guard
                let segment = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM segments
                    WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)
                    """
                ).first.map(Segment.init(row:))
            else { return nil }
            let references = try await Self.references(tenant: tenant, on: connection)
            let timeZone = try await Self.timeZone(of: tenant, on: connection)
            let columns = MemberStore.columns.split(separator: ",")
                .map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
            var statement = try SegmentSQL.statement(
                selecting: columns, rule: .memberOf(segment: segment.name), tenant: tenant, timeZone: timeZone,
                resolve: { references[$0] })
            if let after {
                statement.sql += " AND m.member_id > \(statement.bind(after.rawValue))"
            }
            statement.sql += " ORDER BY m.member_id LIMIT \(max(1, min(limit, 5_000)))"
            return try await connection.query(statement).map(Member.init(row:))
        }
    }
}
