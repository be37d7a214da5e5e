import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of segments: saving rules, and answering who matches one.
public struct SegmentStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        segment_id, tenant_id, name, kind, rule_text, rule_json, created_at, updated_at, snapshot_at,
        CASE WHEN kind = 'static' THEN (SELECT count(*) FROM segment_members sm
                                        WHERE sm.tenant_id = segments.tenant_id AND sm.segment_id = segments.segment_id) END
        """

    /// Saves a dynamic segment. Its `member_of` references must name saved segments and may not
    /// lead back to it; a taken name is `alreadyExists`.
    public func create(name: String, ruleText: String, rule: SegmentRule, tenant: TenantID) async throws -> Segment {
        try Segment.validate(name: name)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await pool.withTenant(tenant) { connection in
            let taken = try await connection.query(
                "SELECT 1 FROM segments WHERE tenant_id = \(tenant.rawValue) AND name = \(name)")
            guard taken.isEmpty else {
                throw DomainError(code: .alreadyExists, message: "a segment named \"\(name)\" exists already")
            }
            // Compiling checks every reference and refuses a circle back to this name.
            let references = try await Self.references(tenant: tenant, on: connection)
            _ = try SegmentSQL.statement(
                selecting: "1", rule: .memberOf(segment: name), tenant: tenant, timeZone: "UTC",
                resolve: { $0 == name ? .dynamic(rule) : references[$0] })
            let rows = try await connection.query(
                """
                INSERT INTO segments (tenant_id, name, kind, rule_text, rule_json)
                VALUES (\(tenant.rawValue), \(name), 'dynamic', \(ruleText), \(try PostgresJSONB(encoding: rule)))
                RETURNING \(unescaped: Self.columns)
                """)
            return try Segment(row: rows[0])
        }
    }

    public func segment(_ id: SegmentID, tenant: TenantID) async throws -> Segment? {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM segments
                WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)
                """
            ).first.map(Segment.init(row:))
        }
    }

    /// The tenant's segments in name order after `afterName`, optionally only those whose name
    /// contains `text` or of one kind, at most `limit` (plus whether more follow).
    public func list(
        tenant: TenantID, nameContaining text: String? = nil, kind: Segment.Kind? = nil, afterName: String? = nil,
        limit: Int = 100
    ) async throws -> (segments: [Segment], more: Bool) {
        let limit = max(1, min(limit, 1_000))
        let rows = try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM segments
                WHERE tenant_id = \(tenant.rawValue) AND (\(text ?? "") = '' OR strpos(name, \(text ?? "")) > 0)
                  AND (\(kind?.rawValue ?? "") = '' OR kind = \(kind?.rawValue ?? ""))
                  AND name > \(afterName ?? "")
                ORDER BY name LIMIT \(limit + 1)
                """
            ).map(Segment.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// How many live members match `rule` now, and a sample of them (newest first).
    public func preview(rule: SegmentRule, tenant: TenantID, sampleSize: Int) async throws -> (
        count: Int64, sample: [Member]
    ) {
        try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            // Compiling a plan of this size just in time costs more than the query saves; grouping
            // a window's events for a million members needs more than the default 4 MB in memory.
            try await connection.query("SET LOCAL jit = off")
            try await connection.query("SET LOCAL work_mem = '64MB'")
            let references = try await Self.references(tenant: tenant, on: connection)
            let timeZone = try await Self.timeZone(of: tenant, on: connection)
            let now = Date()
            guard sampleSize > 0 else {
                let counted = try await connection.query(
                    try SegmentSQL.statement(
                        selecting: "count(*)", rule: rule, tenant: tenant, now: now, timeZone: timeZone,
                        resolve: { references[$0] }))
                return (try counted[0].decode(Int64.self, at: 0), [])
            }
            // One pass over the matches, counted and then sorted for the newest few. Kept apart on
            // purpose: asked for the count and the newest in one SELECT, the planner walks the
            // members newest first by index, as if LIMIT could stop early, and visits every row.
            let columns = MemberStore.columns.split(separator: ",")
                .map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
            var statement = try SegmentSQL.statement(
                selecting: columns, rule: rule, tenant: tenant, now: now, timeZone: timeZone,
                resolve: { references[$0] })
            statement.sql =
                "WITH matched AS MATERIALIZED (\(statement.sql)) SELECT *, (SELECT count(*) FROM matched) FROM matched"
                + " ORDER BY created_at DESC, member_id DESC LIMIT \(min(sampleSize, 100))"
            let rows = try await connection.query(statement)
            let count = try rows.first?.decode(Int64.self, at: rows[0].columnCount - 1) ?? 0
            return (count, try rows.map(Member.init(row:)))
        }
    }

    /// Every saved segment of the tenant as `member_of` sees it.
    static func references(tenant: TenantID, on connection: PostgresConnection) async throws -> [String: SegmentSQL
        .Reference]
    {
        var references: [String: SegmentSQL.Reference] = [:]
        for row in try await connection.query(
            "SELECT name, kind, segment_id, rule_json FROM segments WHERE tenant_id = \(tenant.rawValue)")
        {
            let name = try row.decode(String.self, at: 0)
            if try row.decode(String.self, at: 1) == "static" {
                references[name] = .frozen(try row.decode(UUID.self, at: 2))
            } else if let json = try row.decode(PostgresJSONB?.self, at: 3) {
                references[name] = .dynamic(try json.decode(SegmentRule.self))
            }
        }
        return references
    }

    static func timeZone(of tenant: TenantID, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query(
            "SELECT time_zone FROM tenants WHERE tenant_id = \(tenant.rawValue)")
        return try rows.first?.decode(String.self, at: 0) ?? "Asia/Shanghai"
    }
}

extension Segment {
    /// Reads a row selected with ``SegmentStore/columns``.
    init(row: PostgresRow) throws {
        let kindText = try row.decode(String.self, at: 3)
        guard let kind = Kind(rawValue: kindText) else {
            throw PostgresError(code: .decodingFailed, message: "unknown segment kind \"\(kindText)\"")
        }
        self.init(
            id: SegmentID(try row.decode(UUID.self, at: 0)),
            tenantID: TenantID(try row.decode(UUID.self, at: 1)),
            name: try row.decode(String.self, at: 2),
            kind: kind,
            ruleText: try row.decode(String?.self, at: 4),
            rule: try row.decode(PostgresJSONB?.self, at: 5).map { try $0.decode(SegmentRule.self) },
            createdAt: try row.decode(Date.self, at: 6),
            updatedAt: try row.decode(Date.self, at: 7),
            snapshotAt: try row.decode(Date?.self, at: 8),
            memberCount: try row.decode(Int64?.self, at: 9))
    }
}
