import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Tasks and challenges: tasks with a reward on task_challenge campaigns, members' claims with
/// proof, and operators' reviews. Refusals the state causes (wrong kind, closed window, a claim
/// waiting, the allowance used up) are FAILED_PRECONDITION with the reason of
/// ``CampaignTask/Refusal``.
extension CampaignAPI {
    /// Adds a task to a task_challenge campaign that has not finished. A retry with the same
    /// idempotency key gets the task the first call made.
    public func createTask(
        request: Hearth_Campaign_V1_CreateTaskRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CreateTaskResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let task = try TaskMessages.newTask(request)
            let key = try TaskMessages.idempotencyKey(request.idempotencyKey)
            let created = try await TaskStore(pool: pool).create(task, idempotencyKey: key, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_CreateTaskResponse()
            response.task = TaskMessages.task(created)
            return response
        }
    }

    /// A campaign's tasks in the order they were made.
    public func listTasks(
        request: Hearth_Campaign_V1_ListTasksRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListTasksResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let campaign = try CampaignMessages.campaignID(request.campaignID)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListTasks").map {
                (createdAt: $0.0, id: CampaignTaskID($0.1[0]))
            }
            let page = try await TaskStore(pool: pool).tasks(
                of: campaign, after: cursor, limit: TaskMessages.pageSize(request.page), tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ListTasksResponse()
            response.tasks = page.tasks.map(TaskMessages.task)
            if page.more, let last = page.tasks.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.description)
            }
            return response
        }
    }

    /// Submits a member's claim on a task. A retry with the same idempotency key gets the claim the
    /// first call made (as it stands now), instead of "a claim is waiting for review".
    public func claimTask(
        request: Hearth_Campaign_V1_ClaimTaskRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ClaimTaskResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let task = try TaskMessages.taskID(request.taskID)
            let member = try TaskMessages.memberID(request.memberID)
            let proof = try TaskMessages.proof(text: request.proofText, links: request.proofUrls)
            let key = try TaskMessages.idempotencyKey(request.idempotencyKey)
            let claim = try await TaskStore(pool: pool).claim(
                task, member: member, proof: proof, idempotencyKey: key, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ClaimTaskResponse()
            response.claim = TaskMessages.claim(claim)
            return response
        }
    }

    /// Approves or rejects a submitted claim as the calling operator. The idempotency key is not
    /// needed and not kept: the same decision again returns the claim unchanged (the first note
    /// stands), so a retry is harmless.
    public func reviewClaim(
        request: Hearth_Campaign_V1_ReviewClaimRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ReviewClaimResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let id = try TaskMessages.claimID(request.claimID)
            let decision = try TaskMessages.decision(request.decision)
            let note = try TaskMessages.note(request.reviewNote, for: decision)
            let reviewer = try TaskMessages.actor(caller)
            let claim = try await TaskStore(pool: pool).review(
                id, decision: decision, note: note, reviewer: reviewer, tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ReviewClaimResponse()
            response.claim = TaskMessages.claim(claim)
            return response
        }
    }

    /// Claims of a task or a campaign, oldest first (the review queue), optionally of one member
    /// and in some statuses.
    public func listClaims(
        request: Hearth_Campaign_V1_ListClaimsRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListClaimsResponse {
        try await handleParticipation {
            let caller = try RPCCaller.current()
            let task: CampaignTaskID? = try CampaignMessages.optionalID(request.taskID, field: "task_id", what: "task")
            let campaign: CampaignID? = try CampaignMessages.optionalID(
                request.campaignID, field: "campaign_id", what: "campaign")
            guard task != nil || campaign != nil else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "name the task_id or the campaign_id (or both) whose claims to list",
                    reason: "missing_field",
                    fields: [
                        "task_id": "task_id or campaign_id required", "campaign_id": "task_id or campaign_id required",
                    ])
            }
            let member: MemberID? = try CampaignMessages.optionalID(
                request.memberID, field: "member_id", what: "member")
            let statuses = try TaskMessages.statuses(request.statuses)
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListClaims").map {
                (submittedAt: $0.0, id: TaskClaimID($0.1[0]))
            }
            let page = try await TaskStore(pool: pool).claims(
                task: task, campaign: campaign, member: member, statuses: statuses, after: cursor,
                limit: TaskMessages.pageSize(request.page), tenant: caller.tenant)
            var response = Hearth_Campaign_V1_ListClaimsResponse()
            response.claims = page.claims.map(TaskMessages.claim)
            if page.more, let last = page.claims.last {
                response.page.nextCursor = PageCursor.encode(last.submittedAt, last.id.description)
            }
            return response
        }
    }

    /// Runs a task or contest handler like ``handle(_:)``, sending refusals with their code and
    /// stable reason.
    func handleParticipation<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await handle {
            do {
                return try await body()
            } catch let refusal as CampaignTask.Refusal {
                throw TaskMessages.status(refusal)
            } catch let refusal as ContestEntry.Refusal {
                throw ContestMessages.status(refusal)
            }
        }
    }
}
