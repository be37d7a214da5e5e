import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

@Suite("Schema migrations")
struct MigrationTests {
    @Test func migratingTwiceIsANoOp() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let migrator = try HearthMigrations.migrator()
            let first = try await migrator.migrate(on: connection)
            #expect(first == migrator.migrations.map(\.version))
            #expect(first.first == 1)
            let second = try await migrator.migrate(on: connection)
            #expect(second.isEmpty)
            let status = try await migrator.status(on: connection)
            #expect(status.isCurrent)
            #expect(status.currentVersion == migrator.migrations.last?.version)
            #expect(status.unknown.isEmpty)
            await connection.close()
        }
    }

    @Test func concurrentMigratorsApplyEachVersionOnce() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let migrator = try HearthMigrations.migrator()
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let connection = try await database.connect(owner: true)
                        let applied = try await migrator.migrate(on: connection)
                        await connection.close()
                        return applied
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            // Exactly one migrator did the work; the others found nothing pending.
            #expect(applied.filter { !$0.isEmpty }.count == 1)
            #expect(applied.flatMap { $0 }.sorted() == migrator.migrations.map(\.version))
            let connection = try await database.connect(owner: true)
            let rows = try await connection.query(
                "SELECT count(*), count(DISTINCT version) FROM hearth_schema_migrations")
            #expect(try rows[0].decode(Int.self, at: 0) == migrator.migrations.count)
            #expect(try rows[0].decode(Int.self, at: 1) == migrator.migrations.count)
            await connection.close()
        }
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let original = try HearthMigrations.all()
            try await PostgresMigrator(migrations: original).migrate(on: connection)
            var edited = original
            edited[0].sql += "\n-- a quiet edit\n"
            let error = await #expect(throws: PostgresError.self) {
                try await PostgresMigrator(migrations: edited).migrate(on: connection)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message.contains("changed after it was applied") == true)
            await connection.close()
        }
    }

    @Test func aFailingMigrationLeavesNoTraceAndNamesItself() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let migrations = [
                PostgresMigration(
                    version: 1, name: "good", sql: "CREATE TABLE good_table (tenant_id uuid PRIMARY KEY);"),
                PostgresMigration(version: 2, name: "bad", sql: "CREATE TABLE half_done (n int); SELECT 1/0;"),
            ]
            let error = await #expect(throws: PostgresError.self) {
                try await PostgresMigrator(migrations: migrations).migrate(on: connection)
            }
            #expect(error?.message.contains("migration 2 (bad) failed") == true)
            let tables = try await connection.query(
                "SELECT to_regclass('good_table') IS NOT NULL, to_regclass('half_done') IS NOT NULL")
            #expect(try tables[0].decode(Bool.self, at: 0))
            #expect(try tables[0].decode(Bool.self, at: 1) == false)
            let status = try await PostgresMigrator(migrations: migrations).status(on: connection)
            #expect(status.currentVersion == 1)
            #expect(status.pending == [2])
            await connection.close()
        }
    }

    @Test func migrationFileNamesAreChecked() throws {
        let migration = try PostgresMigration(fileName: "0007_campaign_outbox.sql", sql: "SELECT 1")
        #expect(migration.version == 7)
        #expect(migration.name == "campaign_outbox")
        #expect(throws: PostgresError.self) { try PostgresMigration(fileName: "campaigns.sql", sql: "") }
        #expect(throws: PostgresError.self) {
            try PostgresMigrator(migrations: [
                PostgresMigration(version: 3, name: "a", sql: ""), PostgresMigration(version: 3, name: "b", sql: ""),
            ])
        }
    }
}
