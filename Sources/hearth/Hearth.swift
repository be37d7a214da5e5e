import ArgumentParser

/// The operators' admin CLI.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Run Hearth: members, communities, campaigns and their numbers.",
        discussion: """
            Exit codes: 0 success, 1 the operation failed (the message says why), 2 the command line was wrong.
            """,
        subcommands: [DatabaseCommand.self, TokenCommand.self]
    )
}
