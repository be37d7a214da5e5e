import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth members …`: the tenant's members, through member-service.
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "Create, find and list members.",
        subcommands: [
            CreateMemberCommand.self, GetMemberCommand.self, UpdateMemberCommand.self, ListMembersCommand.self,
            DeleteMemberCommand.self,
            RestoreMemberCommand.self, TagMembersCommand.self, UntagMembersCommand.self, ImportMembersCommand.self,
            LookupMemberCommand.self, IdentityCommand.self, ConsentCommand.self, DuplicatesCommand.self,
            MergeMembersCommand.self, EraseMemberCommand.self,
        ])
}

/// How members print: one row each, the same columns in every command.
enum MemberRows {
    static let columns = ["id", "name", "phone", "province", "city", "stage", "vip", "tags", "created", "deleted"]

    static func row(_ member: Hearth_Member_V1_Member) -> [String] {
        let profile = member.profile
        let stage = "\(profile.lifecycleStage)"
        return [
            member.memberID, profile.displayName, profile.phone, profile.region.province, profile.region.city,
            stage == "unspecified" ? "" : stage, "\(profile.vipTier)", profile.tags.joined(separator: ";"),
            member.hasCreatedAt ? timestamp(member.createdAt.date) : "",
            member.hasDeletedAt ? timestamp(member.deletedAt.date) : "",
        ]
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }
}

struct CreateMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a member.")

    @Option(help: "Display name.") var name: String
    @Option(help: "Phone, in any usual form (+86 138 0013 8000, 13800138000, 0086…).") var phone: String?
    @Option(help: "Email address.") var email: String?
    @Option(help: "Province, e.g. Sichuan.") var province: String?
    @Option(help: "City, e.g. Chengdu.") var city: String?
    @Option(name: .customLong("org-kind"), help: "Organisation kind, e.g. pharmacy, clinic.") var orgKind: String?
    @Option(name: .customLong("tag"), help: "A tag; repeat for several.") var tags: [String] = []
    @Option(name: .customLong("interest"), help: "An interest; repeat for several.") var interests: [String] = []
    @Option(help: "qr_poster, phone_invite, official_account, weibo, offline_sales, referral, import or other.")
    var source: EnumArgument<Hearth_Common_V1_SourceChannel>?
    @Option(help: "audience (the default), user, fan, community or lapsed.")
    var stage: EnumArgument<Hearth_Common_V1_LifecycleStage>?
    @Option(name: .customLong("vip-tier"), parsing: .unconditional, help: "VIP tier, 0 to 9.") var vipTier: Int = 0
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...9).contains(vipTier) else { throw ValidationError("--vip-tier must be 0 to 9") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_CreateMemberRequest()
        request.profile.displayName = name
        request.profile.phone = phone ?? ""
        request.profile.email = email ?? ""
        request.profile.region.province = province ?? ""
        request.profile.region.city = city ?? ""
        request.profile.orgKind = orgKind ?? ""
        request.profile.tags = tags
        request.profile.interests = interests
        if let source { request.profile.sourceChannel = source.value }
        if let stage { request.profile.lifecycleStage = stage.value }
        request.profile.vipTier = Int32(vipTier)
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.createMember(request, options: options).member
        }
        try output.print(columns: MemberRows.columns, rows: [MemberRows.row(member)])
    }
}

struct GetMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one member in full: profile, spend and activity, scores, handles, consents, state.")

    @Argument(help: "The member's id.") var id: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_GetMemberRequest()
        request.memberID = id
        request.view = .full
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.getMember(request, options: options).member
        }
        try output.print(facts: MemberFacts.facts(member))
    }
}

struct ListMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List members, newest first or in another --order.")

    @Option(help: "Name substring, or an exact phone (as typed anywhere), email, WeChat, QQ or DingTalk id.")
    var query: String?
    @Option(name: .customLong("tag"), help: "Only members with this tag; repeat to require several.")
    var tags: [String] = []
    @OptionGroup(title: "Filters") var filters: MemberFilterOptions
    @Flag(name: .customLong("include-deleted"), help: "Also list soft-deleted members.") var includeDeleted = false
    @Option(help: "The order: newest, last-active, spend, engagement or name.") var order: Order = .newest
    @Option(help: "At most this many members (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    enum Order: String, ExpressibleByArgument, CaseIterable {
        case newest
        case lastActive = "last-active"
        case spend, engagement, name

        var message: Hearth_Member_V1_MemberOrder {
            switch self {
            case .newest: .createdAtDesc
            case .lastActive: .lastActiveAtDesc
            case .spend: .totalSpendDesc
            case .engagement: .engagementScoreDesc
            case .name: .displayNameAsc
            }
        }
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListMembersRequest()
        request.filter = filters.apply(to: request.filter)
        request.filter.query = query ?? ""
        request.filter.tagsAll = tags
        request.filter.includeDeleted = includeDeleted
        request.orderBy = order.message
        let (options, limit) = (service.callOptions, self.limit)
        let members = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listMembers(request, options: options)
                return (response.members, response.page)
            }
        }
        try output.print(columns: MemberRows.columns, rows: members.map(MemberRows.row))
    }
}

struct DeleteMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Soft-delete a member (left out of lists, segments and sends; restorable).")

    @Argument(help: "The member's id.") var id: String
    @Option(help: "Why, for the record.") var reason: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_DeleteMemberRequest()
        request.memberID = id
        request.reason = reason ?? ""
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.deleteMember(request, options: options).member
        }
        try output.print(columns: MemberRows.columns, rows: [MemberRows.row(member)])
    }
}

struct RestoreMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Undo a soft delete.")

    @Argument(help: "The member's id.") var id: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_RestoreMemberRequest()
        request.memberID = id
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.restoreMember(request, options: options).member
        }
        try output.print(columns: MemberRows.columns, rows: [MemberRows.row(member)])
    }
}
