import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Communities: the groups members are in, who is in them and how they got there, moderation, and
/// join links that route newcomers through families of replicated groups. Roles are enforced by the
/// access policy before a handler runs; refusals carry their `ErrorDetail.reason`.
extension MemberAPI {
    public func createCommunity(request: Hearth_Member_V1_CreateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_CreateCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            guard request.hasSettings else { throw CommunityMessages.missing("settings", "settings are required") }
            let (settings, passPhrase) = try CommunityMessages.newSettings(request.settings)
            var response = Hearth_Member_V1_CreateCommunityResponse()
            response.community = CommunityMessages.community(
                try await communities.create(settings, passPhrase: passPhrase, tenant: caller.tenant))
            return response
        }
    }

    public func getCommunity(request: Hearth_Member_V1_GetCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_GetCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let id = try CommunityMessages.communityID(request.communityID)
            guard let community = try await communities.community(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no community \(id) in this tenant")
            }
            var response = Hearth_Member_V1_GetCommunityResponse()
            response.community = CommunityMessages.community(community)
            return response
        }
    }

    public func updateCommunity(request: Hearth_Member_V1_UpdateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_UpdateCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let id = try CommunityMessages.communityID(request.communityID)
            let change = try CommunityMessages.settingsUpdate(request.settings, mask: request.updateMask)
            var response = Hearth_Member_V1_UpdateCommunityResponse()
            response.community = CommunityMessages.community(
                try await communities.update(id, tenant: caller.tenant, with: change))
            return response
        }
    }

    public func archiveCommunity(request: Hearth_Member_V1_ArchiveCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ArchiveCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let id = try CommunityMessages.communityID(request.communityID)
            var response = Hearth_Member_V1_ArchiveCommunityResponse()
            response.community = CommunityMessages.community(try await communities.archive(id, tenant: caller.tenant))
            return response
        }
    }

    public func listCommunities(request: Hearth_Member_V1_ListCommunitiesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ListCommunitiesResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            var family: CommunityFamilyID?
            if !request.familyID.isEmpty { family = try CommunityMessages.familyID(request.familyID) }
            let query = CommunityQuery(
                platforms: try CommunityMessages.all(
                    request.platforms, field: "platforms", CommunityMessages.platform(_:field:)),
                familyID: family,
                text: CommunityMessages.text(request.query),
                includeArchived: request.includeArchived)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListCommunities")
                .map { CommunityCursor(createdAt: $0.0, communityID: CommunityID($0.1[0])) }
            let page = try await communities.list(
                tenant: caller.tenant, matching: query, after: cursor, limit: CommunityMessages.pageSize(request.page))
            var response = Hearth_Member_V1_ListCommunitiesResponse()
            response.communities = page.communities.map(CommunityMessages.community)
            if page.more, let last = page.communities.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.description)
            }
            return response
        }
    }

    public func joinCommunity(request: Hearth_Member_V1_JoinCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_JoinCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            // An order id of spaces names no order.
            let order = request.paymentOrderID.trimmingCharacters(in: .whitespacesAndNewlines)
            guard order.utf8.count <= 200 else {
                throw RPCError(
                    code: .invalidArgument, message: "payment_order_id has at most 200 bytes", reason: "out_of_range",
                    fields: ["payment_order_id": "over 200 bytes"])
            }
            var response = Hearth_Member_V1_JoinCommunityResponse()
            response.membership = CommunityMessages.membership(
                try await communities.join(
                    member, to: community, passPhrase: request.passPhrase.isEmpty ? nil : request.passPhrase,
                    paymentOrderID: order.isEmpty ? nil : order,
                    tenant: caller.tenant))
            return response
        }
    }

    public func leaveCommunity(request: Hearth_Member_V1_LeaveCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_LeaveCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            var response = Hearth_Member_V1_LeaveCommunityResponse()
            response.membership = CommunityMessages.membership(
                try await communities.leave(member, from: community, tenant: caller.tenant))
            return response
        }
    }

    public func approveJoin(request: Hearth_Member_V1_ApproveJoinRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_ApproveJoinResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            var response = Hearth_Member_V1_ApproveJoinResponse()
            response.membership = CommunityMessages.membership(
                try await communities.approve(member, in: community, tenant: caller.tenant))
            return response
        }
    }

    public func rejectJoin(request: Hearth_Member_V1_RejectJoinRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_RejectJoinResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            var response = Hearth_Member_V1_RejectJoinResponse()
            response.membership = CommunityMessages.membership(
                try await communities.reject(
                    member, in: community, reason: CommunityMessages.text(request.reason), tenant: caller.tenant))
            return response
        }
    }

    public func inviteMember(request: Hearth_Member_V1_InviteMemberRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_InviteMemberResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            let inviter = try CommunityMessages.optionalMemberID(
                request.invitedByMemberID, field: "invited_by_member_id")
            let role = try CommunityMessages.role(request.role, field: "role") ?? .regular
            var response = Hearth_Member_V1_InviteMemberResponse()
            response.membership = CommunityMessages.membership(
                try await communities.invite(
                    member, to: community, invitedBy: inviter, role: role, tenant: caller.tenant))
            return response
        }
    }

    public func assignRole(request: Hearth_Member_V1_AssignRoleRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_AssignRoleResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            guard let role = try CommunityMessages.role(request.role, field: "role") else {
                throw CommunityMessages.missing("role", "name the role: owner, admin, core or regular")
            }
            var response = Hearth_Member_V1_AssignRoleResponse()
            response.membership = CommunityMessages.membership(
                try await communities.assignRole(role, to: member, in: community, tenant: caller.tenant))
            return response
        }
    }

    public func listMemberships(request: Hearth_Member_V1_ListMembershipsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ListMembershipsResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            var community: CommunityID?
            if !request.communityID.isEmpty { community = try CommunityMessages.communityID(request.communityID) }
            let query = MembershipQuery(
                communityID: community,
                memberID: try CommunityMessages.optionalMemberID(request.memberID, field: "member_id"),
                statuses: try CommunityMessages.all(
                    request.statuses, field: "statuses", CommunityMessages.status(_:field:)),
                roles: try CommunityMessages.all(request.roles, field: "roles", CommunityMessages.role(_:field:)),
                socialRoles: try CommunityMessages.all(
                    request.socialRoles, field: "social_roles", CommunityMessages.socialRole(_:field:)))
            guard query.communityID != nil || query.memberID != nil else {
                throw CommunityMessages.missing("community_id", "give community_id, member_id or both")
            }
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 2, method: "ListMemberships")
                .map {
                    MembershipCursor(
                        createdAt: $0.0, communityID: CommunityID($0.1[0]), memberID: MemberID($0.1[1]))
                }
            let page = try await communities.memberships(
                tenant: caller.tenant, matching: query, after: cursor, limit: CommunityMessages.pageSize(request.page))
            var response = Hearth_Member_V1_ListMembershipsResponse()
            response.memberships = page.memberships.map(CommunityMessages.membership)
            if page.more, let last = page.memberships.last {
                response.page.nextCursor = PageCursor.encode(
                    last.createdAt, last.communityID.description, last.memberID.description)
            }
            return response
        }
    }

    public func moderateMember(request: Hearth_Member_V1_ModerateMemberRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ModerateMemberResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let (community, member) = try Self.communityAndMember(request.communityID, request.memberID)
            guard let kind = try CommunityMessages.moderationKind(request.kind, field: "kind") else {
                throw CommunityMessages.missing("kind", "name the step: warn, mute, remove, ban, unmute or unban")
            }
            let order = ModerationOrder(
                communityID: community, memberID: member, kind: kind, reason: request.reason,
                mutedUntil: request.hasMutedUntil ? request.mutedUntil.date : nil, operatorID: caller.operatorID)
            let outcome = try await communities.moderate(order, tenant: caller.tenant)
            var response = Hearth_Member_V1_ModerateMemberResponse()
            response.action = CommunityMessages.moderationAction(outcome.action)
            response.membership = CommunityMessages.membership(outcome.membership)
            return response
        }
    }

    public func listModerationActions(
        request: Hearth_Member_V1_ListModerationActionsRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Member_V1_ListModerationActionsResponse {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            var community: CommunityID?
            if !request.communityID.isEmpty { community = try CommunityMessages.communityID(request.communityID) }
            let created = request.created
            let query = ModerationQuery(
                communityID: community,
                memberID: try CommunityMessages.optionalMemberID(request.memberID, field: "member_id"),
                kinds: try CommunityMessages.all(
                    request.kinds, field: "kinds", CommunityMessages.moderationKind(_:field:)),
                createdFrom: request.hasCreated && created.hasStart ? created.start.date : nil,
                createdBefore: request.hasCreated && created.hasEnd ? created.end.date : nil)
            guard query.communityID != nil || query.memberID != nil else {
                throw CommunityMessages.missing("community_id", "give community_id, member_id or both")
            }
            let cursor = try PageCursor.decode(
                request.page.cursor, idCount: 1, method: "ListModerationActions"
            ).map { ModerationCursor(createdAt: $0.0, actionID: ModerationActionID($0.1[0])) }
            let page = try await communities.moderationActions(
                tenant: caller.tenant, matching: query, after: cursor, limit: CommunityMessages.pageSize(request.page))
            var response = Hearth_Member_V1_ListModerationActionsResponse()
            response.actions = page.actions.map(CommunityMessages.moderationAction)
            if page.more, let last = page.actions.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.description)
            }
            return response
        }
    }

    public func createJoinLink(request: Hearth_Member_V1_CreateJoinLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_CreateJoinLinkResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let community = try CommunityMessages.communityID(request.communityID)
            let created = try await communities.createJoinLink(
                into: community, campaign: try CommunityMessages.campaignID(request.campaignID),
                sourceChannel: try MemberMessages.sourceChannel(request.sourceChannel),
                expiresAt: request.hasExpiresAt ? request.expiresAt.date : nil, createdBy: caller.operatorID,
                tenant: caller.tenant)
            var response = Hearth_Member_V1_CreateJoinLinkResponse()
            response.link = CommunityMessages.joinLink(created.link, token: created.token)
            return response
        }
    }

    public func resolveJoinLink(request: Hearth_Member_V1_ResolveJoinLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ResolveJoinLinkResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            guard !request.token.isEmpty else { throw CommunityMessages.missing("token", "give the join link's token") }
            let member = try CommunityMessages.optionalMemberID(request.memberID, field: "member_id")
            let resolution = try await communities.resolveJoinLink(request.token, member: member, tenant: caller.tenant)
            var response = Hearth_Member_V1_ResolveJoinLinkResponse()
            response.community = CommunityMessages.community(resolution.community)
            response.replicated = resolution.replicated
            if let membership = resolution.membership {
                response.membership = CommunityMessages.membership(membership)
            }
            response.link = CommunityMessages.joinLink(resolution.link, token: request.token)
            return response
        }
    }

    public func replicateCommunity(request: Hearth_Member_V1_ReplicateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ReplicateCommunityResponse
    {
        try await handleCommunities {
            let caller = try RPCCaller.current()
            let community = try CommunityMessages.communityID(request.communityID)
            var seeds: [MemberID] = []
            for (index, text) in request.seedMemberIds.enumerated() {
                seeds.append(try MemberMessages.memberID(text, field: "seed_member_ids[\(index)]"))
            }
            let name = CommunityMessages.text(request.name)?.trimmingCharacters(in: .whitespacesAndNewlines)
            let replica = try await communities.replicate(
                community, name: name, seeds: seeds.isEmpty ? nil : seeds, tenant: caller.tenant)
            var response = Hearth_Member_V1_ReplicateCommunityResponse()
            response.community = CommunityMessages.community(replica.community)
            response.seededCount = Int32(clamping: replica.seeded)
            return response
        }
    }

    /// The community and member ids a membership request names.
    static func communityAndMember(_ community: String, _ member: String) throws(RPCError) -> (CommunityID, MemberID) {
        (try CommunityMessages.communityID(community), try MemberMessages.memberID(member))
    }

    /// Runs a community handler like ``handle(_:)``, sending refusals with their code and reason.
    func handleCommunities<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await handle {
            do {
                return try await body()
            } catch let refusal as CommunityRefusal {
                throw CommunityMessages.status(refusal)
            }
        }
    }
}
