import ArgumentParser
import HearthPostgres
import HearthStore

/// `hearth db migrate`: applies pending migrations; safe to run from several processes at once.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (a no-op when the schema is current).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingFailures {
            let connection = try await database.connect()
            let migrator = try HearthMigrations.migrator()
            let applied = try await migrator.migrate(on: connection)
            let status = try await migrator.status(on: connection)
            await connection.close()
            try output.print(facts: [
                "schema_version": "\(status.currentVersion)",
                "applied": applied.isEmpty ? "none" : applied.map(String.init).joined(separator: " "),
            ])
        }
    }
}
