public import Foundation
public import HearthDomain
import HearthPostgres

/// Claims: members say they did a task, operators approve or reject, the queue is read oldest first.
extension TaskStore {
    static let claimColumns = """
        claim_id, task_id, campaign_id, member_id, proof_text, proof_urls, status, review_note, reviewed_by,
        submitted_at, reviewed_at
        """

    /// Records a member's claim on a task at `now`. Refused (``CampaignTask/Refusal``) unless the
    /// task's campaign runs, the claim window is open, the member is live, proof comes when the task
    /// needs it, no earlier claim of the member waits for review and the member's approved claims
    /// are below the task's allowance. When `idempotencyKey` made a claim on this task before, that
    /// claim is returned as it is now. `notFound` for a task or member the tenant does not have.
    public func claim(
        _ taskID: CampaignTaskID, member: MemberID, proof: TaskClaim.Proof, idempotencyKey: String?,
        tenant: TenantID, now: Date = Date()
    ) async throws -> TaskClaim {
        try proof.validate()
        return try await pool.withTenant(tenant) { connection in
            let task = try await Self.task(taskID, tenant: tenant, on: connection)
            if let idempotencyKey,
                let earlier = try await Self.earlierClaim(
                    task: taskID, idempotencyKey: idempotencyKey, member: member, tenant: tenant, on: connection)
            {
                return earlier
            }
            let campaign = try await CampaignActivityLock.share.campaign(
                task.campaignID, tenant: tenant, on: connection)
            try CampaignTask.checkCampaign(campaign, forClaims: true)
            try task.checkClaimable(at: now, in: campaign.period)
            let claimant = try await ParticipatingMember.lock(member, tenant: tenant, on: connection)
            if let gone = claimant.whyGone("claim tasks") { throw CampaignTask.Refusal(.memberDeleted, gone) }
            if task.proofRequired && proof.isEmpty {
                throw CampaignTask.Refusal(
                    .proofMissing, "task \(task.id) needs proof: a text or at least one link showing it was done")
            }
            let (waiting, approved) = try await Self.claimCounts(
                of: member, task: taskID, excluding: nil, tenant: tenant, on: connection)
            guard waiting == 0 else { throw Self.waiting(member, taskID) }
            guard approved < task.maxClaimsPerMember else {
                throw Self.limitReached(member, task: task, approved: approved)
            }
            let rows = try await connection.query(
                """
                INSERT INTO task_claims (tenant_id, claim_id, campaign_id, task_id, member_id, proof_text, proof_urls,
                                         idempotency_key)
                VALUES (\(tenant.rawValue), \(TaskClaimID().rawValue), \(task.campaignID.rawValue), \(taskID.rawValue),
                        \(member.rawValue), \(proof.text), \(proof.links), \(idempotencyKey))
                ON CONFLICT DO NOTHING
                RETURNING \(unescaped: Self.claimColumns)
                """)
            if let row = rows.first { return try TaskClaim(row: row) }
            // The member's row lock makes this a same-key retry that ran at the same moment, or a
            // waiting claim that slipped in: the unique keys kept a second one out.
            if let idempotencyKey,
                let earlier = try await Self.earlierClaim(
                    task: taskID, idempotencyKey: idempotencyKey, member: member, tenant: tenant, on: connection)
            {
                return earlier
            }
            throw Self.waiting(member, taskID)
        }
    }

    /// Approves or rejects a submitted claim as `reviewer` at `now`; the same decision on a claim
    /// that has it already returns the claim unchanged (a retried call), the other decision is
    /// refused (`already_reviewed`). Approving beyond the member's allowance on the task is refused
    /// (`claim_limit_reached`). `notFound` for a claim the tenant does not have.
    public func review(
        _ id: TaskClaimID, decision: TaskClaim.Decision, note: String?, reviewer: String, tenant: TenantID,
        now: Date = Date()
    ) async throws -> TaskClaim {
        try await pool.withTenant(tenant) { connection in
            guard
                var claim = try await connection.query(
                    """
                    SELECT \(unescaped: Self.claimColumns) FROM task_claims
                    WHERE tenant_id = \(tenant.rawValue) AND claim_id = \(id.rawValue) FOR UPDATE
                    """
                ).first.map(TaskClaim.init(row:))
            else { throw DomainError(code: .notFound, message: "no claim \(id) in this tenant") }
            if claim.status == .submitted && decision == .approve {
                let task = try await Self.task(claim.taskID, tenant: tenant, on: connection)
                let (_, approved) = try await Self.claimCounts(
                    of: claim.memberID, task: claim.taskID, excluding: claim.id, tenant: tenant, on: connection)
                guard approved < task.maxClaimsPerMember else {
                    throw Self.limitReached(claim.memberID, task: task, approved: approved)
                }
            }
            guard try claim.review(decision, note: note, by: reviewer, at: now) == .decided else { return claim }
            let rows = try await connection.query(
                """
                UPDATE task_claims SET status = \(claim.status.rawValue), review_note = \(claim.reviewNote),
                                       reviewed_by = \(claim.reviewedBy), reviewed_at = \(claim.reviewedAt)
                WHERE tenant_id = \(tenant.rawValue) AND claim_id = \(id.rawValue)
                RETURNING \(unescaped: Self.claimColumns)
                """)
            return try TaskClaim(row: rows[0])
        }
    }

