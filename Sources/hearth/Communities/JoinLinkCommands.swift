import ArgumentParser
import HearthProtos
import SwiftProtobuf

/// `hearth communities link create|resolve`.
struct JoinLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Join links: route each newcomer to the first group of a family with room.",
        subcommands: [CreateJoinLinkCommand.self, ResolveJoinLinkCommand.self])
}

enum JoinLinkRows {
    static let columns = ["token", "family", "campaign", "source", "expires"]

    static func row(_ link: Hearth_Member_V1_JoinLink) -> [String] {
        [
            link.token, link.familyID, link.campaignID, EnumArgument.text(link.sourceChannel),
            link.hasExpiresAt ? MemberRows.timestamp(link.expiresAt.date) : "",
        ]
    }
}

struct CreateJoinLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a join link into a community's family (a group outside any family starts one).",
        discussion: "The token is shown once: put it in a URL or a QR code.")

    @Argument(help: "A community of the family.") var community: String
    @Option(help: "The campaign newcomers are attributed to.") var campaign: String?
    @Option(help: "qr_poster, phone_invite, official_account, weibo, offline_sales, referral, import or other.")
    var source: EnumArgument<Hearth_Common_V1_SourceChannel>?
    @Option(
        parsing: .unconditional, help: "When the link stops working: ISO 8601 or from now (2h, 30d); default never.")
    var expires: MomentArgument?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_CreateJoinLinkRequest()
        request.communityID = community
        request.campaignID = campaign ?? ""
        request.sourceChannel = source?.value ?? .unspecified
        if let expires { request.expiresAt = expires.timestamp }
        let options = service.callOptions
        let link = try await service.withClient { client in
            try await client.createJoinLink(request, options: options).link
        }
        try output.print(columns: JoinLinkRows.columns, rows: [JoinLinkRows.row(link)])
    }
}

struct ResolveJoinLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Route a newcomer through a join link: the first group with room; with --member, join them there.",
        discussion:
            "This is the link's real routing, not a preview: when every group of the family is full, the fullest is "
            + "replicated (group N+1, seeded with its core members) and the newcomer sent there.")

    @Argument(help: "The link's token.") var token: String
    @Option(help: "A member to join into the chosen group.") var member: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_ResolveJoinLinkRequest()
        request.token = token
        request.memberID = member ?? ""
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.resolveJoinLink(request, options: options)
        }
        let membership = response.hasMembership ? MembershipRows.row(response.membership) : []
        try output.print(
            columns: CommunityRows.columns + ["replicated"] + (membership.isEmpty ? [] : ["member", "status"]),
            rows: [
                CommunityRows.row(response.community) + [response.replicated ? "yes" : "no"]
                    + (membership.isEmpty ? [] : [membership[1], membership[3]])
            ])
    }
}

struct ReplicateCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate",
        abstract: "Create group N+1 of a community's family with the same settings and rules.",
        discussion: "Seeds (core members who carry the culture over) default to the owner, admins and core members.")

    @Argument(help: "The group to copy.") var community: String
    @Option(help: "The new group's name (default: the old name with the new number).") var name: String?
    @Option(name: .customLong("seed"), help: "An active member of the old group to seed; repeat for several.")
    var seeds: [String] = []
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_ReplicateCommunityRequest()
        request.communityID = community
        request.name = name ?? ""
        request.seedMemberIds = seeds
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.replicateCommunity(request, options: options)
        }
        try output.print(
            columns: CommunityRows.columns + ["seeded"],
            rows: [CommunityRows.row(response.community) + ["\(response.seededCount)"]])
    }
}
