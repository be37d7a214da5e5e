import ArgumentParser
import Foundation
import HearthPostgres
import Logging

/// `hearth db …`: the schema.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate the database and show its schema version.",
        subcommands: [MigrateCommand.self, DatabaseStatusCommand.self]
    )
}

/// Where the admin commands connect: the owner URL when given, else the services' URL, else libpq's
/// `PG*` environment variables.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL of the schema owner. Default: $HEARTH_ADMIN_DATABASE_URL, then $HEARTH_DATABASE_URL.")
    var databaseURL: String?

    func connect() async throws -> PostgresConnection {
        let environment = ProcessInfo.processInfo.environment
        let url = [databaseURL, environment["HEARTH_ADMIN_DATABASE_URL"], environment["HEARTH_DATABASE_URL"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        var logger = Logger(label: "hearth.cli")
        logger.logLevel = .warning
        return try await PostgresConnection.connect(
            configuration: PostgresConfiguration(url: url, applicationName: "hearth-cli", statementTimeout: nil),
            logger: logger)
    }
}
