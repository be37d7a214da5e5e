import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import Logging

/// Recruitment call lists: the reachable part of a recruitment campaign's audience, split evenly
/// among customer-service agents, who record what each call came to.
extension CampaignAPI {
    /// Builds a call list: the segment's members who have a phone, consent to phone calls and are
    /// not active in the campaign's community yet (read through member-service), in member id
    /// order, at most `max_entries`, dealt round robin to the agents. With an idempotency key, a
    /// retry returns the list the first call built instead of a second one.
    public func buildCallList(request: Hearth_Campaign_V1_BuildCallListRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_BuildCallListResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            let requested = try RecruitmentMessages.agentIDs(request.agentOperatorIds)
            let limit = try RecruitmentMessages.maxEntries(request.maxEntries)
            let key = try RecruitmentMessages.idempotencyKey(request.idempotencyKey)
            let store = CallListStore(pool: pool)
            let campaign = try await recruitmentCampaign(id, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_BuildCallListResponse()
            if let key, let built = try await store.callList(of: id, idempotencyKey: key, tenant: caller.tenant) {
                response.callList = RecruitmentMessages.callList(built)
                return response
            }
            let directory = try memberDirectory()
            let agents = try await store.agents(requested, tenant: caller.tenant)
            let callable = try await Self.recipients(
                of: campaign, limit: limit, directory: directory, tenant: caller.tenant)
            let list = try await store.create(
                campaign: id, entries: try AgentSplit.deal(callable, among: agents), agents: agents,
                createdBy: caller.operatorID, idempotencyKey: key, tenant: caller.tenant)
            logger.info(
                "built a call list",
                metadata: [
                    "campaign": "\(id)", "call_list": "\(list.id)", "entries": "\(list.entryCount)",
                    "agents": "\(agents.count)",
                ])
            response.callList = RecruitmentMessages.callList(list)
            return response
        }
    }