    /// Claims of a task, of a campaign's tasks, or both (the task must be the campaign's), oldest
    /// first (the review queue), optionally of one member and in some statuses (empty: every one),
    /// after `cursor` (submitted_at, id), at most `limit`. `invalidArgument` without a task or a
    /// campaign; `notFound` for a task, campaign or member the tenant does not have.
    public func claims(
        task: CampaignTaskID?, campaign: CampaignID?, member: MemberID?, statuses: [TaskClaim.Status],
        after cursor: (submittedAt: Date, id: TaskClaimID)?, limit: Int, tenant: TenantID
    ) async throws -> (claims: [TaskClaim], more: Bool) {
        guard task != nil || campaign != nil else {
            throw DomainError(
                code: .invalidArgument, message: "claims are listed per task or per campaign; name one or both")
        }
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.claimColumns + " FROM task_claims WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if let task { statement.sql += " AND task_id = \(statement.bind(task.rawValue))" }
        if let campaign { statement.sql += " AND campaign_id = \(statement.bind(campaign.rawValue))" }
        if let member { statement.sql += " AND member_id = \(statement.bind(member.rawValue))" }
        if !statuses.isEmpty { statement.sql += " AND status = ANY(\(statement.bind(statuses.map(\.rawValue))))" }
        if let cursor {
            let time = statement.bind(cursor.submittedAt)
            let id = statement.bind(cursor.id.rawValue)
            statement.sql += " AND (submitted_at, claim_id) > (\(time), \(id))"
        }
        statement.sql += " ORDER BY submitted_at, claim_id LIMIT \(limit + 1)"
        let rows: [TaskClaim] = try await pool.withTenant(tenant) { connection in
            if let task {
                let found = try await Self.task(task, tenant: tenant, on: connection)
                if let campaign, found.campaignID != campaign {
                    throw DomainError(code: .notFound, message: "no task \(task) in campaign \(campaign)")
                }
            } else if let campaign {
                guard try await CampaignStore.find(campaign, tenant: tenant, lock: false, on: connection) != nil else {
                    throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
                }
            }
            if let member {
                let found = try await connection.query(
                    "SELECT 1 FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)")
                guard !found.isEmpty else {
                    throw DomainError(code: .notFound, message: "no member \(member) in this tenant")
                }
            }
            return try await connection.query(statement).map(TaskClaim.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    // MARK: Helpers

    /// The claim `idempotencyKey` made on `task`, if any; a key used for another member's claim is
    /// `invalidArgument` (keys are one per call, never shared).
    static func earlierClaim(
        task: CampaignTaskID, idempotencyKey: String, member: MemberID, tenant: TenantID,
        on connection: PostgresConnection
    ) async throws -> TaskClaim? {
        guard
            let earlier = try await connection.query(
                """
                SELECT \(unescaped: claimColumns) FROM task_claims
                WHERE tenant_id = \(tenant.rawValue) AND task_id = \(task.rawValue)
                  AND idempotency_key = \(idempotencyKey)
                """
            ).first.map(TaskClaim.init(row:))
        else { return nil }
        guard earlier.memberID == member else {
            throw DomainError(
                code: .invalidArgument,
                message: "idempotency key \"\(idempotencyKey)\" was used for member \(earlier.memberID)'s claim on "
                    + "task \(task); send a new key with each new claim")
        }
        return earlier
    }

    /// How many of a member's claims on a task wait for review and how many were approved, leaving
    /// out `excluding`.
    static func claimCounts(
        of member: MemberID, task: CampaignTaskID, excluding: TaskClaimID?, tenant: TenantID,
        on connection: PostgresConnection
    ) async throws -> (waiting: Int, approved: Int) {
        let row = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE status = 'submitted'), count(*) FILTER (WHERE status = 'approved')
            FROM task_claims
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue) AND task_id = \(task.rawValue)
              AND claim_id IS DISTINCT FROM \(excluding?.rawValue)
            """)[0]
        return (try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1))
    }

    static func waiting(_ member: MemberID, _ task: CampaignTaskID) -> CampaignTask.Refusal {
        CampaignTask.Refusal(
            .claimWaiting,
            "a claim is waiting for review: member \(member)'s earlier claim on task \(task) must be approved or "
                + "rejected before they claim again")
    }

    static func limitReached(_ member: MemberID, task: CampaignTask, approved: Int) -> CampaignTask.Refusal {
        CampaignTask.Refusal(
            .claimLimitReached,
            "member \(member) has \(approved) approved claim\(approved == 1 ? "" : "s") on task \(task.id), as many "
                + "as it allows (\(task.maxClaimsPerMember))")
    }
}

extension TaskClaim {
    /// Reads a row selected with ``TaskStore/claimColumns``.
    init(row: PostgresRow) throws {
        let text = try row.decode(String.self, at: 6)
        guard let status = Status(rawValue: text) else {
            throw PostgresError(code: .decodingFailed, message: "unknown claim status \"\(text)\" in task_claims")
        }
        self.init(
            id: TaskClaimID(try row.decode(UUID.self, at: 0)),
            taskID: CampaignTaskID(try row.decode(UUID.self, at: 1)),
            campaignID: CampaignID(try row.decode(UUID.self, at: 2)),
            memberID: MemberID(try row.decode(UUID.self, at: 3)),
            proof: Proof(text: try row.decode(String.self, at: 4), links: try row.decode([String].self, at: 5)),
            status: status,
            reviewNote: try row.decode(String?.self, at: 7),
            reviewedBy: try row.decode(String?.self, at: 8),
            submittedAt: try row.decode(Date.self, at: 9),
            reviewedAt: try row.decode(Date?.self, at: 10))
    }
}
