import Foundation
public import Logging

/// Applies numbered migrations in order, each in its own transaction, under an advisory lock.
///
/// The lock makes concurrent migrators safe: the second waits, then finds nothing left to do.
/// Applied versions and their checksums are recorded in `hearth_schema_migrations`; running the
/// migrator again is a no-op, and a migration edited after it was applied is refused.
public struct PostgresMigrator: Sendable {
    public let migrations: [PostgresMigration]
    let logger: Logger

    /// Key of the session advisory lock held while migrating ("HEARTH" in ASCII).
    static let lockKey: Int64 = 0x4845_4152_5448

    public init(migrations: [PostgresMigration], logger: Logger = Logger(label: "hearth.migrations"))
        throws(PostgresError)
    {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw PostgresError(
                code: .migrationFailed,
                message: "two migrations share version \(next.version): \(previous.name) and \(next.name)")
        }
        self.migrations = sorted
        self.logger = logger
    }

    /// What the database holds compared with the migrations this build knows.
    public struct Status: Sendable, Hashable {
        /// The highest applied version (0 for an empty database).
        public var currentVersion: Int
        /// The highest version this build knows.
        public var latestVersion: Int
        /// Versions this build knows but the database has not applied.
        public var pending: [Int]
        /// Versions the database has applied but this build does not know (a newer build migrated it).
        public var unknown: [Int]
        public var isCurrent: Bool { pending.isEmpty }
    }

    /// Applies every pending migration and returns the versions it applied, in order.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
        do {
            let applied = try await applyPending(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            throw error
        }
    }

    /// Reads the applied versions without changing anything.
    public func status(on connection: PostgresConnection) async throws -> Status {
        let exists = try await connection.query("SELECT to_regclass('hearth_schema_migrations') IS NOT NULL")
        let applied = try exists[0].decode(Bool.self, at: 0) ? try await appliedChecksums(on: connection) : [:]
        return makeStatus(applied: applied)
    }

    private func makeStatus(applied: [Int: String]) -> Status {
        let known = Set(migrations.map(\.version))
        return Status(
            currentVersion: applied.keys.max() ?? 0,
            latestVersion: migrations.last?.version ?? 0,
            pending: migrations.map(\.version).filter { applied[$0] == nil },
            unknown: applied.keys.filter { !known.contains($0) }.sorted())
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS hearth_schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            COMMENT ON TABLE hearth_schema_migrations IS
                'Schema versions applied by the migrator; the one table without tenant_id: it describes the database, not a tenant.';
            """)
        let applied = try await appliedChecksums(on: connection)
        for migration in migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw PostgresError(
                    code: .migrationFailed,
                    message: "migration \(migration.version) (\(migration.name)) was changed after it was applied",
                    hint: "Never edit an applied migration; add a new numbered one instead.")
            }
        }
        let status = makeStatus(applied: applied)
        if !status.unknown.isEmpty {
            logger.warning(
                "the database has migrations this build does not know; it was migrated by a newer version",
                metadata: ["versions": "\(status.unknown)"])
        }
        var done: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            logger.info(
                "applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            do {
                try await connection.withTransaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.query(
                        """
                        INSERT INTO hearth_schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                }
            } catch var error as PostgresError {
                error.message = "migration \(migration.version) (\(migration.name)) failed: \(error.message)"
                throw error
            }
            done.append(migration.version)
        }
        return done
    }

    private func appliedChecksums(on connection: PostgresConnection) async throws -> [Int: String] {
        let rows = try await connection.query("SELECT version, checksum FROM hearth_schema_migrations")
        var applied: [Int: String] = [:]
        for row in rows { applied[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1) }
        return applied
    }
}
