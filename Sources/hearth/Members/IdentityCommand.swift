import ArgumentParser
import HearthProtos

/// `hearth members identity add|remove`: the handles a member is known by.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Give a member a further handle, or take one away.",
        subcommands: [AddIdentityCommand.self, RemoveIdentityCommand.self])
}

struct AddIdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Give a member a handle (refused when another member holds it: merge them instead).")

    @Argument(help: "The member's id.") var id: String
    @OptionGroup var identity: IdentityOptions
    @Flag(help: "The member confirmed the handle (a code, a login).") var verified = false
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_AddIdentityRequest()
        request.memberID = id
        request.identity = identity.ref
        request.verified = verified
        let options = service.callOptions
        let added = try await service.withClient { client in
            try await client.addIdentity(request, options: options).identity
        }
        try output.print(columns: IdentityRows.columns, rows: [IdentityRows.row(added)])
    }
}

struct RemoveIdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take a handle away from a member (not the primary phone: change the profile instead).")

    @Argument(help: "The member's id.") var id: String
    @OptionGroup var identity: IdentityOptions
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_RemoveIdentityRequest()
        request.memberID = id
        request.identity = identity.ref
        let options = service.callOptions
        _ = try await service.withClient { client in
            try await client.removeIdentity(request, options: options)
        }
        try output.print(facts: [
            "member": id, "removed": IdentityRows.handle(request.identity.kind, request.identity.value),
        ])
    }
}
