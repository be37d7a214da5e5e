import ArgumentParser
import Foundation

/// The operators' admin CLI.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Run Hearth: members, communities, campaigns and their numbers.",
        discussion: """
            Exit codes: 0 success, 1 the operation failed (the message says why), 2 the command line was wrong.
            """,
        subcommands: [
            DatabaseCommand.self, TenantsCommand.self, TokenCommand.self, HealthCommand.self, MembersCommand.self,
            SegmentsCommand.self, EventsCommand.self, CommunitiesCommand.self, CampaignsCommand.self, JobsCommand.self,
            ReportsCommand.self, DemoCommand.self,
        ]
    )

    /// Runs the command, with exit code 2 (not ArgumentParser's 64) for a wrong command line.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
