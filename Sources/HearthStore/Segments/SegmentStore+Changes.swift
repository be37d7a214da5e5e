import Foundation
public import HearthDomain
import HearthPostgres

extension SegmentStore {
    /// Renames a segment and/or replaces a dynamic segment's rule. A rename that would break
    /// another segment's `member_of`, a rule that leads back to the segment, or a taken name is
    /// refused; returns `nil` when the tenant has no such segment.
    public func update(
        _ id: SegmentID, name newName: String?, rule newRule: (text: String, rule: SegmentRule)?, tenant: TenantID
    ) async throws -> Segment? {
        try await pool.withTenant(tenant) { connection in
            guard
                let current = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM segments
                    WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue) FOR UPDATE
                    """
                ).first.map(Segment.init(row:))
            else { return nil }
            let name = newName?.trimmingCharacters(in: .whitespacesAndNewlines) ?? current.name
            try Segment.validate(name: name)
            if newRule != nil, current.kind == .static {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "\"\(current.name)\" is a static segment (a frozen list); it has no rule to change")
            }
            if name != current.name {
                let taken = try await connection.query(
                    "SELECT 1 FROM segments WHERE tenant_id = \(tenant.rawValue) AND name = \(name)")
                guard taken.isEmpty else {
                    throw DomainError(code: .alreadyExists, message: "a segment named \"\(name)\" exists already")
                }
            }
            // Every segment must still compile with the new name and rule in place: nothing may
            // name the old name any more, and nothing may lead back to itself.
            var references = try await Self.references(tenant: tenant, on: connection)
            references[current.name] = nil
            references[name] =
                newRule.map { .dynamic($0.rule) } ?? current.rule.map { .dynamic($0) } ?? .frozen(id.rawValue)
            for (other, reference) in references {
                guard case .dynamic(let rule) = reference else { continue }
                do {
                    _ = try SegmentSQL.statement(
                        selecting: "1", rule: rule, tenant: tenant, timeZone: "UTC", resolve: { references[$0] })
                } catch  where other != name {
                    let reason = (error as? DomainError)?.message ?? (error as? SegmentRuleError)?.message ?? "\(error)"
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "segment \"\(other)\" would break: \(reason); change it first")
                }
            }
            let rows = try await connection.query(
                """
                UPDATE segments SET name = \(name),
                    rule_text = coalesce(\(newRule?.text), rule_text),
                    rule_json = coalesce(\(try newRule.map { try PostgresJSONB(encoding: $0.rule) }), rule_json)
                WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            return try rows.first.map(Segment.init(row:))
        }
    }

    /// Deletes a segment; refused while a campaign targets it or another segment names it.
    /// Returns `false` when the tenant has no such segment.
    public func delete(_ id: SegmentID, tenant: TenantID) async throws -> Bool {
        try await pool.withTenant(tenant) { connection in
            guard
                let segment = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM segments
                    WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue) FOR UPDATE
                    """
                ).first.map(Segment.init(row:))
            else { return false }
            let campaigns = try await connection.query(
                """
                SELECT name FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)
                ORDER BY name LIMIT 3
                """
            ).map { try $0.decode(String.self, at: 0) }
            if !campaigns.isEmpty {
                throw DomainError(
                    code: .failedPrecondition,
                    message:
                        "campaigns target \"\(segment.name)\": \(campaigns.joined(separator: ", ")); change their audience first"
                )
            }
            var references = try await Self.references(tenant: tenant, on: connection)
            references[segment.name] = nil
            let users = references.compactMap { other, reference -> String? in
                guard case .dynamic(let rule) = reference else { return nil }
                let compiles =
                    (try? SegmentSQL.statement(
                        selecting: "1", rule: rule, tenant: tenant, timeZone: "UTC", resolve: { references[$0] }))
                    != nil
                return compiles ? nil : other
            }.sorted()
            if !users.isEmpty {
                throw DomainError(
                    code: .failedPrecondition,
                    message:
                        "segments use member_of(\"\(segment.name)\"): \(users.joined(separator: ", ")); change them first"
                )
            }
            try await connection.query(
                "DELETE FROM segments WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)")
            return true
        }
    }

    /// Freezes the current members of `source` into a new static segment named `name`, in one
    /// statement, so a campaign's audience no longer drifts. Returns `nil` when there is no such source.
    public func snapshot(_ source: SegmentID, as name: String, tenant: TenantID) async throws -> Segment? {
        try Segment.validate(name: name)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            // Freezing a million members is one long statement.
            try await connection.query("SET LOCAL statement_timeout = '10min'")
            try await connection.query("SET LOCAL jit = off")
            try await connection.query("SET LOCAL work_mem = '64MB'")
            guard
                let origin = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM segments
                    WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(source.rawValue)
                    """
                ).first.map(Segment.init(row:))
            else { return nil }
            let taken = try await connection.query(
                "SELECT 1 FROM segments WHERE tenant_id = \(tenant.rawValue) AND name = \(name)")
            guard taken.isEmpty else {
                throw DomainError(code: .alreadyExists, message: "a segment named \"\(name)\" exists already")
            }
            let created = try await connection.query(
                """
                INSERT INTO segments (tenant_id, name, kind, rule_text, rule_json, snapshot_at)
                VALUES (\(tenant.rawValue), \(name), 'static', \(origin.ruleText),
                        \(try origin.rule.map { try PostgresJSONB(encoding: $0) }), now())
                RETURNING segment_id
                """)
            let id = try created[0].decode(UUID.self, at: 0)
            let references = try await Self.references(tenant: tenant, on: connection)
            let timeZone = try await Self.timeZone(of: tenant, on: connection)
            var insert = try SegmentSQL.statement(
                selecting: "m.member_id", rule: .memberOf(segment: origin.name), tenant: tenant, timeZone: timeZone,
                resolve: { references[$0] })
            let tenantParameter = insert.bind(tenant.rawValue)
            let segmentParameter = insert.bind(id)
            insert.sql =
                "INSERT INTO segment_members (tenant_id, segment_id, member_id) SELECT \(tenantParameter), "
                + "\(segmentParameter), member_id FROM (\(insert.sql)) AS frozen"
            try await connection.query(insert)
            return try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM segments
                WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id)
                """
            ).first.map(Segment.init(row:))
        }
    }
}
