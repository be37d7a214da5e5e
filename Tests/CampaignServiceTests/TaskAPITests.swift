import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

/// Calls the task tests make again and again, over the real transport.
enum TaskCalls {
    typealias Client = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    static func createTask(
        _ client: Client, campaign: CampaignID, title: String = "晒单返积分", points: Int64? = 10,
        proofRequired: Bool = false, maxClaims: Int32 = 0, window: (start: Date?, end: Date?)? = nil,
        key: String = ""
    ) async throws -> Hearth_Campaign_V1_CampaignTask {
        var request = Hearth_Campaign_V1_CreateTaskRequest()
        request.campaignID = campaign.description
        request.title = title
        if let points { request.reward.points = points }
        request.proofRequired = proofRequired
        request.maxClaimsPerMember = maxClaims
        if let window {
            var range = Hearth_Common_V1_TimeRange()
            if let start = window.start { range.start = Google_Protobuf_Timestamp(date: start) }
            if let end = window.end { range.end = Google_Protobuf_Timestamp(date: end) }
            request.claimWindow = range
        }
        request.idempotencyKey = key
        return try await client.createTask(request).task
    }

    static func claim(
        _ client: Client, _ task: String, by member: MemberID, proof: String = "", links: [String] = [],
        key: String = ""
    ) async throws -> Hearth_Campaign_V1_TaskClaim {
        var request = Hearth_Campaign_V1_ClaimTaskRequest()
        request.taskID = task
        request.memberID = member.description
        request.proofText = proof
        request.proofUrls = links
        request.idempotencyKey = key
        return try await client.claimTask(request).claim
    }

    static func review(
        _ client: Client, _ claim: String, _ decision: Hearth_Campaign_V1_ClaimStatus, note: String = ""
    ) async throws -> Hearth_Campaign_V1_TaskClaim {
        var request = Hearth_Campaign_V1_ReviewClaimRequest()
        request.claimID = claim
        request.decision = decision
        request.reviewNote = note
        return try await client.reviewClaim(request).claim
    }

    static func claims(
        _ client: Client, task: String = "", campaign: String = "", member: String = "",
        statuses: [Hearth_Campaign_V1_ClaimStatus] = [], pageSize: Int32 = 0, cursor: String = ""
    ) async throws -> Hearth_Campaign_V1_ListClaimsResponse {
        var request = Hearth_Campaign_V1_ListClaimsRequest()
        request.taskID = task
        request.campaignID = campaign
        request.memberID = member
        request.statuses = statuses
        request.page.pageSize = pageSize
        request.page.cursor = cursor
        return try await client.listClaims(request)
    }
}

/// The `ErrorDetail.reason` a failed call carries.
func participationReason(_ error: RPCError) -> String? {
    guard let bytes = error.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else { return nil }
    return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
}

