import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

/// The rule that lets the schema grow onto Citus (distributed by tenant_id, see docker/README.md):
/// every table carries tenant_id, its primary key and every foreign key lead with it, and every
/// unique constraint or index includes it.
@Suite("Schema: every table is keyed by tenant")
struct TenantKeyTests {
    /// Tables outside the rule: the migration ledger is local bookkeeping of each server.
    static let exempt: Set<String> = ["hearth_schema_migrations"]
    /// Reference tables (copied whole to every node): they may have unique keys without tenant_id
    /// (a tenant's slug is unique across the installation).
    static let referenceTables: Set<String> = ["tenants"]

    @Test func everyKeyLeadsWithTenantID() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            var violations: [String] = []

            let tables = try await connection.query(
                """
                SELECT t.relname, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id'
                                                                          AND NOT a.attisdropped)
                FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND NOT t.relispartition
                ORDER BY 1
                """)
            #expect(tables.count > 20)
            for row in tables {
                let table = try row.decode(String.self, at: 0)
                if !Self.exempt.contains(table), !(try row.decode(Bool.self, at: 1)) {
                    violations.append("\(table) has no tenant_id column")
                }
            }

            for row in try await connection.query(
                """
                SELECT t.relname, c.conname, c.contype::text, a.attname, fa.attname,
                       EXISTS (SELECT 1 FROM unnest(c.conkey) k JOIN pg_attribute x ON x.attrelid = c.conrelid AND x.attnum = k
                               WHERE x.attname = 'tenant_id')
                FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                LEFT JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
                WHERE n.nspname = 'public' AND c.contype IN ('p', 'f', 'u') AND NOT t.relispartition
                ORDER BY 1, 2
                """)
            {
                let table = try row.decode(String.self, at: 0)
                guard !Self.exempt.contains(table) else { continue }
                let name = try row.decode(String.self, at: 1)
                let kind = try row.decode(String.self, at: 2)
                let first = try row.decode(String.self, at: 3)
                let referencedFirst = try row.decode(String?.self, at: 4)
                let includesTenant = try row.decode(Bool.self, at: 5)
                switch kind {
                case "p" where first != "tenant_id":
                    violations.append("\(table): primary key \(name) leads with \(first)")
                case "f" where first != "tenant_id" || referencedFirst != "tenant_id":
                    violations.append("\(table): foreign key \(name) leads with \(first) → \(referencedFirst ?? "?")")
                case "u" where !includesTenant && !Self.referenceTables.contains(table):
                    violations.append("\(table): unique constraint \(name) leaves tenant_id out")
                default: break
                }
            }

            for row in try await connection.query(
                """
                SELECT t.relname, i.relname
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition
                  AND NOT EXISTS (SELECT 1 FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k
                                  WHERE a.attname = 'tenant_id')
                ORDER BY 1, 2
                """)
            {
                let table = try row.decode(String.self, at: 0)
                guard !Self.exempt.contains(table), !Self.referenceTables.contains(table) else { continue }
                violations.append("\(table): unique index \(try row.decode(String.self, at: 1)) leaves tenant_id out")
            }
            await connection.close()
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
        }
    }
}
