import Foundation
public import HearthPostgres
import HearthStore
import Logging

/// A fresh, migrated database for one test, cloned from a template so each test starts clean and
/// tests can run in parallel without seeing each other's rows.
public struct TestDatabase: Sendable {
    public let name: String
    /// Schema owner (migrations, fixtures that bypass tenant scoping).
    public let ownerURL: String
    /// The services' role: not an owner, subject to row-level security.
    public let appURL: String

    /// Creates a database, runs `body`, and drops the database again whatever happens.
    public static func with<T>(
        migrated: Bool = true,
        _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let database = try await create(migrated: migrated)
        do {
            let value = try await body(database)
            try await database.drop()
            return value
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// Creates a database from the migrated template (or an empty one).
    public static func create(migrated: Bool = true) async throws -> TestDatabase {
        let name = "hearth_test_\(UUID().uuidString.prefix(8).lowercased())_\(Int.random(in: 0..<1_000_000))"
        let template = migrated ? try await TemplateDatabase.shared.name() : "template0"
        try await withSuperuser { connection in
            try await connection.executeScript("CREATE DATABASE \(name) TEMPLATE \(template) OWNER hearth")
        }
        return TestDatabase(
            name: name,
            ownerURL: try TestCluster.url(role: .owner, database: name),
            appURL: try TestCluster.url(role: .app, database: name))
    }

    /// Drops the database, disconnecting anyone still on it.
    public func drop() async throws {
        try await Self.withSuperuser { connection in
            try await connection.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// A pool for the given role; small, with a short lease timeout so a leak shows quickly.
    public func pool(
        owner: Bool = false, maximumConnections: Int = 4, leaseTimeout: Duration = .seconds(10)
    ) -> PostgresPool {
        PostgresPool(
            configuration: PostgresPoolConfiguration(
                connection: Self.configuration(url: owner ? ownerURL : appURL),
                minimumConnections: 0,
                maximumConnections: maximumConnections,
                leaseTimeout: leaseTimeout),
            logger: Logger(label: "hearth.tests"))
    }

    /// Test connections allow a statement five minutes, not the services' 30 s: with every suite
    /// running at once on two cores, a migration or a bulk load can be that slow without being wrong.
    static func configuration(url: String) -> PostgresConfiguration {
        PostgresConfiguration(url: url, applicationName: "hearth-tests", statementTimeout: .seconds(300))
    }

    /// One connection for the given role.
    public func connect(owner: Bool = false) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: Self.configuration(url: owner ? ownerURL : appURL))
    }

    static func withSuperuser<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: configuration(url: try TestCluster.url(role: .superuser, database: "postgres")))
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// The migrated template, built once per schema version: its name carries a fingerprint of every
/// migration, so an edited or added migration gets a new template.
actor TemplateDatabase {
    static let shared = TemplateDatabase()
    private var built: String?

    func name() async throws -> String {
        if let built { return built }
        let migrations = try HearthMigrations.all()
        let fingerprint = PostgresMigration(
            version: 1, name: "all", sql: migrations.map(\.checksum).joined()
        ).checksum
        let name = "hearth_tpl_\(fingerprint)"
        try await TestDatabase.withSuperuser { connection in
            // Serialise template creation across test processes; closing the connection unlocks.
            try await connection.query("SELECT pg_advisory_lock(7212)")
            let exists = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
            if exists.isEmpty {
                try await connection.executeScript("CREATE DATABASE \(name) OWNER hearth")
                let owner = try await PostgresConnection.connect(
                    configuration: TestDatabase.configuration(url: try TestCluster.url(role: .owner, database: name)))
                do {
                    try await PostgresMigrator(migrations: migrations).migrate(on: owner)
                    await owner.close()
                } catch {
                    await owner.close()
                    try? await connection.executeScript("DROP DATABASE IF EXISTS \(name)")
                    throw error
                }
            }
        }
        built = name
        return name
    }
}
