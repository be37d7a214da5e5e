import Foundation
public import HearthDomain
public import HearthPostgres

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
        var statement = PostgresQuery("")
        let tenantBind = statement.bind(tenant.rawValue)
        let tagsBind = statement.bind(tags)
        var selection = "tenant_id = \(tenantBind) AND erased_at IS NULL AND merged_into_member_id IS NULL"
        if let ids {
            selection += " AND member_id = ANY(\(statement.bind(ids.map(\.rawValue))))"
        } else {
            if !query.includeDeleted { selection += " AND deleted_at IS NULL" }
            if !query.provinces.isEmpty { selection += " AND province = ANY(\(statement.bind(query.provinces)))" }
            if !query.lifecycleStages.isEmpty {
                selection += " AND lifecycle_stage = ANY(\(statement.bind(query.lifecycleStages.map(\.rawValue))))"
            }
            if !query.tagsAll.isEmpty { selection += " AND tags @> \(statement.bind(query.tagsAll))" }
        }
        let change =
            adding
            ? "ARRAY(SELECT DISTINCT t FROM unnest(tags || \(tagsBind)) AS t ORDER BY t)"
            : "ARRAY(SELECT t FROM unnest(tags) AS t WHERE t <> ALL(\(tagsBind)) ORDER BY t)"
        let changedTest = adding ? "NOT (tags @> \(tagsBind))" : "tags && \(tagsBind)"
        statement.sql = """
            WITH selected AS (SELECT member_id, \(changedTest) AS changes FROM members WHERE \(selection)),
            updated AS (
                UPDATE members SET tags = \(change)
                WHERE tenant_id = \(tenantBind) AND member_id IN (SELECT member_id FROM selected WHERE changes)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM selected), (SELECT count(*) FROM updated)
            """
        return try await pool.withTenant(tenant) { connection in
            let row = try await connection.query(statement)[0]
            return (try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1))
        }
    }
}
