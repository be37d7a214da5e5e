import ArgumentParser
import HearthProtos
import SwiftProtobuf

/// The settings options `create` and `update` share. Text options take `@PATH` to read a file.
struct CommunitySettingsOptions: ParsableArguments {
    @Option(help: "Name, 1 to 200 characters.") var name: String?
    @Option(help: "wechat, qq, dingtalk, yy or other.") var platform: EnumArgument<Hearth_Common_V1_Platform>?
    @Option(parsing: .unconditional, help: "Seats; 0 means the platform's usual limit (WeChat 500, QQ 2000, …).")
    var capacity: Int?
    @Option(name: .customLong("join-policy"), help: "open, approval, invite_only or paid.")
    var joinPolicy: EnumArgument<Hearth_Member_V1_JoinPolicy>?
    @Option(
        name: .customLong("pass-phrase"),
        help:
            "The phrase newcomers must give (stored hashed); @FILE or - (standard input) keeps it out of shell history."
    )
    var passPhrase: String?
    @Option(help: "ring (peers, loose rules) or pyramid (admins, clear rules).")
    var structure: EnumArgument<Hearth_Member_V1_CommunityStructure>?
    @Option(help: "inner (a core group) or outer (a public group).")
    var visibility: EnumArgument<Hearth_Member_V1_CommunityVisibility>?
    @Option(help: "Why members stay: the group's tone.") var purpose: String?
    @Option(help: "The group's rules, or @FILE.") var rules: String?
    @Option(help: "The pinned announcement, or @FILE.") var announcement: String?

    func validate() throws {
        if let capacity, capacity < 0 { throw ValidationError("--capacity cannot be negative") }
    }

    /// The settings message, and the mask paths of the options given.
    func settings() throws -> (Hearth_Member_V1_CommunitySettings, [String]) {
        var message = Hearth_Member_V1_CommunitySettings()
        var paths: [String] = []
        if let name {
            message.name = name
            paths.append("name")
        }
        if let platform {
            message.platform = platform.value
            paths.append("platform")
        }
        if let capacity {
            message.capacity = Int32(clamping: capacity)
            paths.append("capacity")
        }
        if let joinPolicy {
            message.joinPolicy = joinPolicy.value
            paths.append("join_policy")
        }
        if let passPhrase {
            message.passPhrase = try secretArgument(passPhrase)
            paths.append("pass_phrase")
        }
        if let structure {
            message.structure = structure.value
            paths.append("structure")
        }
        if let visibility {
            message.visibility = visibility.value
            paths.append("visibility")
        }
        if let purpose {
            message.purpose = try textArgument(purpose)
            paths.append("purpose")
        }
        if let rules {
            message.rules = try textArgument(rules)
            paths.append("rules")
        }
        if let announcement {
            message.announcement = try textArgument(announcement)
            paths.append("announcement")
        }
        return (message, paths)
    }
}

struct CreateCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a community (defaults: approval to join, pyramid, outer).")

    @OptionGroup var settings: CommunitySettingsOptions
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard settings.name != nil else { throw ValidationError("--name is required") }
        guard settings.platform != nil else { throw ValidationError("--platform is required") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_CreateCommunityRequest()
        request.settings = try settings.settings().0
        let options = service.callOptions
        let community = try await service.withClient { client in
            try await client.createCommunity(request, options: options).community
        }
        try output.print(columns: CommunityRows.columns, rows: [CommunityRows.row(community)])
    }
}

struct GetCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one community with its purpose, rules and announcement.")

    @Argument(help: "The community's id.") var id: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_GetCommunityRequest()
        request.communityID = id
        let options = service.callOptions
        let community = try await service.withClient { client in
            try await client.getCommunity(request, options: options).community
        }
        let settings = community.settings
        // One community: a field per line, since rules and announcements run long.
        let columns = CommunityRows.columns + ["purpose", "rules", "announcement"]
        let values = CommunityRows.row(community) + [settings.purpose, settings.rules, settings.announcement]
        try output.print(facts: zip(columns, values).map { (key: $0, value: $1) })
    }
}

struct UpdateCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change the settings given; the others stay as they are.")

    @Argument(help: "The community's id.") var id: String
    @OptionGroup var settings: CommunitySettingsOptions
    @Flag(name: .customLong("drop-pass-phrase"), help: "No longer require a pass phrase.")
    var dropPassPhrase = false
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if dropPassPhrase && settings.passPhrase != nil {
            throw ValidationError("give --pass-phrase or --drop-pass-phrase, not both")
        }
    }

    func run() async throws {
        let (message, given) = try settings.settings()
        var paths = given
        if dropPassPhrase { paths.append("pass_phrase") }
        guard !paths.isEmpty else { throw ValidationError("name at least one setting to change") }
        var request = Hearth_Member_V1_UpdateCommunityRequest()
        request.communityID = id
        request.settings = message
        request.updateMask.paths = paths
        let options = service.callOptions
        let community = try await service.withClient { client in
            try await client.updateCommunity(request, options: options).community
        }
        try output.print(columns: CommunityRows.columns, rows: [CommunityRows.row(community)])
    }
}

struct ArchiveCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Archive a community: no joins, no sends; history kept.")

    @Argument(help: "The community's id.") var id: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_ArchiveCommunityRequest()
        request.communityID = id
        let options = service.callOptions
        let community = try await service.withClient { client in
            try await client.archiveCommunity(request, options: options).community
        }
        try output.print(columns: CommunityRows.columns, rows: [CommunityRows.row(community)])
    }
}

struct ListCommunitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List communities, oldest first (a family reads 1, 2, 3).")

    @Option(name: .customLong("platform"), help: "Only this platform; repeat for several.")
    var platforms: [EnumArgument<Hearth_Common_V1_Platform>] = []
    @Option(help: "Only the groups of this family.") var family: String?
    @Option(help: "Name substring.") var query: String?
    @Flag(name: .customLong("include-archived"), help: "Also list archived communities.") var includeArchived = false
    @Option(help: "At most this many communities (pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListCommunitiesRequest()
        request.platforms = platforms.map(\.value)
        request.familyID = family ?? ""
        request.query = query ?? ""
        request.includeArchived = includeArchived
        let (options, limit) = (service.callOptions, self.limit)
        let communities = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listCommunities(request, options: options)
                return (response.communities, response.page)
            }
        }
        try output.print(columns: CommunityRows.columns, rows: communities.map(CommunityRows.row))
    }
}
