import ArgumentParser
import HearthProtos

struct ModerateMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderate",
        abstract: "Warn, mute, remove or ban a member, or lift a mute or ban; recorded with the reason.",
        discussion: "A banned member cannot rejoin until unbanned. A mute needs --until.")

    @OptionGroup var target: MembershipTarget
    @Argument(help: "warn, mute, remove, ban, unmute or unban.")
    var kind: EnumArgument<Hearth_Member_V1_ModerationActionKind>
    @Option(help: "Why: required, moderation is never silent.") var reason: String
    @Option(help: "Mutes: until when, ISO 8601 (2026-05-01T20:00:00+08:00) or from now (90m, 2h, 7d).")
    var until: MomentArgument?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if kind.value == .mute && until == nil { throw ValidationError("a mute needs --until") }
        if kind.value != .mute && until != nil { throw ValidationError("only a mute takes --until") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ModerateMemberRequest()
        request.communityID = target.community
        request.memberID = target.member
        request.kind = kind.value
        request.reason = reason
        if let until { request.mutedUntil = until.timestamp }
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.moderateMember(request, options: options)
        }
        try output.print(
            columns: ModerationRows.columns + ["status"],
            rows: [ModerationRows.row(response.action) + [EnumArgument.text(response.membership.status)]])
    }
}

struct ListModerationActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderation", abstract: "List the moderation of a community or of a member, newest first.")

    @Option(help: "The community's id.") var community: String?
    @Option(help: "The member's id.") var member: String?
    @Option(name: .customLong("kind"), help: "warn, mute, remove, ban, unmute or unban; repeat for several.")
    var kinds: [EnumArgument<Hearth_Member_V1_ModerationActionKind>] = []
    @Option(help: "At most this many steps (pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard community != nil || member != nil else { throw ValidationError("give --community, --member or both") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListModerationActionsRequest()
        request.communityID = community ?? ""
        request.memberID = member ?? ""
        request.kinds = kinds.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let actions = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listModerationActions(request, options: options)
                return (response.actions, response.page)
            }
        }
        try output.print(columns: ModerationRows.columns, rows: actions.map(ModerationRows.row))
    }
}
