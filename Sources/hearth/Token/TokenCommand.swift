import ArgumentParser

/// `hearth token …`: access tokens for operators and services.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue signed access tokens.",
        subcommands: [IssueTokenCommand.self]
    )
}
