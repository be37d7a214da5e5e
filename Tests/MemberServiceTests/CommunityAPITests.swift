import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

/// Calls the community tests make again and again, over the real transport.
enum CommunityCalls {
    static func community(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, name: String, capacity: Int32 = 0,
        policy: Hearth_Member_V1_JoinPolicy = .open, platform: Hearth_Common_V1_Platform = .wechat,
        passPhrase: String = "", rules: String = ""
    ) async throws -> Hearth_Member_V1_Community {
        var request = Hearth_Member_V1_CreateCommunityRequest()
        request.settings.name = name
        request.settings.platform = platform
        request.settings.capacity = capacity
        request.settings.joinPolicy = policy
        request.settings.passPhrase = passPhrase
        request.settings.rules = rules
        return try await client.createCommunity(request).community
    }

    static func member(_ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, _ name: String)
        async throws -> String
    {
        try await client.createMember(createRequest(name: name)).member.memberID
    }

    static func join(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, _ community: String, _ member: String,
        passPhrase: String = "", paymentOrder: String = ""
    ) async throws -> Hearth_Member_V1_Membership {
        var request = Hearth_Member_V1_JoinCommunityRequest()
        request.communityID = community
        request.memberID = member
        request.passPhrase = passPhrase
        request.paymentOrderID = paymentOrder
        return try await client.joinCommunity(request).membership
    }

    static func invite(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, _ community: String, _ member: String,
        by inviter: String = "", role: Hearth_Member_V1_CommunityRole = .regular
    ) async throws -> Hearth_Member_V1_Membership {
        var request = Hearth_Member_V1_InviteMemberRequest()
        request.communityID = community
        request.memberID = member
        request.invitedByMemberID = inviter
        request.role = role
        return try await client.inviteMember(request).membership
    }

    static func memberships(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, of community: String,
        statuses: [Hearth_Member_V1_MembershipStatus] = []
    ) async throws -> [Hearth_Member_V1_Membership] {
        var request = Hearth_Member_V1_ListMembershipsRequest()
        request.communityID = community
        request.statuses = statuses
        return try await client.listMemberships(request).memberships
    }

    static func moderate(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, _ community: String, _ member: String,
        _ kind: Hearth_Member_V1_ModerationActionKind, reason: String = "keeps posting ads", until: Date? = nil
    ) async throws -> Hearth_Member_V1_ModerateMemberResponse {
        var request = Hearth_Member_V1_ModerateMemberRequest()
        request.communityID = community
        request.memberID = member
        request.kind = kind
        request.reason = reason
        if let until { request.mutedUntil = Google_Protobuf_Timestamp(date: until) }
        return try await client.moderateMember(request)
    }

    static func link(_ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, into community: String)
        async throws -> Hearth_Member_V1_JoinLink
    {
        var request = Hearth_Member_V1_CreateJoinLinkRequest()
        request.communityID = community
        request.sourceChannel = .qrPoster
        return try await client.createJoinLink(request).link
    }

    static func resolve(
        _ client: Hearth_Member_V1_MemberService.Client<some ClientTransport>, _ token: String, member: String = ""
    ) async throws -> Hearth_Member_V1_ResolveJoinLinkResponse {
        var request = Hearth_Member_V1_ResolveJoinLinkRequest()
        request.token = token
        request.memberID = member
        return try await client.resolveJoinLink(request)
    }

    /// The `ErrorDetail.reason` a failed call carries.
    static func reason(_ error: RPCError?) -> String? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
    }
}

@Suite("member-service: communities over the wire, against PostgreSQL")
struct CommunityAPITests {
    typealias Call = CommunityCalls

    @Test func communitiesAreCreatedUpdatedArchivedAndListed() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                var create = Hearth_Member_V1_CreateCommunityRequest()
                create.settings.name = "  成都药师交流群 1 "
                create.settings.platform = .wechat
                create.settings.joinPolicy = .open
                create.settings.structure = .ring
                create.settings.purpose = "Pharmacists help each other"
                create.settings.rules = "No ads."
                create.settings.passPhrase = "芝麻开门"
                let wechat = try await client.createCommunity(create).community
                #expect(wechat.settings.name == "成都药师交流群 1")
                #expect(wechat.settings.capacity == 500)
                #expect(wechat.settings.structure == .ring)
                #expect(wechat.settings.visibility == .outer)
                #expect(wechat.settings.passPhrase.isEmpty)
                #expect(wechat.passPhraseRequired)
                #expect(wechat.memberCount == 0)
                #expect(wechat.familyID.isEmpty && wechat.familySeq == 0)
                let qq = try await Call.community(client, name: "QQ fans", platform: .qq)
                #expect(qq.settings.capacity == 2_000)
                #expect(qq.settings.joinPolicy == .open)

                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = wechat.communityID
                #expect(try await client.getCommunity(get).community == wechat)

