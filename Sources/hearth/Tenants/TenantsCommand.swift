import ArgumentParser
import Foundation
import HearthDomain
import HearthPostgres

/// `hearth tenants create|list`: the companies of this installation, managed directly in the
/// database as its owner (like `hearth db`), since tokens name a tenant that must exist first.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Create and list tenants (needs the database owner's URL).",
        subcommands: [CreateTenantCommand.self, ListTenantsCommand.self])
}

struct CreateTenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a tenant, or show it when the slug exists already.")

    @Option(help: "Short name operators type, e.g. acme.") var slug: String
    @Option(help: "Display name.") var name: String
    @Option(name: .customLong("time-zone"), help: "IANA time zone of the tenant's schedules.")
    var timeZone: String = "Asia/Shanghai"
    @Option(help: "Where national phone numbers without a country code are read: CN, HK, MO, TW or US.")
    var region: String = "CN"
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard PhoneRegion(code: region.uppercased()) != nil else {
            throw ValidationError(
                "--region \(region) is not one Hearth reads phones in: \(PhoneRegion.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        let region = self.region.uppercased()
        try await runReportingFailures {
            let connection = try await database.connect()
            let rows: PostgresRows
            do {
                // Runs as the owner: the tenants table is the one place a tenant is chosen by slug.
                rows = try await connection.query(
                    """
                    WITH inserted AS (
                        INSERT INTO tenants (tenant_id, slug, name, time_zone, default_region)
                        VALUES (\(UUID()), \(slug), \(name), \(timeZone), \(region))
                        ON CONFLICT (slug) DO NOTHING
                        RETURNING tenant_id, slug, name, time_zone, default_region, true AS created
                    )
                    SELECT * FROM inserted
                    UNION ALL
                    SELECT tenant_id, slug, name, time_zone, default_region, false FROM tenants
                    WHERE slug = \(slug) AND NOT EXISTS (SELECT 1 FROM inserted)
                    """)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            guard let row = rows.first else { throw PostgresError(code: .server, message: "no tenant returned") }
            try output.print(facts: [
                "tenant_id": TenantID(try row.decode(UUID.self, at: 0)).description,
                "slug": try row.decode(String.self, at: 1),
                "name": try row.decode(String.self, at: 2),
                "time_zone": try row.decode(String.self, at: 3),
                "region": try row.decode(String.self, at: 4),
                "created": try row.decode(Bool.self, at: 5) ? "yes" : "no (the slug existed)",
            ])
        }
    }
}

struct ListTenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tenants.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingFailures {
            let connection = try await database.connect()
            let rows: PostgresRows
            do {
                rows = try await connection.query(
                    "SELECT tenant_id, slug, name, time_zone, default_region FROM tenants ORDER BY slug")
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            try output.print(
                columns: ["tenant_id", "slug", "name", "time_zone", "region"],
                rows: try rows.map { row in
                    [
                        TenantID(try row.decode(UUID.self, at: 0)).description, try row.decode(String.self, at: 1),
                        try row.decode(String.self, at: 2), try row.decode(String.self, at: 3),
                        try row.decode(String.self, at: 4),
                    ]
                })
        }
    }
}