/// Calls `body` and expects it to fail with `code` and `ErrorDetail.reason` `reason` (`nil`: no
/// ErrorDetail) and a message containing `text`, when given.
func expectParticipationRefusal(
    _ code: RPCError.Code, _ reason: String?, containing text: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record(
            "expected \(code) (\(reason ?? "no reason")), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(participationReason(error) == reason, "\(error.message)", sourceLocation: sourceLocation)
        if let text {
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected an RPCError, got \(error)", sourceLocation: sourceLocation)
    }
}

extension CampaignEngineHarness {
    /// `count` live members of `tenant` (default: the harness's).
    func participationMembers(_ count: Int, tenant: TenantID? = nil) async throws -> [MemberID] {
        let owner = tenant ?? self.tenant
        return try await pool.withTenant(owner) { connection in
            try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name)
                SELECT \(owner.rawValue), '参与者 ' || i FROM generate_series(1, \(count)) AS i
                RETURNING member_id
                """
            ).map { MemberID(try $0.decode(UUID.self, at: 0)) }
        }
    }

    /// A campaign of `kind` with a one-off occurrence a minute ago inside `period` (default: from an
    /// hour ago to a day ahead), running unless `launched` is false (then a draft).
    func participationCampaign(
        _ kind: CampaignKind, rules: CampaignRules? = nil, period: CampaignPeriod? = nil, launched: Bool = true,
        tenant: TenantID? = nil
    ) async throws -> Campaign {
        let owner = tenant ?? self.tenant
        let now = Date()
        let campaign = try await campaigns.create(
            Campaign(
                tenantID: owner, name: "\(kind.rawValue) \(UUID().uuidString.prefix(6))", kind: kind, channels: [.log],
                period: period
                    ?? CampaignPeriod(start: now.addingTimeInterval(-3_600), end: now.addingTimeInterval(86_400)),
                schedule: CampaignSchedule(.once(at: now.addingTimeInterval(-60)), duration: .seconds(3_600)),
                messages: [PhaseMessage(phase: .live, timing: .offset(.zero), text: "活动开始啦")], rules: rules))
        guard launched else { return campaign }
        _ = try await campaigns.apply(.schedule, reason: nil, to: campaign.id, tenant: owner)
        guard let running = try await campaigns.apply(.launch, reason: nil, to: campaign.id, tenant: owner) else {
            throw RPCError(code: .internalError, message: "the test campaign vanished")
        }
        return running.campaign
    }

    /// Runs `body` with a campaign-service client whose token names `operatorID` with `role`.
    func withOperatorClient<T: Sendable>(
        _ operatorID: String, role: AccessRole = .operator,
        _ body: (Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>) async throws -> T
    ) async throws -> T {
        try await withCampaignClient(role: role, operatorID: operatorID, body)
    }

    /// Marks a member deleted, erased or merged into `survivor`, straight in the database.
    func retireMember(_ id: MemberID, deleted: Bool = false, erased: Bool = false, mergedInto survivor: MemberID? = nil)
        async throws
    {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                UPDATE members
                SET deleted_at = CASE WHEN \(deleted) THEN now() END, erased_at = CASE WHEN \(erased) THEN now() END,
                    merged_into_member_id = \(survivor?.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)
                """)
        }
    }
}

@Suite("campaign-service: tasks, claims and reviews over the wire, against PostgreSQL")
struct TaskAPITests {
    typealias Call = TaskCalls