                var update = Hearth_Member_V1_UpdateCommunityRequest()
                update.communityID = wechat.communityID
                update.settings.name = "ignored: not in the mask"
                update.settings.rules = "No ads. Be kind."
                update.settings.announcement = "Live Q&A on Thursday at 20:00"
                update.updateMask.paths = ["rules", "settings.announcement"]
                let updated = try await client.updateCommunity(update).community
                #expect(updated.settings.name == "成都药师交流群 1")
                #expect(updated.settings.rules == "No ads. Be kind.")
                #expect(updated.settings.announcement == "Live Q&A on Thursday at 20:00")
                #expect(updated.passPhraseRequired)
                update.updateMask.paths = ["member_count"]
                let badMask = await #expect(throws: RPCError.self) { try await client.updateCommunity(update) }
                #expect(badMask?.code == .invalidArgument)

                // Capacity may not drop below the members a group has.
                for name in ["A", "B"] {
                    _ = try await Call.join(client, qq.communityID, try await Call.member(client, name))
                }
                var shrink = Hearth_Member_V1_UpdateCommunityRequest()
                shrink.communityID = qq.communityID
                shrink.settings.capacity = 1
                shrink.updateMask.paths = ["capacity"]
                let tooSmall = await #expect(throws: RPCError.self) { try await client.updateCommunity(shrink) }
                #expect(tooSmall?.code == .failedPrecondition)
                #expect(Call.reason(tooSmall) == "capacity_below_members")
                shrink.settings.capacity = 2
                #expect(try await client.updateCommunity(shrink).community.settings.capacity == 2)

                var drop = Hearth_Member_V1_UpdateCommunityRequest()
                drop.communityID = wechat.communityID
                drop.updateMask.paths = ["pass_phrase"]
                #expect(try await !client.updateCommunity(drop).community.passPhraseRequired)

