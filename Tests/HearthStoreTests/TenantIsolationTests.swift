import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

@Suite("Row-level security keeps tenants apart")
struct TenantIsolationTests {
    @Test func aTenantSeesAndWritesOnlyItsOwnRows() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let tenants = TenantStore(pool: pool)
            let a = try await tenants.create(slug: "acme", name: "Acme Pharmacies")
            let b = try await tenants.create(slug: "blue", name: "Blue Clinics")
            let members = MemberStore(pool: pool)
            let alice = Member(tenantID: a, displayName: "Alice", phone: "+8613800000001")
            let bob = Member(tenantID: b, displayName: "Bob", phone: "+8613800000001")  // same phone, other tenant
            try await members.insert(alice)
            try await members.insert(bob)

            #expect(try await members.member(alice.id, tenant: a)?.displayName == "Alice")
            #expect(try await members.member(bob.id, tenant: a) == nil)
            #expect(try await members.list(tenant: a).map(\.id) == [alice.id])

            // Even a query that names the other tenant's id sees nothing.
            let peek = try await pool.withTenant(a) { connection in
                try await connection.query("SELECT count(*) FROM members WHERE tenant_id = \(b.rawValue)")
            }
            #expect(try peek[0].decode(Int.self, at: 0) == 0)

            // Writing a row for tenant B while scoped to A is refused.
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withTenant(a) { connection in
                    try await connection.query(
                        "INSERT INTO members (tenant_id, member_id, display_name) VALUES (\(b.rawValue), \(UUID()), 'intruder')"
                    )
                }
            }
            #expect(error?.code == .insufficientPrivilege)
            #expect(error?.message.contains("row-level security") == true)

            // Updating or deleting B's rows from A touches nothing.
            let touched = try await pool.withTenant(a) { connection in
                try await connection.query(
                    "UPDATE members SET display_name = 'hacked' WHERE member_id = \(bob.id.rawValue)")
            }
            #expect(touched.affectedRows == 0)
            #expect(try await members.member(bob.id, tenant: b)?.displayName == "Bob")

            // Without a tenant nothing is visible at all.
            let unscoped = try await pool.query("SELECT count(*) FROM members")
            #expect(try unscoped[0].decode(Int.self, at: 0) == 0)
            await pool.close()
        }
    }

    @Test func theServicesRoleCannotBypassOrAlterTheSchema() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect()
            let role = try await connection.query(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            #expect(try role[0].decode(Bool.self, at: 0) == false)
            #expect(try role[0].decode(Bool.self, at: 1) == false)
            let owned = try await connection.query(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
            #expect(try owned[0].decode(Int.self, at: 0) == 0)
            for statement in [
                "ALTER TABLE members DISABLE ROW LEVEL SECURITY", "ALTER TABLE members NO FORCE ROW LEVEL SECURITY",
                "DROP POLICY tenant_isolation ON members", "DROP TABLE members", "TRUNCATE members",
                "SELECT hearth_isolate_by_tenant('members')", "DELETE FROM hearth_schema_migrations",
            ] {
                let error = await #expect(throws: PostgresError.self) { try await connection.executeScript(statement) }
                #expect(error?.code == .insufficientPrivilege, "\(statement)")
            }
            // It may read the schema version (readiness checks) but not change it.
            let versions = try await connection.query("SELECT count(*) FROM hearth_schema_migrations")
            #expect(try versions[0].decode(Int.self, at: 0) > 0)
            await connection.close()
        }
    }

    @Test func everyTableIsRowLevelSecured() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            let rows = try await connection.query(
                """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND c.relname <> 'hearth_schema_migrations'
                  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
                """)
            #expect(try rows.map { try $0.decode(String.self, at: 0) } == [])
            await connection.close()
        }
    }

    @Test func everyKeyLeadsWithTenantID() async throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/tenant_key_rule", withExtension: "sql"))
        let query = try String(contentsOf: fixture, encoding: .utf8)
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            let rows = try await connection.query(PostgresQuery(query))
            let offenders = try rows.map { row in
                try (0..<row.columnCount).map { try row.decode(String?.self, at: $0) ?? "" }.joined(separator: " ")
            }
            #expect(offenders == [])
            await connection.close()
        }
    }
}