    @Test func tasksBelongToTaskChallengeCampaignsThatHaveNotFinished() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.participationCampaign(.taskChallenge)
            let offer = try await harness.participationCampaign(.flashOffer)
            let cancelled = try await harness.participationCampaign(.taskChallenge)
            _ = try await harness.campaigns.apply(
                .cancel, reason: "预算取消", to: cancelled.id, tenant: harness.tenant)
            try await harness.withCampaignClient { client in
                let first = try await Call.createTask(
                    client, campaign: campaign.id, title: "  晒单返积分  ", points: 10, proofRequired: true,
                    maxClaims: 2, key: "task-1")
                #expect(first.title == "晒单返积分")
                #expect(first.campaignID == campaign.id.description)
                #expect(first.reward.points == 10)
                #expect(first.proofRequired)
                #expect(first.maxClaimsPerMember == 2)
                #expect(!first.hasClaimWindow)

                // A retry with the same key gets the same task; no second one is made.
                let retried = try await Call.createTask(
                    client, campaign: campaign.id, title: "晒单返积分", proofRequired: true, maxClaims: 2, key: "task-1")
                #expect(retried.taskID == first.taskID)

                var gift = Hearth_Campaign_V1_CreateTaskRequest()
                gift.campaignID = campaign.id.description
                gift.title = "邀请三位好友"
                gift.reward.gift = "保温杯一个"
                let second = try await client.createTask(gift).task
                #expect(second.reward.gift == "保温杯一个")
                #expect(second.maxClaimsPerMember == 1)  // 0 means 1

                var list = Hearth_Campaign_V1_ListTasksRequest()
                list.campaignID = campaign.id.description
                list.page.pageSize = 1
                let page1 = try await client.listTasks(list)
                #expect(page1.tasks.map(\.taskID) == [first.taskID])
                #expect(!page1.page.nextCursor.isEmpty)
                list.page.cursor = page1.page.nextCursor
                let page2 = try await client.listTasks(list)
                #expect(page2.tasks.map(\.taskID) == [second.taskID])
                #expect(page2.page.nextCursor.isEmpty)

                // Bad input names the field.
                await expectParticipationRefusal(.invalidArgument, "title_invalid") {
                    _ = try await Call.createTask(client, campaign: campaign.id, title: "   ")
                }
                await expectParticipationRefusal(.invalidArgument, "reward_invalid") {
                    _ = try await Call.createTask(client, campaign: campaign.id, points: -5)
                }
                await expectParticipationRefusal(.invalidArgument, "out_of_range") {
                    _ = try await Call.createTask(client, campaign: campaign.id, maxClaims: 1_001)
                }
                await expectParticipationRefusal(.invalidArgument, "claim_window_invalid") {
                    _ = try await Call.createTask(
                        client, campaign: campaign.id,
                        window: (Date().addingTimeInterval(3_600), Date().addingTimeInterval(60)))
                }
                // The wrong kind, and a finished campaign.
                await expectParticipationRefusal(.failedPrecondition, "wrong_kind", containing: "flash_offer") {
                    _ = try await Call.createTask(client, campaign: offer.id)
                }
                await expectParticipationRefusal(.failedPrecondition, "campaign_finished", containing: "cancelled") {
                    _ = try await Call.createTask(client, campaign: cancelled.id)
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.createTask(client, campaign: CampaignID())
                }
                list.page = Hearth_Common_V1_PageRequest()
                let all = try await client.listTasks(list)
                #expect(all.tasks.map(\.taskID) == [first.taskID, second.taskID])
            }
        }
    }

    @Test func claimsNeedARunningCampaignAnOpenWindowALiveMemberAndProof() async throws {
        try await CampaignEngineHarness.with { harness in
            let now = Date()
            let campaign = try await harness.participationCampaign(.taskChallenge)
            let draft = try await harness.participationCampaign(.taskChallenge, launched: false)
            let ended = try await harness.participationCampaign(
                .taskChallenge,
                period: CampaignPeriod(start: now.addingTimeInterval(-3_600), end: now.addingTimeInterval(-30)))
            let members = try await harness.participationMembers(6)
            try await harness.retireMember(members[3], deleted: true)
            try await harness.retireMember(members[4], erased: true)
            try await harness.retireMember(members[5], mergedInto: members[0])
            try await harness.withCampaignClient(role: .agent) { agent in
                let (proofTask, later, past, drafted, afterPeriod) = try await harness.withCampaignClient { client in
                    let proofTask = try await Call.createTask(client, campaign: campaign.id, proofRequired: true)
                    let later = try await Call.createTask(
                        client, campaign: campaign.id, window: (now.addingTimeInterval(3_600), nil))
                    let past = try await Call.createTask(
                        client, campaign: campaign.id,
                        window: (now.addingTimeInterval(-7_200), now.addingTimeInterval(-3_600)))
                    let drafted = try await Call.createTask(client, campaign: draft.id)
                    let afterPeriod = try await Call.createTask(client, campaign: ended.id)
                    return (proofTask, later, past, drafted, afterPeriod)
                }
                await expectParticipationRefusal(.failedPrecondition, "proof_missing") {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[0], proof: "   ")
                }
                await expectParticipationRefusal(.invalidArgument, "proof_url_invalid") {
                    _ = try await Call.claim(
                        agent, proofTask.taskID, by: members[0], links: ["ftp://example.com/a.png"])
                }
                await expectParticipationRefusal(.invalidArgument, "proof_url_invalid") {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[0], links: ["晒单截图"])
                }
                let claim = try await Call.claim(
                    agent, proofTask.taskID, by: members[0], links: [" https://img.example.com/order/1.png "])
                #expect(claim.status == .submitted)
                #expect(claim.proofUrls == ["https://img.example.com/order/1.png"])
                #expect(claim.memberID == members[0].description)
                #expect(claim.hasSubmittedAt)
                #expect(!claim.hasReviewedAt)
                let text = try await Call.claim(agent, proofTask.taskID, by: members[1], proof: "订单号 2026050188")
                #expect(text.proofText == "订单号 2026050188")

                await expectParticipationRefusal(
                    .failedPrecondition, "claim_waiting", containing: "a claim is waiting for review"
                ) {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[0], proof: "再来一次")
                }
                // The window: not open yet, closed, and (unset) the campaign's period that ended.
                await expectParticipationRefusal(.failedPrecondition, "task_not_open", containing: "not open yet") {
                    _ = try await Call.claim(agent, later.taskID, by: members[0])
                }
                await expectParticipationRefusal(.failedPrecondition, "task_not_open", containing: "closed") {
                    _ = try await Call.claim(agent, past.taskID, by: members[0])
                }
                await expectParticipationRefusal(.failedPrecondition, "task_not_open", containing: "closed") {
                    _ = try await Call.claim(agent, afterPeriod.taskID, by: members[0])
                }
                await expectParticipationRefusal(.failedPrecondition, "campaign_not_running", containing: "draft") {
                    _ = try await Call.claim(agent, drafted.taskID, by: members[0])
                }
                // Members who are gone.
                await expectParticipationRefusal(.failedPrecondition, "member_deleted", containing: "deleted") {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[3], proof: "x")
                }
                await expectParticipationRefusal(.failedPrecondition, "member_deleted", containing: "erased") {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[4], proof: "x")
                }
                await expectParticipationRefusal(
                    .failedPrecondition, "member_deleted", containing: "merged into member \(members[0])"
                ) {
                    _ = try await Call.claim(agent, proofTask.taskID, by: members[5], proof: "x")
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.claim(agent, proofTask.taskID, by: MemberID(), proof: "x")
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.claim(agent, CampaignTaskID().description, by: members[2], proof: "x")
                }
                await expectParticipationRefusal(.invalidArgument, "invalid_id") {
                    _ = try await Call.claim(agent, "task-1", by: members[2], proof: "x")
                }

                // A retried call with the same key gets its claim back instead of "waiting".
                let keyed = try await Call.claim(agent, proofTask.taskID, by: members[2], proof: "x", key: "claim-7")
                let again = try await Call.claim(agent, proofTask.taskID, by: members[2], proof: "x", key: "claim-7")
                #expect(again.claimID == keyed.claimID)

                let queue = try await Call.claims(agent, task: proofTask.taskID)
                #expect(queue.claims.map(\.claimID) == [claim.claimID, text.claimID, keyed.claimID])
            }
        }
    }

    @Test func concurrentClaimsOfOneMemberLeaveExactlyOneWaiting() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.participationCampaign(.taskChallenge)
            let member = try await harness.participationMembers(1)[0]
            try await harness.withCampaignClient { client in
                let task = try await Call.createTask(client, campaign: campaign.id, maxClaims: 5)
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            do {
                                _ = try await Call.claim(client, task.taskID, by: member)
                                return "claimed"
                            } catch let error as RPCError {
                                return participationReason(error) ?? "\(error.code)"
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                    var all: [String] = []
                    for await outcome in group { all.append(outcome) }
                    return all.sorted()
                }
                #expect(
                    outcomes == [
                        "claim_waiting", "claim_waiting", "claim_waiting", "claim_waiting",
                        "claim_waiting", "claimed",
                    ])
                let waiting = try await Call.claims(client, task: task.taskID, statuses: [.submitted])
                #expect(waiting.claims.count == 1)
            }
        }
    }

    @Test func reviewsDecideOnceAndKeepEachMemberWithinTheAllowance() async throws {
        try await CampaignEngineHarness.with { harness in
            let campaign = try await harness.participationCampaign(.taskChallenge)
            let members = try await harness.participationMembers(2)
            try await harness.withCampaignClient { client in
                let task = try await Call.createTask(client, campaign: campaign.id, maxClaims: 2)
                let first = try await Call.claim(client, task.taskID, by: members[0])

                let approved = try await Call.review(client, first.claimID, .approved)
                #expect(approved.status == .approved)
                #expect(approved.reviewedByOperatorID == "op-test")
                #expect(approved.reviewNote == "")
                #expect(approved.hasReviewedAt)
                // The same decision again changes nothing; the other one is refused.
                let repeated = try await Call.review(client, first.claimID, .approved, note: "再次确认")
                #expect(repeated == approved)
                await expectParticipationRefusal(.failedPrecondition, "already_reviewed") {
                    _ = try await Call.review(client, first.claimID, .rejected, note: "看错了")
                }
                await expectParticipationRefusal(.invalidArgument, "decision_invalid") {
                    _ = try await Call.review(client, first.claimID, .submitted)
                }
                await expectParticipationRefusal(.invalidArgument, "missing_field") {
                    _ = try await Call.review(client, first.claimID, .unspecified)
                }

                // A rejection needs a note; a rejected member may claim again.
                let second = try await Call.claim(client, task.taskID, by: members[0])
                await expectParticipationRefusal(.invalidArgument, "review_note_invalid") {
                    _ = try await Call.review(client, second.claimID, .rejected, note: "  ")
                }
                let rejected = try await Call.review(client, second.claimID, .rejected, note: "截图看不清订单号")
                #expect(rejected.status == .rejected)
                #expect(rejected.reviewNote == "截图看不清订单号")
                let third = try await Call.claim(client, task.taskID, by: members[0])
                let thirdApproved = try await Call.review(client, third.claimID, .approved)
                #expect(thirdApproved.status == .approved)
                // Two approved claims: the allowance is used up.
                await expectParticipationRefusal(.failedPrecondition, "claim_limit_reached", containing: "2 approved") {
                    _ = try await Call.claim(client, task.taskID, by: members[0])
                }

                // Approving beyond the allowance is refused too (the allowance was lowered meanwhile).
                let other = try await Call.claim(client, task.taskID, by: members[1])
                _ = try await Call.review(client, other.claimID, .approved)
                let waiting = try await Call.claim(client, task.taskID, by: members[1])
                let taskUUID = try #require(UUID(uuidString: task.taskID))
                try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        """
                        UPDATE campaign_tasks SET max_claims_per_member = 1
                        WHERE tenant_id = \(harness.tenant.rawValue) AND task_id = \(taskUUID)
                        """)
                }
                await expectParticipationRefusal(.failedPrecondition, "claim_limit_reached") {
                    _ = try await Call.review(client, waiting.claimID, .approved)
                }
                let turnedDown = try await Call.review(client, waiting.claimID, .rejected, note: "每人限一次")
                #expect(turnedDown.status == .rejected)

                // The queue, oldest first, with filters.
                let everything = try await Call.claims(client, campaign: campaign.id.description)
                #expect(
                    everything.claims.map(\.claimID) == [
                        first.claimID, second.claimID, third.claimID, other.claimID, waiting.claimID,
                    ])
                #expect(everything.claims.map(\.status) == [.approved, .rejected, .approved, .approved, .rejected])
                let mine = try await Call.claims(
                    client, task: task.taskID, campaign: campaign.id.description, member: members[0].description,
                    statuses: [.approved])
                #expect(mine.claims.map(\.claimID) == [first.claimID, third.claimID])
                let paged = try await Call.claims(client, task: task.taskID, pageSize: 2)
                #expect(paged.claims.map(\.claimID) == [first.claimID, second.claimID])
                let rest = try await Call.claims(client, task: task.taskID, pageSize: 2, cursor: paged.page.nextCursor)
                #expect(rest.claims.map(\.claimID) == [third.claimID, other.claimID])
                await expectParticipationRefusal(.invalidArgument, "missing_field") {
                    _ = try await Call.claims(client, member: members[0].description)
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.claims(client, task: task.taskID, campaign: CampaignID().description)
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.review(client, TaskClaimID().description, .approved)
                }
            }
        }
    }

    @Test func anotherTenantSeesNothingAndRolesHold() async throws {
        try await CampaignEngineHarness.with { harness in
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "t\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let campaign = try await harness.participationCampaign(.taskChallenge)
            let member = try await harness.participationMembers(1)[0]
            let stranger = try await harness.participationMembers(1, tenant: other)[0]
            let (task, claim) = try await harness.withCampaignClient { client in
                let task = try await Call.createTask(client, campaign: campaign.id)
                let claim = try await Call.claim(client, task.taskID, by: member)
                return (task, claim)
            }
            try await harness.withCampaignClient(tenant: other) { client in
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.createTask(client, campaign: campaign.id)
                }
                var list = Hearth_Campaign_V1_ListTasksRequest()
                list.campaignID = campaign.id.description
                await expectParticipationRefusal(.notFound, nil) { _ = try await client.listTasks(list) }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.claim(client, task.taskID, by: stranger)
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.review(client, claim.claimID, .approved)
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.claims(client, task: task.taskID)
                }
            }
            try await harness.withCampaignClient(role: .agent) { agent in
                // Agents take claims but do not review them or make tasks.
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.review(agent, claim.claimID, .approved)
                }
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.createTask(agent, campaign: campaign.id)
                }
            }
            try await harness.withCampaignClient(role: .viewer) { viewer in
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.claim(viewer, task.taskID, by: member)
                }
                let queue = try await Call.claims(viewer, task: task.taskID)
                #expect(queue.claims.map(\.claimID) == [claim.claimID])
            }
        }
    }
}
