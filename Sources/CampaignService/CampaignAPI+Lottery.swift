import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf

/// Auditable lotteries (``LotteryDraw``, algorithm "hearth-lottery-v1"): commit a seed's hash
/// before entries close, take entries, draw once they close, reveal the seed, and let anyone
/// recompute the draw.
///
/// Every step is naturally idempotent: a repeated commit returns the first commitment (never a
/// new seed), a repeated entry the member's first entry, a repeated draw the same winners, a
/// repeated reveal the same seed. So the requests' `idempotency_key` is accepted and not needed;
/// these handlers ignore it. (campaign_service.proto lists ALREADY_EXISTS for a second commit or
/// entry and FAILED_PRECONDITION for a second draw; retries get the recorded result instead.)
///
/// A call on another kind of campaign is FAILED_PRECONDITION with reason `wrong_kind`; another
/// tenant's campaign is NOT_FOUND.
extension CampaignAPI {
    public func commitLotterySeed(
        request: Hearth_Campaign_V1_CommitLotterySeedRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CommitLotterySeedResponse {
        try await handle {
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            var response = Hearth_Campaign_V1_CommitLotterySeedResponse()
            response.lottery = LotteryMessages.state(try await lotteryStore().commit(campaign, tenant: tenant))
            return response
        }
    }

    /// Entries are taken while the campaign is running (launch opens the lottery, pause holds it)
    /// and before `entries_close_at`, for live members only, after the seed is committed.
    public func enterLottery(
        request: Hearth_Campaign_V1_EnterLotteryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_EnterLotteryResponse {
        try await handle {
            let member = try LotteryMessages.memberID(request.memberID)
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            let entry = try await lotteryStore().enter(member, into: campaign, tenant: tenant)
            var response = Hearth_Campaign_V1_EnterLotteryResponse()
            response.entry = LotteryMessages.entry(entry)
            return response
        }
    }

    public func drawLottery(
        request: Hearth_Campaign_V1_DrawLotteryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_DrawLotteryResponse {
        try await handle {
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            var response = Hearth_Campaign_V1_DrawLotteryResponse()
            response.lottery = LotteryMessages.state(try await lotteryStore().draw(campaign, tenant: tenant))
            return response
        }
    }

    public func revealLotterySeed(
        request: Hearth_Campaign_V1_RevealLotterySeedRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_RevealLotterySeedResponse {
        try await handle {
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            var response = Hearth_Campaign_V1_RevealLotterySeedResponse()
            response.lottery = LotteryMessages.state(try await lotteryStore().reveal(campaign, tenant: tenant))
            return response
        }
    }

    /// The public state; the seed stays empty until revealed.
    public func getLottery(
        request: Hearth_Campaign_V1_GetLotteryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_GetLotteryResponse {
        try await handle {
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            var response = Hearth_Campaign_V1_GetLotteryResponse()
            response.lottery = LotteryMessages.state(try await lotteryStore().lottery(campaign, tenant: tenant))
            return response
        }
    }

    /// The canonical entry list by entry number; pages of 50 by default, at most 500.
    public func listLotteryEntries(
        request: Hearth_Campaign_V1_ListLotteryEntriesRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListLotteryEntriesResponse {
        try await handle {
            // The cursor names the last entry's member (entries are never removed, so its entry
            // number stays put); its time is that entry's and only informative.
            let after = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListLotteryEntries").map {
                MemberID($0.1[0])
            }
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            guard
                let page = try await lotteryStore().entries(
                    of: campaign, tenant: tenant, afterEntryOf: after, limit: pageSize)
            else { throw LotteryMessages.foreignCursor() }
            var response = Hearth_Campaign_V1_ListLotteryEntriesResponse()
            response.entries = page.entries.map(LotteryMessages.entry)
            if page.more, let last = page.entries.last {
                response.page.nextCursor = PageCursor.encode(last.enteredAt, last.memberID.description)
            }
            return response
        }
    }

    /// Recomputes the draw on the service from the revealed seed and the stored entries.
    public func verifyLottery(
        request: Hearth_Campaign_V1_VerifyLotteryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_VerifyLotteryResponse {
        try await handle {
            let (campaign, tenant) = try await lotteryCampaign(request.campaignID)
            return LotteryMessages.verification(try await lotteryStore().verify(campaign, tenant: tenant))
        }
    }

    /// The lottery store, hashing with libcrypto's SHA-256.
    func lotteryStore() -> LotteryStore {
        LotteryStore(pool: pool, digest: { SHA256Digest.hash($0) })
    }

    /// The campaign a lottery call names: NOT_FOUND unless it is the caller's tenant's,
    /// FAILED_PRECONDITION `wrong_kind` unless it is a lottery.
    func lotteryCampaign(_ text: String) async throws -> (CampaignID, TenantID) {
        let caller = try RPCCaller.current()
        let id = try CampaignMessages.campaignID(text)
        guard let campaign = try await campaigns.campaign(id, tenant: caller.tenant) else {
            throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
        }
        guard campaign.kind == .lottery else {
            throw RPCError(
                code: .failedPrecondition,
                message: "campaign \(id) is a \(campaign.kind.rawValue) campaign, not a lottery",
                reason: "wrong_kind")
        }
        return (id, caller.tenant)
    }
}
