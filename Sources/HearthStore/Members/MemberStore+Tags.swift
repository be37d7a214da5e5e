import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Adds (`adding: true`) or removes `tags` on the selected members in one statement; returns how
    /// many the selection matched and how many changed. `ids == nil` selects what `query` matches.
    public func retag(
        adding: Bool, tags: [String], ids: [MemberID]?, query: MemberQuery, tenant: TenantID
    ) async throws -> (matched: Int64, changed: Int64) {
        for tag in tags where tag.isEmpty || tag.count > 64 {
            throw DomainError(code: .invalidArgument, message: "tags have 1 to 64 characters: \"\(tag)\"")
        }
        guard !tags.isEmpty else { throw DomainError(code: .invalidArgument, message: "name at least one tag") }
        return try await pool.withTenant(tenant) { connection in
            var statement = PostgresQuery("")
            let tenantBind = statement.bind(tenant.rawValue)
            let tagsBind = statement.bind(tags)
            statement.sql = "tenant_id = \(tenantBind)"
            if let ids {
                statement.sql += " AND member_id = ANY(\(statement.bind(ids.map(\.rawValue))))"
                MemberQuery(includeDeleted: true).appendConditions(to: &statement)
            } else {
                try await query.appendConditions(to: &statement, tenant: tenant, on: connection)
            }
            let selection = statement.sql
            let change =
                adding
                ? "ARRAY(SELECT DISTINCT t FROM unnest(tags || \(tagsBind)) AS t ORDER BY t)"
                : "ARRAY(SELECT t FROM unnest(tags) AS t WHERE t <> ALL(\(tagsBind)) ORDER BY t)"
            let changedTest = adding ? "NOT (tags @> \(tagsBind))" : "tags && \(tagsBind)"
            statement.sql = """
                WITH selected AS (SELECT member_id, \(changedTest) AS changes FROM members m WHERE \(selection)),
                updated AS (
                    UPDATE members SET tags = \(change)
                    WHERE tenant_id = \(tenantBind) AND member_id IN (SELECT member_id FROM selected WHERE changes)
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM selected), (SELECT count(*) FROM updated)
                """
            let row = try await connection.query(statement)[0]
            return (try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1))
        }
    }
}
