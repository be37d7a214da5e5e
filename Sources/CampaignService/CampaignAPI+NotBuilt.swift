public import GRPCCore
public import HearthProtos

/// The campaign API's RPCs that are not built yet. Each answers UNIMPLEMENTED with its name, so a
/// client learns at once that the server lacks it (never a silent success); they move to their own
/// files as they are built.
extension CampaignAPI {

    public func listDeliveries(request: Hearth_Campaign_V1_ListDeliveriesRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListDeliveriesResponse
    {
        throw Self.notBuilt("ListDeliveries")
    }

    public func recordConversion(request: Hearth_Campaign_V1_RecordConversionRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordConversionResponse
    {
        throw Self.notBuilt("RecordConversion")
    }

    public func refundConversion(request: Hearth_Campaign_V1_RefundConversionRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RefundConversionResponse
    {
        throw Self.notBuilt("RefundConversion")
    }

    public func listConversions(request: Hearth_Campaign_V1_ListConversionsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListConversionsResponse
    {
        throw Self.notBuilt("ListConversions")
    }

    public func buildCallList(request: Hearth_Campaign_V1_BuildCallListRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_BuildCallListResponse
    {
        throw Self.notBuilt("BuildCallList")
    }

    public func listCallLists(request: Hearth_Campaign_V1_ListCallListsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListCallListsResponse
    {
        throw Self.notBuilt("ListCallLists")
    }

    public func listCallListEntries(
        request: Hearth_Campaign_V1_ListCallListEntriesRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_ListCallListEntriesResponse {
        throw Self.notBuilt("ListCallListEntries")
    }

    public func recordCallOutcome(request: Hearth_Campaign_V1_RecordCallOutcomeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordCallOutcomeResponse
    {
        throw Self.notBuilt("RecordCallOutcome")
    }

    public func createInviteLink(request: Hearth_Campaign_V1_CreateInviteLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_CreateInviteLinkResponse
    {
        throw Self.notBuilt("CreateInviteLink")
    }

    public func createTask(request: Hearth_Campaign_V1_CreateTaskRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Campaign_V1_CreateTaskResponse
    {
        throw Self.notBuilt("CreateTask")
    }

    public func listTasks(request: Hearth_Campaign_V1_ListTasksRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Campaign_V1_ListTasksResponse
    {
        throw Self.notBuilt("ListTasks")
    }

    public func claimTask(request: Hearth_Campaign_V1_ClaimTaskRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Campaign_V1_ClaimTaskResponse
    {
        throw Self.notBuilt("ClaimTask")
    }

    public func reviewClaim(request: Hearth_Campaign_V1_ReviewClaimRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ReviewClaimResponse
    {
        throw Self.notBuilt("ReviewClaim")
    }

    public func listClaims(request: Hearth_Campaign_V1_ListClaimsRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Campaign_V1_ListClaimsResponse
    {
        throw Self.notBuilt("ListClaims")
    }

    public func submitContestEntry(
        request: Hearth_Campaign_V1_SubmitContestEntryRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_SubmitContestEntryResponse {
        throw Self.notBuilt("SubmitContestEntry")
    }

    public func listContestEntries(
        request: Hearth_Campaign_V1_ListContestEntriesRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_ListContestEntriesResponse {
        throw Self.notBuilt("ListContestEntries")
    }

    public func castContestVote(request: Hearth_Campaign_V1_CastContestVoteRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_CastContestVoteResponse
    {
        throw Self.notBuilt("CastContestVote")
    }

    public func scoreContestEntry(request: Hearth_Campaign_V1_ScoreContestEntryRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ScoreContestEntryResponse
    {
        throw Self.notBuilt("ScoreContestEntry")
    }

    public func declareContestWinners(
        request: Hearth_Campaign_V1_DeclareContestWinnersRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_DeclareContestWinnersResponse {
        throw Self.notBuilt("DeclareContestWinners")
    }

    public func issueReferralCode(request: Hearth_Campaign_V1_IssueReferralCodeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_IssueReferralCodeResponse
    {
        throw Self.notBuilt("IssueReferralCode")
    }

    public func recordReferral(request: Hearth_Campaign_V1_RecordReferralRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordReferralResponse
    {
        throw Self.notBuilt("RecordReferral")
    }

    public func getReferralTree(request: Hearth_Campaign_V1_GetReferralTreeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_GetReferralTreeResponse
    {
        throw Self.notBuilt("GetReferralTree")
    }

    public func commitLotterySeed(request: Hearth_Campaign_V1_CommitLotterySeedRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_CommitLotterySeedResponse
    {
        throw Self.notBuilt("CommitLotterySeed")
    }

    public func enterLottery(request: Hearth_Campaign_V1_EnterLotteryRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_EnterLotteryResponse
    {
        throw Self.notBuilt("EnterLottery")
    }

    public func drawLottery(request: Hearth_Campaign_V1_DrawLotteryRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_DrawLotteryResponse
    {
        throw Self.notBuilt("DrawLottery")
    }

    public func revealLotterySeed(request: Hearth_Campaign_V1_RevealLotterySeedRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RevealLotterySeedResponse
    {
        throw Self.notBuilt("RevealLotterySeed")
    }

    public func getLottery(request: Hearth_Campaign_V1_GetLotteryRequest, context: GRPCCore.ServerContext) async throws
        -> Hearth_Campaign_V1_GetLotteryResponse
    {
        throw Self.notBuilt("GetLottery")
    }

    public func listLotteryEntries(
        request: Hearth_Campaign_V1_ListLotteryEntriesRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_ListLotteryEntriesResponse {
        throw Self.notBuilt("ListLotteryEntries")
    }

    public func verifyLottery(request: Hearth_Campaign_V1_VerifyLotteryRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_VerifyLotteryResponse
    {
        throw Self.notBuilt("VerifyLottery")
    }
}
