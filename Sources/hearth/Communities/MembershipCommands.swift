import ArgumentParser
import HearthProtos

/// The community and member a membership command is about.
struct MembershipTarget: ParsableArguments {
    @Argument(help: "The community's id.") var community: String
    @Argument(help: "The member's id.") var member: String
}

struct JoinCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a member under the community's join policy (pending under approval).")

    @OptionGroup var target: MembershipTarget
    @Option(
        name: .customLong("pass-phrase"),
        help: "The community's pass phrase, if it has one; @FILE or - (standard input) keeps it out of shell history.")
    var passPhrase: String?
    @Option(name: .customLong("payment-order"), help: "Paid communities: the order that paid for the seat.")
    var paymentOrder: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_JoinCommunityRequest()
        request.communityID = target.community
        request.memberID = target.member
        request.passPhrase = try passPhrase.map(secretArgument) ?? ""
        request.paymentOrderID = paymentOrder ?? ""
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.joinCommunity(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct LeaveCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leave", abstract: "Record that a member left.")

    @OptionGroup var target: MembershipTarget
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_LeaveCommunityRequest()
        request.communityID = target.community
        request.memberID = target.member
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.leaveCommunity(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct ApproveJoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a pending join request (if a seat is free).")

    @OptionGroup var target: MembershipTarget
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_ApproveJoinRequest()
        request.communityID = target.community
        request.memberID = target.member
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.approveJoin(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct RejectJoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a pending join request.")

    @OptionGroup var target: MembershipTarget
    @Option(help: "Why, for the record.") var reason: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_RejectJoinRequest()
        request.communityID = target.community
        request.memberID = target.member
        request.reason = reason ?? ""
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.rejectJoin(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct InviteToCommunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite", abstract: "Add a member as invited, under any join policy.")

    @OptionGroup var target: MembershipTarget
    @Option(name: .customLong("invited-by"), help: "The member who brought them in (the referral tree).")
    var invitedBy: String?
    @Option(help: "owner, admin, core or regular (default).") var role: EnumArgument<Hearth_Member_V1_CommunityRole>?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_InviteMemberRequest()
        request.communityID = target.community
        request.memberID = target.member
        request.invitedByMemberID = invitedBy ?? ""
        request.role = role?.value ?? .regular
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.inviteMember(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct AssignCommunityRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Assign an active member's role (a new owner demotes the old one to admin).")

    @OptionGroup var target: MembershipTarget
    @Argument(help: "owner, admin, core or regular.") var role: EnumArgument<Hearth_Member_V1_CommunityRole>
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_AssignRoleRequest()
        request.communityID = target.community
        request.memberID = target.member
        request.role = role.value
        let options = service.callOptions
        let membership = try await service.withClient { client in
            try await client.assignRole(request, options: options).membership
        }
        try output.print(columns: MembershipRows.columns, rows: [MembershipRows.row(membership)])
    }
}

struct ListMembershipsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "List the memberships of a community or of a member.")

    @Option(help: "The community's id.") var community: String?
    @Option(help: "The member's id.") var member: String?
    @Option(name: .customLong("status"), help: "pending, active, left, removed or banned; repeat for several.")
    var statuses: [EnumArgument<Hearth_Member_V1_MembershipStatus>] = []
    @Option(name: .customLong("role"), help: "owner, admin, core or regular; repeat for several.")
    var roles: [EnumArgument<Hearth_Member_V1_CommunityRole>] = []
    @Option(help: "At most this many memberships (pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard community != nil || member != nil else { throw ValidationError("give --community, --member or both") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListMembershipsRequest()
        request.communityID = community ?? ""
        request.memberID = member ?? ""
        request.statuses = statuses.map(\.value)
        request.roles = roles.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let memberships = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listMemberships(request, options: options)
                return (response.memberships, response.page)
            }
        }
        try output.print(columns: MembershipRows.columns, rows: memberships.map(MembershipRows.row))
    }
}