                let all = try await client.listCommunities(Hearth_Member_V1_ListCommunitiesRequest()).communities
                #expect(all.map(\.communityID) == [wechat.communityID, qq.communityID])
                #expect(all.last?.memberCount == 2)
                var byPlatform = Hearth_Member_V1_ListCommunitiesRequest()
                byPlatform.platforms = [.qq]
                #expect(try await client.listCommunities(byPlatform).communities.map(\.communityID) == [qq.communityID])
                var byName = Hearth_Member_V1_ListCommunitiesRequest()
                byName.query = "药师"
                #expect(
                    try await client.listCommunities(byName).communities.map(\.communityID) == [wechat.communityID])

                var archive = Hearth_Member_V1_ArchiveCommunityRequest()
                archive.communityID = wechat.communityID
                #expect(try await client.archiveCommunity(archive).community.hasArchivedAt)
                let listed = try await client.listCommunities(Hearth_Member_V1_ListCommunitiesRequest()).communities
                #expect(listed.map(\.communityID) == [qq.communityID])
                var withArchived = Hearth_Member_V1_ListCommunitiesRequest()
                withArchived.includeArchived = true
                #expect(try await client.listCommunities(withArchived).communities.count == 2)
                update.updateMask.paths = ["rules"]
                let frozen = await #expect(throws: RPCError.self) { try await client.updateCommunity(update) }
                #expect(frozen?.code == .failedPrecondition)
                #expect(Call.reason(frozen) == "archived")
                let closed = await #expect(throws: RPCError.self) {
                    try await Call.join(client, wechat.communityID, try await Call.member(client, "Late"))
                }
                #expect(closed?.code == .failedPrecondition)
                #expect(Call.reason(closed) == "archived")
            }
        }
    }

    @Test func theLastSeatsGoToExactlyAsManyOfManyConcurrentJoins() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let community = try await Call.community(client, name: "Three seats", capacity: 3).communityID
                var members: [String] = []
                for index in 0..<10 { members.append(try await Call.member(client, "joiner \(index)")) }
                let outcomes = try await withThrowingTaskGroup(of: String.self) { tasks in
                    for member in members {
                        tasks.addTask {
                            do {
                                let membership = try await Call.join(client, community, member)
                                return membership.status == .active ? "joined" : "\(membership.status)"
                            } catch let error as RPCError {
                                let full = error.code == .failedPrecondition && Call.reason(error) == "community_full"
                                return full ? "full" : "unexpected: \(error)"
                            }
                        }
                    }
                    return try await tasks.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == "joined" }.count == 3)
                #expect(outcomes.filter { $0 == "full" }.count == 7)
                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = community
                #expect(try await client.getCommunity(get).community.memberCount == 3)
                #expect(try await Call.memberships(client, of: community).count == 3)
            }
        }
    }

    @Test func approvalTurnsJoinsIntoRequests() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let community = try await Call.community(client, name: "Ask first", capacity: 1, policy: .approval)
                    .communityID
                let a = try await Call.member(client, "A")
                let b = try await Call.member(client, "B")
                #expect(try await Call.join(client, community, a).status == .pending)
                let twice = await #expect(throws: RPCError.self) { try await Call.join(client, community, a) }
                #expect(twice?.code == .alreadyExists)
                #expect(try await Call.join(client, community, b).status == .pending)
                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = community
                let counted = try await client.getCommunity(get).community
                #expect((counted.memberCount, counted.pendingCount) == (0, 2))

                var approve = Hearth_Member_V1_ApproveJoinRequest()
                approve.communityID = community
                approve.memberID = a
                let approved = try await client.approveJoin(approve).membership
                #expect(approved.status == .active)
                #expect(approved.hasJoinedAt)
                approve.memberID = b
                let full = await #expect(throws: RPCError.self) { try await client.approveJoin(approve) }
                #expect(full?.code == .failedPrecondition)
                #expect(Call.reason(full) == "community_full")

                var reject = Hearth_Member_V1_RejectJoinRequest()
                reject.communityID = community
                reject.memberID = b
                reject.reason = "the group is full; try the next one"
                #expect(try await client.rejectJoin(reject).membership.status == .removed)
                let gone = await #expect(throws: RPCError.self) { try await client.approveJoin(approve) }
                #expect(Call.reason(gone) == "not_pending")
                #expect(try await Call.memberships(client, of: community).map(\.memberID) == [a])
                #expect(try await Call.memberships(client, of: community, statuses: [.removed]).map(\.memberID) == [b])
            }
        }
    }

    @Test func invitationsRecordTheInviterAndRolesHaveOneOwner() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let community = try await Call.community(client, name: "Inner circle", capacity: 5, policy: .inviteOnly)
                    .communityID
                let host = try await Call.member(client, "Host")
                let guest = try await Call.member(client, "Guest")
                let stranger = try await Call.member(client, "Stranger")
                let uninvited = await #expect(throws: RPCError.self) {
                    try await Call.join(client, community, stranger)
                }
                #expect(uninvited?.code == .failedPrecondition)
                #expect(Call.reason(uninvited) == "invite_only")

                let owner = try await Call.invite(client, community, host, role: .owner)
                #expect(owner.status == .active)
                #expect(owner.role == .owner)
                #expect(owner.invitedByMemberID.isEmpty)
                let invited = try await Call.invite(client, community, guest, by: host, role: .core)
                #expect(invited.status == .active)
                #expect(invited.role == .core)
                #expect(invited.invitedByMemberID == host)
                let again = await #expect(throws: RPCError.self) { try await Call.invite(client, community, guest) }
                #expect(again?.code == .alreadyExists)
                let unknown = await #expect(throws: RPCError.self) {
                    try await Call.invite(client, community, MemberID().description)
                }
                #expect(unknown?.code == .notFound)
                let selfInvited = await #expect(throws: RPCError.self) {
                    try await Call.invite(client, community, stranger, by: stranger)
                }
                #expect(selfInvited?.code == .invalidArgument)

                var assign = Hearth_Member_V1_AssignRoleRequest()
                assign.communityID = community
                assign.memberID = guest
                assign.role = .owner
                #expect(try await client.assignRole(assign).membership.role == .owner)
                let roles = try await Call.memberships(client, of: community)
                #expect(roles.first { $0.memberID == host }?.role == .admin)
                assign.memberID = stranger
                let inactive = await #expect(throws: RPCError.self) { try await client.assignRole(assign) }
                #expect(Call.reason(inactive) == "not_active")

                var leave = Hearth_Member_V1_LeaveCommunityRequest()
                leave.communityID = community
                leave.memberID = guest
                let left = try await client.leaveCommunity(leave).membership
                #expect(left.status == .left)
                #expect(left.hasLeftAt)
                let twice = await #expect(throws: RPCError.self) { try await client.leaveCommunity(leave) }
                #expect(Call.reason(twice) == "not_active")
            }
        }
    }

    @Test func passPhrasesAndPaymentsGuardTheDoor() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let locked = try await Call.community(client, name: "Secret", passPhrase: "芝麻开门").communityID
                let a = try await Call.member(client, "A")
                for phrase in ["", "芝麻关门"] {
                    let wrong = await #expect(throws: RPCError.self) {
                        try await Call.join(client, locked, a, passPhrase: phrase)
                    }
                    #expect(wrong?.code == .failedPrecondition)
                    #expect(Call.reason(wrong) == "pass_phrase_wrong")
                }
                #expect(try await Call.join(client, locked, a, passPhrase: " 芝麻开门 ").status == .active)

                let paid = try await Call.community(client, name: "Paid", policy: .paid).communityID
                let unpaid = await #expect(throws: RPCError.self) { try await Call.join(client, paid, a) }
                #expect(Call.reason(unpaid) == "payment_required")
                let blank = await #expect(throws: RPCError.self) {
                    try await Call.join(client, paid, a, paymentOrder: "  ")
                }
                #expect(Call.reason(blank) == "payment_required")
                #expect(try await Call.join(client, paid, a, paymentOrder: "order-2026-001").status == .active)

                // An order pays for one seat: not for a second member, nor for a second group.
                let b = try await Call.member(client, "B")
                let reused = await #expect(throws: RPCError.self) {
                    try await Call.join(client, paid, b, paymentOrder: "order-2026-001")
                }
                #expect(reused?.code == .failedPrecondition)
                #expect(Call.reason(reused) == "payment_order_used")
                #expect(reused?.message.contains("order-2026-001") == true)
                let otherPaid = try await Call.community(client, name: "Paid too", policy: .paid).communityID
                let elsewhere = await #expect(throws: RPCError.self) {
                    try await Call.join(client, otherPaid, a, paymentOrder: " order-2026-001 ")
                }
                #expect(Call.reason(elsewhere) == "payment_order_used")
                #expect(try await Call.join(client, paid, b, paymentOrder: "order-2026-002").status == .active)

                // The member who paid may leave and come back on the same order.
                var leave = Hearth_Member_V1_LeaveCommunityRequest()
                leave.communityID = paid
                leave.memberID = a
                _ = try await client.leaveCommunity(leave)
                #expect(try await Call.join(client, paid, a, paymentOrder: "order-2026-001").status == .active)
            }
        }
    }

    @Test func moderationIsRecordedAndBannedMembersStayOut() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let community = try await Call.community(client, name: "Moderated", capacity: 10).communityID
                let troll = try await Call.member(client, "Troll")
                let other = try await Call.member(client, "Other")
                _ = try await Call.join(client, community, troll)
                _ = try await Call.join(client, community, other)

                let warned = try await Call.moderate(client, community, troll, .warn, reason: "off-topic")
                #expect(warned.action.kind == .warn)
                #expect(warned.action.operatorID == "op-test")
                #expect(warned.action.reason == "off-topic")
                #expect(warned.membership.status == .active)
                let noEnd = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, troll, .mute)
                }
                #expect(noEnd?.code == .invalidArgument)
                let silent = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, troll, .warn, reason: "  ")
                }
                #expect(silent?.code == .invalidArgument)
                let muted = try await Call.moderate(
                    client, community, troll, .mute, until: Date().addingTimeInterval(3_600))
                #expect(muted.membership.hasMutedUntil)
                #expect(muted.action.hasMutedUntil)
                #expect(try await !Call.moderate(client, community, troll, .unmute).membership.hasMutedUntil)
                let notMuted = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, troll, .unmute)
                }
                #expect(Call.reason(notMuted) == "not_muted")

                #expect(try await Call.moderate(client, community, troll, .ban).membership.status == .banned)
                let rejoin = await #expect(throws: RPCError.self) { try await Call.join(client, community, troll) }
                #expect(rejoin?.code == .failedPrecondition)
                #expect(Call.reason(rejoin) == "banned")
                let reinvite = await #expect(throws: RPCError.self) { try await Call.invite(client, community, troll) }
                #expect(Call.reason(reinvite) == "banned")
                #expect(try await Call.moderate(client, community, troll, .unban).membership.status == .removed)
                #expect(try await Call.join(client, community, troll).status == .active)

                _ = try await Call.moderate(client, community, other, .warn, reason: "spam")
                let stranger = try await Call.member(client, "Stranger")
                let notMember = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, stranger, .warn)
                }
                #expect(Call.reason(notMember) == "not_active")

                var byMember = Hearth_Member_V1_ListModerationActionsRequest()
                byMember.memberID = troll
                #expect(
                    try await client.listModerationActions(byMember).actions.map(\.kind) == [
                        .unban, .ban, .unmute, .mute, .warn,
                    ])
                var byCommunity = Hearth_Member_V1_ListModerationActionsRequest()
                byCommunity.communityID = community
                let all = try await client.listModerationActions(byCommunity).actions
                #expect(all.count == 6)
                #expect(all.first?.memberID == other)
                byCommunity.kinds = [.ban]
                #expect(try await client.listModerationActions(byCommunity).actions.map(\.memberID) == [troll])
                byCommunity.kinds = []
                byCommunity.page.pageSize = 4
                let firstPage = try await client.listModerationActions(byCommunity)
                byCommunity.page.cursor = firstPage.page.nextCursor
                let secondPage = try await client.listModerationActions(byCommunity)
                #expect((firstPage.actions + secondPage.actions).map(\.actionID) == all.map(\.actionID))
                #expect(secondPage.page.nextCursor.isEmpty)
                let unscoped = await #expect(throws: RPCError.self) {
                    try await client.listModerationActions(Hearth_Member_V1_ListModerationActionsRequest())
                }
                #expect(unscoped?.code == .invalidArgument)
            }
        }
    }

    @Test func aJoinLinkFillsTheFamilyInOrderAndReplicatesWhenFull() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                // Approval and a pass phrase do not stop link newcomers: the link is the invitation.
                let first = try await Call.community(
                    client, name: "Chengdu pharmacists 1", capacity: 4, policy: .approval, passPhrase: "芝麻开门",
                    rules: "No ads.")
                let owner = try await Call.member(client, "Owner")
                let core = try await Call.member(client, "Core")
                _ = try await Call.invite(client, first.communityID, owner, role: .owner)
                _ = try await Call.invite(client, first.communityID, core, role: .core)
                let link = try await Call.link(client, into: first.communityID)
                #expect(!link.token.isEmpty)
                #expect(!link.familyID.isEmpty)
                #expect(link.sourceChannel == .qrPoster)

                var newcomers: [String] = []
                for index in 1...5 { newcomers.append(try await Call.member(client, "Newcomer \(index)")) }
                for newcomer in newcomers.prefix(2) {
                    let routed = try await Call.resolve(client, link.token, member: newcomer)
                    #expect(routed.community.communityID == first.communityID)
                    #expect(!routed.replicated)
                    #expect(routed.membership.status == .active)
                }
                // The family is full: the third newcomer gets group 2, replicated from group 1.
                let replicated = try await Call.resolve(client, link.token, member: newcomers[2])
                #expect(replicated.replicated)
                let second = replicated.community
                #expect(second.communityID != first.communityID)
                #expect((second.familyID, second.familySeq) == (link.familyID, 2))
                #expect(second.replicatedFromCommunityID == first.communityID)
                #expect(second.settings.name == "Chengdu pharmacists 2")
                #expect(second.settings.rules == "No ads.")
                #expect(second.settings.joinPolicy == .approval)
                #expect(second.settings.capacity == 4)
                #expect(second.passPhraseRequired)
                #expect(second.memberCount == 3)
                let seeded = try await Call.memberships(client, of: second.communityID)
                let expectedRoles: [String: Hearth_Member_V1_CommunityRole] = [
                    owner: .owner, core: .core, newcomers[2]: .regular,
                ]
                #expect(Dictionary(uniqueKeysWithValues: seeded.map { ($0.memberID, $0.role) }) == expectedRoles)
                let joinEvents = try await EventStore(pool: harness.pool).events(
                    of: try #require(MemberID(newcomers[2])), tenant: harness.tenant)
                #expect(
                    joinEvents.contains {
                        $0.kind == .join && $0.communityID?.uuidString.lowercased() == second.communityID
                    })

                // A member already in the family is sent back to their group, taking no new seat.
                let back = try await Call.resolve(client, link.token, member: newcomers[2])
                #expect((back.community.communityID, back.replicated) == (second.communityID, false))
                let fourth = try await Call.resolve(client, link.token, member: newcomers[3])
                #expect(fourth.community.communityID == second.communityID)
                // A seat freed in group 1 goes to the next newcomer: the lowest group with room wins.
                var leave = Hearth_Member_V1_LeaveCommunityRequest()
                leave.communityID = first.communityID
                leave.memberID = newcomers[0]
                _ = try await client.leaveCommunity(leave)
                let fifth = try await Call.resolve(client, link.token, member: newcomers[4])
                #expect(fifth.community.communityID == first.communityID)

                // Banned from one group of the family: turned away by the link too.
                _ = try await Call.moderate(client, first.communityID, newcomers[1], .ban)
                let banned = await #expect(throws: RPCError.self) {
                    try await Call.resolve(client, link.token, member: newcomers[1])
                }
                #expect(Call.reason(banned) == "banned")
                for forged in ["hjl1_" + String(repeating: "A", count: 43), "not-a-token"] {
                    let unknown = await #expect(throws: RPCError.self) { try await Call.resolve(client, forged) }
                    #expect(unknown?.code == .notFound)
                }
                var family = Hearth_Member_V1_ListCommunitiesRequest()
                family.familyID = link.familyID
                #expect(
                    try await client.listCommunities(family).communities.map(\.familySeq) == [1, 2])
            }
        }
    }

    @Test func newcomersRacingForAFullFamilyCreateOneReplica() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let group = try await Call.community(client, name: "Busy", capacity: 3).communityID
                let owner = try await Call.member(client, "Owner")
                _ = try await Call.invite(client, group, owner, role: .owner)
                for name in ["R1", "R2"] { _ = try await Call.join(client, group, try await Call.member(client, name)) }
                let token = try await Call.link(client, into: group).token
                var newcomers: [String] = []
                for index in 0..<2 { newcomers.append(try await Call.member(client, "Racer \(index)")) }
                let routed = try await withThrowingTaskGroup(of: Hearth_Member_V1_ResolveJoinLinkResponse.self) {
                    tasks in
                    for newcomer in newcomers {
                        tasks.addTask { try await Call.resolve(client, token, member: newcomer) }
                    }
                    return try await tasks.reduce(into: [Hearth_Member_V1_ResolveJoinLinkResponse]()) { $0.append($1) }
                }
                #expect(routed.filter(\.replicated).count == 1)
                #expect(Set(routed.map(\.community.communityID)).count == 1)
                #expect(routed.allSatisfy { $0.membership.status == .active })
                let replica = try #require(routed.first?.community.communityID)
                let seated = try await Call.memberships(client, of: replica).map(\.memberID)
                #expect(Set(seated) == Set(newcomers + [owner]))
                var all = Hearth_Member_V1_ListCommunitiesRequest()
                all.familyID = routed[0].community.familyID
                #expect(try await client.listCommunities(all).communities.count == 2)
            }
        }
    }

    @Test func replicationCopiesSettingsAndSeedsChosenCoreMembers() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let group = try await Call.community(client, name: "Readers", capacity: 5, rules: "Quote sources.")
                    .communityID
                let owner = try await Call.member(client, "Owner")
                let core = try await Call.member(client, "Core")
                let regular = try await Call.member(client, "Regular")
                let stranger = try await Call.member(client, "Stranger")
                _ = try await Call.invite(client, group, owner, role: .owner)
                _ = try await Call.invite(client, group, core, role: .core)
                _ = try await Call.join(client, group, regular)

                var chosen = Hearth_Member_V1_ReplicateCommunityRequest()
                chosen.communityID = group
                chosen.seedMemberIds = [core]
                let second = try await client.replicateCommunity(chosen)
                #expect(second.seededCount == 1)
                #expect((second.community.settings.name, second.community.familySeq) == ("Readers 2", 2))
                #expect(second.community.settings.rules == "Quote sources.")
                #expect(try await Call.memberships(client, of: second.community.communityID).map(\.memberID) == [core])

                chosen.seedMemberIds = [stranger]
                let notActive = await #expect(throws: RPCError.self) { try await client.replicateCommunity(chosen) }
                #expect(notActive?.code == .failedPrecondition)
                #expect(Call.reason(notActive) == "seed_not_active")

                var byDefault = Hearth_Member_V1_ReplicateCommunityRequest()
                byDefault.communityID = group
                byDefault.name = "Readers, evening group"
                let third = try await client.replicateCommunity(byDefault)
                #expect(third.seededCount == 2)
                #expect((third.community.settings.name, third.community.familySeq) == ("Readers, evening group", 3))

                var archive = Hearth_Member_V1_ArchiveCommunityRequest()
                archive.communityID = group
                _ = try await client.archiveCommunity(archive)
                let archived = await #expect(throws: RPCError.self) { try await client.replicateCommunity(byDefault) }
                #expect(Call.reason(archived) == "archived")
            }
        }
    }

    @Test func tenantsSeeOnlyTheirOwnCommunities() async throws {
        try await MemberServiceHarness.with { harness in
            let (community, member, token) = try await harness.withClient { client in
                let community = try await Call.community(client, name: "Ours").communityID
                let member = try await Call.member(client, "Ours")
                _ = try await Call.join(client, community, member)
                return (community, member, try await Call.link(client, into: community).token)
            }
            try await harness.withClient(tenant: harness.otherTenant) { client in
                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = community
                let hidden = await #expect(throws: RPCError.self) { try await client.getCommunity(get) }
                #expect(hidden?.code == .notFound)
                #expect(try await client.listCommunities(Hearth_Member_V1_ListCommunitiesRequest()).communities.isEmpty)
                let theirs = try await Call.member(client, "Theirs")
                let join = await #expect(throws: RPCError.self) { try await Call.join(client, community, theirs) }
                #expect(join?.code == .notFound)
                let list = await #expect(throws: RPCError.self) { try await Call.memberships(client, of: community) }
                #expect(list?.code == .notFound)
                let moderate = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, member, .ban)
                }
                #expect(moderate?.code == .notFound)
                let link = await #expect(throws: RPCError.self) { try await Call.resolve(client, token) }
                #expect(link?.code == .notFound)
            }
        }
    }

    @Test func rolesDecideWhoMayRunCommunities() async throws {
        try await MemberServiceHarness.with { harness in
            let (community, member, token) = try await harness.withClient { client in
                let community = try await Call.community(client, name: "Guarded").communityID
                return (
                    community, try await Call.member(client, "Someone"),
                    try await Call.link(client, into: community).token
                )
            }
            try await harness.withClient(role: .viewer) { client in
                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = community
                let got = try await client.getCommunity(get).community.communityID
                #expect(got == community)
                let memberships = try await Call.memberships(client, of: community)
                #expect(memberships.isEmpty)
                let create = await #expect(throws: RPCError.self) { try await Call.community(client, name: "No") }
                #expect(create?.code == .permissionDenied)
                let moderate = await #expect(throws: RPCError.self) {
                    try await Call.moderate(client, community, member, .ban)
                }
                #expect(moderate?.code == .permissionDenied)
            }
            try await harness.withClient(role: .agent) { client in
                let join = await #expect(throws: RPCError.self) { try await Call.join(client, community, member) }
                #expect(join?.code == .permissionDenied)
                // Agents route newcomers through join links.
                let routed = try await Call.resolve(client, token, member: member)
                #expect(routed.membership.status == .active)
            }
        }
    }
}
