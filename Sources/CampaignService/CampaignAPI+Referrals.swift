public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// Referrals: each member's invite code per referral campaign, the fission tree of who brought
/// whom, and the rewards each referral earns up the tree (written by the store as it records).
extension CampaignAPI {
    /// Gives a member their code for a referral campaign, the same one on every call, from draft
    /// until the campaign completes or is cancelled (`campaign_finished`). Naturally idempotent, so
    /// the idempotency key is not needed and is ignored. NOT_FOUND (campaign, member);
    /// FAILED_PRECONDITION `wrong_kind`, `campaign_finished`, `member_deleted`.
    public func issueReferralCode(request: Hearth_Campaign_V1_IssueReferralCodeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_IssueReferralCodeResponse
    {
        try await handleReferrals {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let member = try ReferralMessages.memberID(request.memberID, field: "member_id")
            let issued = try await ReferralStore(pool: pool).issueCode(
                campaign: campaign, member: member, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_IssueReferralCodeResponse()
            response.code = ReferralMessages.code(issued)
            return response
        }
    }

    /// Adds the newcomer to the code's campaign tree under the code's owner and writes the rewards
    /// of every level the rules reward. The same newcomer with the same code again returns the node
    /// recorded the first time, so the idempotency key is not needed and is ignored. NOT_FOUND (code,
    /// member); ALREADY_EXISTS `already_referred` (in the tree through another code, or as a root);
    /// FAILED_PRECONDITION `self_referral`, `referral_cycle`, `campaign_not_running`,
    /// `member_deleted`; INVALID_ARGUMENT `code_invalid` for text that cannot be a code.
    public func recordReferral(request: Hearth_Campaign_V1_RecordReferralRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordReferralResponse
    {
        try await handleReferrals {
            let caller = try RPCCaller.current()
            let code = try ReferralMessages.referralCode(request.code, field: "code")
            let newcomer = try ReferralMessages.memberID(request.referredMemberID, field: "referred_member_id")
            let node = try await ReferralStore(pool: pool).record(code: code, newcomer: newcomer, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_RecordReferralResponse()
            response.node = ReferralMessages.node(node)
            return response
        }
    }

    /// A page of the campaign's tree, breadth first (depth, then join time, then member id), with
    /// the size and depth of the whole selection. Depths are absolute; `max_depth` counts levels
    /// below the root (below the roots for the whole forest) and the response's depth is the levels
    /// the selection reaches below it. NOT_FOUND (campaign; root not in the tree);
    /// FAILED_PRECONDITION `wrong_kind`.
    public func getReferralTree(request: Hearth_Campaign_V1_GetReferralTreeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_GetReferralTreeResponse
    {
        try await handleReferrals {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let root: MemberID? = try CampaignMessages.optionalID(
                request.rootMemberID, field: "root_member_id", what: "member")
            guard request.maxDepth >= 0 else {
                throw CampaignMessages.outOfRange(
                    "max_depth", "max_depth counts levels below the root: 0 for all of them, or a positive number")
            }
            let cursor = try ReferralMessages.treeCursor(request.page.cursor)
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await ReferralStore(pool: pool).tree(
                of: campaign, root: root, maxDepth: Int(request.maxDepth), after: cursor, limit: pageSize,
                tenant: caller.tenant)
            var response = Hearth_Campaign_V1_GetReferralTreeResponse()
            response.nodes = page.nodes.map(ReferralMessages.node)
            response.size = page.size
            response.depth = Int32(clamping: page.depth)
            if page.more, let last = page.nodes.last {
                response.page.nextCursor = ReferralMessages.treeCursor(after: last)
            }
            return response
        }
    }

    /// Runs a referral handler like ``handle(_:)``, sending refusals with their code and reason.
    func handleReferrals<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await handle {
            do {
                return try await body()
            } catch let refusal as ReferralRefusal {
                throw ReferralMessages.status(refusal)
            }
        }
    }
}
