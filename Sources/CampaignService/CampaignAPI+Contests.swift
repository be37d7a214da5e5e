import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Contests: members' entries, members' votes (VOTES) or operators' scores (JUDGES), and the
/// winners declared from the ranking (``ContestRanking``: ties go to the earlier entry). Refusals
/// the state causes carry the reason of ``ContestEntry/Refusal``.
extension CampaignAPI {
    /// Submits a member's entry (one per member). A retry with the same idempotency key gets the
    /// entry the first call made, instead of ALREADY_EXISTS.
    public func submitContestEntry(
        request: Hearth_Campaign_V1_SubmitContestEntryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_SubmitContestEntryResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let entry = try ContestMessages.newEntry(request)
            let key = try TaskMessages.idempotencyKey(request.idempotencyKey)
            let submitted = try await ContestStore(pool: pool).submit(entry, idempotencyKey: key, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_SubmitContestEntryResponse()
            response.entry = ContestMessages.entry(submitted)
            return response
        }
    }

    /// A contest's entries with their votes or scores, by ranking (the default) or by submission.
    public func listContestEntries(
        request: Hearth_Campaign_V1_ListContestEntriesRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListContestEntriesResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let order = try ContestMessages.order(request.orderBy)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListContestEntries").map {
                (submittedAt: $0.0, id: ContestEntryID($0.1[0]))
            }
            let page = try await ContestStore(pool: pool).entries(
                of: campaign, order: order, after: cursor, limit: TaskMessages.pageSize(request.page),
                tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ListContestEntriesResponse()
            response.entries = page.entries.map(ContestMessages.entry)
            if page.more, let last = page.entries.last {
                response.page.nextCursor = PageCursor.encode(last.submittedAt, last.id.description)
            }
            return response
        }
    }

    /// Casts a member's vote for an entry. A retry with the same idempotency key is answered as the
    /// first call was, instead of ALREADY_EXISTS.
    public func castContestVote(
        request: Hearth_Campaign_V1_CastContestVoteRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CastContestVoteResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let entry = try ContestMessages.entryID(request.entryID)
            let voter = try TaskMessages.memberID(request.voterMemberID, field: "voter_member_id")
            let key = try TaskMessages.idempotencyKey(request.idempotencyKey)
            let vote = try await ContestStore(pool: pool).vote(
                for: entry, by: voter, idempotencyKey: key, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_CastContestVoteResponse()
            response.entry = ContestMessages.entry(vote.entry)
            response.votesLeft = Int32(clamping: vote.votesLeft)
            return response
        }
    }

    /// Scores an entry as the calling operator, replacing their earlier score of it. The idempotency
    /// key is not needed and not kept: scoring again with the same score changes nothing.
    public func scoreContestEntry(
        request: Hearth_Campaign_V1_ScoreContestEntryRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ScoreContestEntryResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let entry = try ContestMessages.entryID(request.entryID)
            let (score, comment) = try ContestMessages.score(request.score, comment: request.comment)
            let judge = try TaskMessages.actor(caller)
            let scored = try await ContestStore(pool: pool).score(
                entry, judge: judge, score: score, comment: comment, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ScoreContestEntryResponse()
            response.entry = ContestMessages.entry(scored)
            return response
        }
    }

    /// Ranks the entries and records the winners once the ranking is final. The idempotency key is
    /// not needed and not kept: the winners are recorded once and a repeat returns them (rather than
    /// FAILED_PRECONDITION), so a retry is harmless.
    public func declareContestWinners(
        request: Hearth_Campaign_V1_DeclareContestWinnersRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_DeclareContestWinnersResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let declarer = try TaskMessages.actor(caller)
            let winners = try await ContestStore(pool: pool).declareWinners(
                of: campaign, declarer: declarer, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_DeclareContestWinnersResponse()
            response.winners = winners.map(ContestMessages.entry)
            return response
        }
    }
}
