public import GRPCCore
public import HearthProtos

/// The member API's RPCs that are not built yet. Each answers UNIMPLEMENTED with its name, so a
/// client learns at once that the server lacks it (never a silent success); they move to their own
/// files as they are built.
extension MemberAPI {
    public func batchGetMembers(request: Hearth_Member_V1_BatchGetMembersRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_BatchGetMembersResponse
    {
        throw Self.notBuilt("BatchGetMembers")
    }

    public func lookupMember(request: Hearth_Member_V1_LookupMemberRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_LookupMemberResponse
    {
        throw Self.notBuilt("LookupMember")
    }

    public func eraseMember(request: Hearth_Member_V1_EraseMemberRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_EraseMemberResponse
    {
        throw Self.notBuilt("EraseMember")
    }

    public func mergeMembers(request: Hearth_Member_V1_MergeMembersRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_MergeMembersResponse
    {
        throw Self.notBuilt("MergeMembers")
    }

    public func findDuplicates(request: Hearth_Member_V1_FindDuplicatesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_FindDuplicatesResponse
    {
        throw Self.notBuilt("FindDuplicates")
    }

    public func setConsent(request: Hearth_Member_V1_SetConsentRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_SetConsentResponse
    {
        throw Self.notBuilt("SetConsent")
    }

    public func listConsentChanges(request: Hearth_Member_V1_ListConsentChangesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ListConsentChangesResponse
    {
        throw Self.notBuilt("ListConsentChanges")
    }

    public func addIdentity(request: Hearth_Member_V1_AddIdentityRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_AddIdentityResponse
    {
        throw Self.notBuilt("AddIdentity")
    }

    public func removeIdentity(request: Hearth_Member_V1_RemoveIdentityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_RemoveIdentityResponse
    {
        throw Self.notBuilt("RemoveIdentity")
    }

    public func createCommunity(request: Hearth_Member_V1_CreateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_CreateCommunityResponse
    {
        throw Self.notBuilt("CreateCommunity")
    }

    public func getCommunity(request: Hearth_Member_V1_GetCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_GetCommunityResponse
    {
        throw Self.notBuilt("GetCommunity")
    }

    public func updateCommunity(request: Hearth_Member_V1_UpdateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_UpdateCommunityResponse
    {
        throw Self.notBuilt("UpdateCommunity")
    }

    public func archiveCommunity(request: Hearth_Member_V1_ArchiveCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ArchiveCommunityResponse
    {
        throw Self.notBuilt("ArchiveCommunity")
    }

    public func listCommunities(request: Hearth_Member_V1_ListCommunitiesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ListCommunitiesResponse
    {
        throw Self.notBuilt("ListCommunities")
    }

    public func joinCommunity(request: Hearth_Member_V1_JoinCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_JoinCommunityResponse
    {
        throw Self.notBuilt("JoinCommunity")
    }

    public func leaveCommunity(request: Hearth_Member_V1_LeaveCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_LeaveCommunityResponse
    {
        throw Self.notBuilt("LeaveCommunity")
    }

    public func approveJoin(request: Hearth_Member_V1_ApproveJoinRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_ApproveJoinResponse
    {
        throw Self.notBuilt("ApproveJoin")
    }

    public func rejectJoin(request: Hearth_Member_V1_RejectJoinRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_RejectJoinResponse
    {
        throw Self.notBuilt("RejectJoin")
    }

    public func inviteMember(request: Hearth_Member_V1_InviteMemberRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_InviteMemberResponse
    {
        throw Self.notBuilt("InviteMember")
    }

    public func assignRole(request: Hearth_Member_V1_AssignRoleRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Member_V1_AssignRoleResponse
    {
        throw Self.notBuilt("AssignRole")
    }

    public func listMemberships(request: Hearth_Member_V1_ListMembershipsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ListMembershipsResponse
    {
        throw Self.notBuilt("ListMemberships")
    }

    public func moderateMember(request: Hearth_Member_V1_ModerateMemberRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ModerateMemberResponse
    {
        throw Self.notBuilt("ModerateMember")
    }

    public func listModerationActions(
        request: Hearth_Member_V1_ListModerationActionsRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Member_V1_ListModerationActionsResponse {
        throw Self.notBuilt("ListModerationActions")
    }

    public func createJoinLink(request: Hearth_Member_V1_CreateJoinLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_CreateJoinLinkResponse
    {
        throw Self.notBuilt("CreateJoinLink")
    }

    public func resolveJoinLink(request: Hearth_Member_V1_ResolveJoinLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ResolveJoinLinkResponse
    {
        throw Self.notBuilt("ResolveJoinLink")
    }

    public func replicateCommunity(request: Hearth_Member_V1_ReplicateCommunityRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Member_V1_ReplicateCommunityResponse
    {
        throw Self.notBuilt("ReplicateCommunity")
    }

    static func notBuilt(_ method: String) -> RPCError {
        RPCError(
            code: .unimplemented, message: "MemberService/\(method) is not available in this version of member-service")
    }
}
