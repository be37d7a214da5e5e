import ArgumentParser
import HearthPostgres
import HearthStore

/// `hearth db status`: the schema version and whether migrations are pending. Exits 1 when the
/// database is behind this build, so scripts can gate on it.
struct DatabaseStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the schema version and pending migrations.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var behind = false
        try await runReportingFailures {
            let connection = try await database.connect()
            let status = try await HearthMigrations.migrator().status(on: connection)
            await connection.close()
            try output.print(facts: [
                "schema_version": "\(status.currentVersion)",
                "latest_version": "\(status.latestVersion)",
                "pending": status.pending.isEmpty ? "none" : status.pending.map(String.init).joined(separator: " "),
                "unknown": status.unknown.isEmpty ? "none" : status.unknown.map(String.init).joined(separator: " "),
            ])
            behind = !status.isCurrent
        }
        if behind {
            printError("hearth: the database is behind this build; run `hearth db migrate`")
            throw ExitCode(1)
        }
    }
}
