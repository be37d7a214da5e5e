public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of tasks and their claims: tasks of task_challenge campaigns, members' claims with
/// proof, and operators' reviews.
///
/// Claims are counted under the member's row lock, so one member's concurrent claims are decided one
/// after the other; the partial unique index `task_claims_one_waiting_idx` still refuses a second
/// waiting claim if anything slipped past. Refusals the state causes are ``CampaignTask/Refusal``s
/// with a stable reason; missing rows are `notFound`.
public struct TaskStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let taskColumns = """
        task_id, campaign_id, title, details, reward_kind, reward_amount, reward_gift, proof_required,
        max_claims_per_member, claim_window_start, claim_window_end, created_at
        """

    // MARK: Tasks

    /// Saves a task of a task_challenge campaign that has not finished. When `idempotencyKey` made a
    /// task of this campaign before, nothing is written and that task is returned. `notFound` for a
    /// campaign the tenant does not have; `invalidArgument` when the window, with its unset bounds
    /// taken from the campaign's period, would be empty.
    public func create(_ task: CampaignTask, idempotencyKey: String?, tenant: TenantID) async throws -> CampaignTask {
        try task.validate()
        return try await pool.withTenant(tenant) { connection in
            if let idempotencyKey,
                let earlier = try await Self.task(
                    of: task.campaignID, idempotencyKey: idempotencyKey, tenant: tenant, on: connection)
            {
                return earlier
            }
            let campaign = try await CampaignActivityLock.share.campaign(
                task.campaignID, tenant: tenant, on: connection)
            try CampaignTask.checkCampaign(campaign, forClaims: false)
            let window = task.claimWindow(in: campaign.period)
            if let start = window.start, let end = window.end, end <= start {
                throw DomainError(
                    code: .invalidArgument,
                    message: "the claim window would run from \(start) to \(end) (unset bounds follow the campaign's "
                        + "period); give bounds that leave some time to claim")
            }
            let (rewardKind, rewardAmount, rewardGift): (String?, Int64?, String?) =
                switch task.reward {
                case nil: (nil, nil, nil)
                case .money(let fen)?: ("money", fen, nil)
                case .points(let points)?: ("points", points, nil)
                case .gift(let text)?: ("gift", nil, text)
                }
            let rows = try await connection.query(
                """
                INSERT INTO campaign_tasks (tenant_id, task_id, campaign_id, title, details, reward_kind, reward_amount,
                                            reward_gift, proof_required, max_claims_per_member, claim_window_start,
                                            claim_window_end, idempotency_key)
                VALUES (\(tenant.rawValue), \(task.id.rawValue), \(task.campaignID.rawValue), \(task.title),
                        \(task.details), \(rewardKind), \(rewardAmount), \(rewardGift), \(task.proofRequired),
                        \(Int32(clamping: task.maxClaimsPerMember)), \(task.claimWindowStart), \(task.claimWindowEnd),
                        \(idempotencyKey))
                ON CONFLICT (tenant_id, campaign_id, idempotency_key) DO NOTHING
                RETURNING \(unescaped: Self.taskColumns)
                """)
            if let row = rows.first { return try CampaignTask(row: row) }
            // A retry with the same key that ran at the same moment: the first one's task stands.
            guard let idempotencyKey,
                let earlier = try await Self.task(
                    of: task.campaignID, idempotencyKey: idempotencyKey, tenant: tenant, on: connection)
            else {
                throw DomainError(code: .aborted, message: "a concurrent creation of this task won; try again")
            }
            return earlier
        }
    }

    /// A campaign's tasks in the order they were made, after `cursor` (created_at, id), at most
    /// `limit`; `notFound` when the tenant has no such campaign.
    public func tasks(
        of campaign: CampaignID, after cursor: (createdAt: Date, id: CampaignTaskID)?, limit: Int, tenant: TenantID
    ) async throws -> (tasks: [CampaignTask], more: Bool) {
        let limit = max(1, min(limit, 500))
        let rows: [CampaignTask] = try await pool.withTenant(tenant) { connection in
            guard try await CampaignStore.find(campaign, tenant: tenant, lock: false, on: connection) != nil else {
                throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
            }
            return try await connection.query(
                """
                SELECT \(unescaped: Self.taskColumns) FROM campaign_tasks
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                  AND (\(cursor == nil) OR (created_at, task_id) > (\(cursor?.createdAt), \(cursor?.id.rawValue)))
                ORDER BY created_at, task_id
                LIMIT \(limit + 1)
                """
            ).map(CampaignTask.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    static func task(_ id: CampaignTaskID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> CampaignTask
    {
        guard
            let row = try await connection.query(
                """
                SELECT \(unescaped: taskColumns) FROM campaign_tasks
                WHERE tenant_id = \(tenant.rawValue) AND task_id = \(id.rawValue)
                """
            ).first
        else { throw DomainError(code: .notFound, message: "no task \(id) in this tenant") }
        return try CampaignTask(row: row)
    }

    /// The task `idempotencyKey` made in `campaign`, if any.
    static func task(
        of campaign: CampaignID, idempotencyKey: String, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> CampaignTask? {
        try await connection.query(
            """
            SELECT \(unescaped: taskColumns) FROM campaign_tasks
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
              AND idempotency_key = \(idempotencyKey)
            """
        ).first.map(CampaignTask.init(row:))
    }
}

extension CampaignTask {
    /// Reads a row selected with ``TaskStore/taskColumns``.
    init(row: PostgresRow) throws {
        let reward: Reward?
        switch try row.decode(String?.self, at: 4) {
        case nil: reward = nil
        case "money"?: reward = .money(fen: try row.decode(Int64.self, at: 5))
        case "points"?: reward = .points(try row.decode(Int64.self, at: 5))
        case "gift"?: reward = .gift(try row.decode(String.self, at: 6))
        case let other?:
            throw PostgresError(code: .decodingFailed, message: "unknown reward kind \"\(other)\" in campaign_tasks")
        }
        self.init(
            id: CampaignTaskID(try row.decode(UUID.self, at: 0)),
            campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
            title: try row.decode(String.self, at: 2),
            details: try row.decode(String.self, at: 3),
            reward: reward,
            proofRequired: try row.decode(Bool.self, at: 7),
            maxClaimsPerMember: try row.decode(Int.self, at: 8),
            claimWindowStart: try row.decode(Date?.self, at: 9),
            claimWindowEnd: try row.decode(Date?.self, at: 10),
            createdAt: try row.decode(Date.self, at: 11))
    }
}

// MARK: - Locks shared by tasks and contests

/// How a write on a campaign's tasks or contest locks the campaign row.
enum CampaignActivityLock: String {
    /// Reading: no lock.
    case read = ""
    /// Claims, entries, votes and scores: concurrent ones pass each other, while a status change
    /// (cancel, complete) waits for them and they for it, so nothing is added to a campaign that
    /// has just finished.
    case share = "FOR SHARE"
    /// Declaring winners: one declaration at a time, after every vote and score in flight.
    case update = "FOR UPDATE"

    /// The campaign under this lock; `notFound` when the tenant has no such campaign.
    func campaign(_ id: CampaignID, tenant: TenantID, on connection: PostgresConnection) async throws -> Campaign {
        guard
            let row = try await connection.query(
                """
                SELECT \(unescaped: CampaignStore.columns) FROM campaigns
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue) \(unescaped: rawValue)
                """
            ).first
        else { throw DomainError(code: .notFound, message: "no campaign \(id) in this tenant") }
        return try Campaign(row: row)
    }
}

/// A member about to take part in a campaign (claim a task, enter or vote in a contest), read under
/// a row lock that serialises their concurrent calls, so an allowance is counted once per call,
/// without blocking inserts elsewhere that reference the member.
struct ParticipatingMember {
    var id: MemberID
    var deleted: Bool
    var erased: Bool
    var mergedInto: MemberID?

    /// Reads and locks member `id`; `notFound` when the tenant has no such member.
    static func lock(_ id: MemberID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> ParticipatingMember
    {
        guard
            let row = try await connection.query(
                """
                SELECT deleted_at IS NOT NULL, erased_at IS NOT NULL, merged_into_member_id FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue) FOR NO KEY UPDATE
                """
            ).first
        else { throw DomainError(code: .notFound, message: "no member \(id) in this tenant") }
        return ParticipatingMember(
            id: id, deleted: try row.decode(Bool.self, at: 0), erased: try row.decode(Bool.self, at: 1),
            mergedInto: try row.decode(UUID?.self, at: 2).map { MemberID($0) })
    }

    /// Why the member can no longer `activity` (e.g. "claim tasks"), or `nil` for a live member.
    func whyGone(_ activity: String) -> String? {
        if let mergedInto {
            return "member \(id) was merged into member \(mergedInto); they \(activity) as the survivor"
        }
        if erased { return "member \(id) was erased and can no longer \(activity)" }
        if deleted { return "member \(id) is deleted; restore them before they \(activity)" }
        return nil
    }
}