    /// A campaign's call lists, newest first.
    public func listCallLists(request: Hearth_Campaign_V1_ListCallListsRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_ListCallListsResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListCallLists").map {
                (createdAt: $0.0, id: CallListID($0.1[0]))
            }
            guard
                let page = try await CallListStore(pool: pool).callLists(
                    of: id, after: cursor, limit: RecruitmentMessages.pageSize(request.page), tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            var response = Hearth_Campaign_V1_ListCallListsResponse()
            response.callLists = page.lists.map(RecruitmentMessages.callList)
            if page.more, let last = page.lists.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.description)
            }
            return response
        }
    }

    /// The entries of a call list in member id order: an agent's own only (asking for another
    /// agent's is PERMISSION_DENIED), any agent's or all for operators; optionally by outcome.
    public func listCallListEntries(
        request: Hearth_Campaign_V1_ListCallListEntriesRequest, context: GRPCCore.ServerContext
    ) async throws -> Hearth_Campaign_V1_ListCallListEntriesResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let list = try RecruitmentMessages.callListID(request.callListID)
            let requested: UUID? =
                try request.agentOperatorID.isEmpty
                ? nil : CampaignMessages.uuid(request.agentOperatorID, field: "agent_operator_id", what: "operator")
            let agent = try RecruitmentMessages.agentScope(of: caller, requested: requested)
            let outcomes = try RecruitmentMessages.outcomes(request.outcomes)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListCallListEntries").map {
                (createdAt: $0.0, memberID: MemberID($0.1[0]))
            }
            guard
                let page = try await CallListStore(pool: pool).entries(
                    of: list, agent: agent, outcomes: outcomes, after: cursor,
                    limit: RecruitmentMessages.pageSize(request.page), tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no call list \(list) in this tenant")
            }
            var response = Hearth_Campaign_V1_ListCallListEntriesResponse()
            response.entries = page.entries.map(RecruitmentMessages.entry)
            if page.more, let last = page.entries.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.recipient.memberID.description)
            }
            return response
        }
    }

    /// Records what a call came to: one more attempt, the call time, the note and a history row.
    /// An agent records on their own entries only; JOINED is final. With an idempotency key, a
    /// retry records nothing twice and returns the entry as it stands.
    public func recordCallOutcome(request: Hearth_Campaign_V1_RecordCallOutcomeRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_RecordCallOutcomeResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let entry = try RecruitmentMessages.entryID(request.entryID)
            let outcome = try RecruitmentMessages.recordedOutcome(request.outcome)
            let note = try RecruitmentMessages.note(request.note)
            let key = try RecruitmentMessages.idempotencyKey(request.idempotencyKey)
            let agent: UUID? = try caller.role == .agent ? RecruitmentMessages.agentID(of: caller) : nil
            guard
                let recorded = try await CallListStore(pool: pool).record(
                    outcome, note: note, on: entry, recordedBy: caller.operatorID, onlyFor: agent,
                    idempotencyKey: key, tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no call list entry \(entry) in this tenant")
            }
            var response = Hearth_Campaign_V1_RecordCallOutcomeResponse()
            response.entry = RecruitmentMessages.entry(recorded)
            return response
        }
    }

    /// The campaign a call list is built for: NOT_FOUND in another tenant, FAILED_PRECONDITION
    /// (`wrong_kind`) when it is no recruitment campaign, and when it completed or was cancelled.
    func recruitmentCampaign(_ id: CampaignID, tenant: TenantID) async throws -> Campaign {
        guard let campaign = try await campaigns.campaign(id, tenant: tenant) else {
            throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
        }
        guard campaign.kind == .recruitment else {
            throw RPCError(
                code: .failedPrecondition,
                message: "campaign \(id) is a \(campaign.kind.rawValue) campaign; call lists are built for recruitment "
                    + "campaigns",
                reason: "wrong_kind")
        }
        guard !campaign.status.isTerminal else {
            throw RPCError(
                code: .failedPrecondition,
                message: "campaign \(id) is \(campaign.status.rawValue); build call lists for a campaign still in "
                    + "progress",
                reason: "campaign_finished")
        }
        return campaign
    }

    /// Whom a recruitment campaign calls: its segment's members, minus those active in its
    /// community already, gone, without a phone or without consent to phone calls; sorted by
    /// member id (so the split is stable) and cut at `limit`. Contacts are fetched batch by batch
    /// only until `limit` callable members are in hand.
    static func recipients(
        of campaign: Campaign, limit: Int?, directory: any MemberDirectory, tenant: TenantID
    ) async throws -> [CallListEntry.Recipient] {
        guard let segment = campaign.audience.segmentID else {
            throw RPCError(
                code: .failedPrecondition,
                message: "campaign \(campaign.id) has no segment in its audience, so nobody to call; a recruitment "
                    + "campaign calls its segment's members into its community",
                reason: "no_segment")
        }
        var present = Set<MemberID>()
        if let community = campaign.audience.communityID {
            try await directory.forEachBatch(of: CampaignAudience(communityID: community), tenant: tenant) { batch in
                present.formUnion(batch)
            }
        }
        var seen = Set<MemberID>()
        var callable: [CallListEntry.Recipient] = []
        try await directory.forEachBatch(of: CampaignAudience(segmentID: segment), tenant: tenant) { batch in
            if let limit, callable.count >= limit { return }
            var candidates: [MemberID] = []
            for member in batch where !present.contains(member) && seen.insert(member).inserted {
                candidates.append(member)
            }
            guard !candidates.isEmpty else { return }
            let contacts = try await directory.contacts(of: candidates, tenant: tenant)
            for member in candidates {
                guard let contact = contacts[member], !contact.isGone, contact.consents.contains(.phone),
                    let phone = contact.phone
                else { continue }
                callable.append(
                    CallListEntry.Recipient(memberID: member, displayName: contact.displayName, phone: phone))
            }
        }
        callable.sort { $0.memberID.description < $1.memberID.description }
        if let limit, callable.count > limit { callable.removeLast(callable.count - limit) }
        return callable
    }
}
