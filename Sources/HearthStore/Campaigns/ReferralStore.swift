public import Foundation
public import HearthDomain
public import HearthPostgres

/// A member's referral code as issued: whose it is, for which campaign, and how many came with it.
public struct ReferralCodeRecord: Sendable, Hashable {
    public var code: ReferralCode
    public var campaignID: CampaignID
    public var memberID: MemberID
    public var referredCount: Int64
    public var createdAt: Date
}

/// The SQL of referrals: codes per member and campaign, the fission tree and the rewards each
/// referral earns up the tree (see migration 0016). Refusals the state causes are
/// ``ReferralRefusal``s with a stable reason; missing campaigns, codes and members are `notFound`.
public struct ReferralStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Draws of a random code before giving up; with 2^40 codes even a second draw is rare.
    static let codeDraws = 5

    /// A node's columns, read by ``ReferralNode/init(row:campaign:from:)`` followed by its
    /// direct and descendant counts.
    static let nodeColumns = "n.member_id, n.referrer_member_id, n.code, n.depth, n.path, n.referred_at"

    /// The member's code for the campaign: the one issued before, or a new one. Codes are handed
    /// out for referral campaigns from draft on (posters go to print before launch) until the
    /// campaign completes or is cancelled, and only to live members.
    public func issueCode(campaign id: CampaignID, member: MemberID, tenant: TenantID) async throws
        -> ReferralCodeRecord
    {
        try await pool.withTenant(tenant) { connection in
            let campaign = try await Self.referralCampaign(id, tenant: tenant, on: connection)
            guard !campaign.status.isTerminal else {
                throw ReferralRefusal(
                    .campaignFinished,
                    "campaign \(id) is \(campaign.status.rawValue); it hands out no more referral codes")
            }
            try await Self.requireLive(member, tenant: tenant, on: connection)
            for _ in 0..<Self.codeDraws {
                if let issued = try await Self.code(of: member, in: id, tenant: tenant, on: connection) {
                    return issued
                }
                // Conflicts on either key do nothing: a code someone has (drawn again), or this
                // member's code issued by a concurrent call (found by the next lookup).
                let fresh = ReferralCode.random()
                let inserted = try await connection.query(
                    """
                    INSERT INTO referral_codes (tenant_id, code, campaign_id, member_id)
                    VALUES (\(tenant.rawValue), \(fresh.text), \(id.rawValue), \(member.rawValue))
                    ON CONFLICT DO NOTHING
                    RETURNING created_at
                    """)
                if let row = inserted.first {
                    return ReferralCodeRecord(
                        code: fresh, campaignID: id, memberID: member, referredCount: 0,
                        createdAt: try row.decode(Date.self, at: 0))
                }
            }
            throw DomainError(
                code: .aborted, message: "no free referral code came up in \(Self.codeDraws) draws; try again")
        }
    }

    /// Records that `newcomer` came with `code`: they join the code's campaign tree under its owner
    /// (who becomes a root if they are not in the tree yet), one level deeper, and every ancestor
    /// within the rules' deepest rewarded level gets a reward row, all in one transaction.
    ///
    /// The code's row is locked first, so referrals through one code queue; a newcomer brought in
    /// by two codes at once is stopped by the tree's primary key. The same newcomer with the same
    /// code again returns the node recorded then (even after the campaign stopped running).
    /// Refusals: `campaign_not_running`, `member_deleted` (the newcomer), `self_referral`,
    /// `referral_cycle`, `already_referred` (naming who referred them first).
    public func record(code: ReferralCode, newcomer: MemberID, tenant: TenantID) async throws -> ReferralNode {
        try await pool.withTenant(tenant) { connection in
            guard
                let owner = try await connection.query(
                    """
                    SELECT campaign_id, member_id FROM referral_codes
                    WHERE tenant_id = \(tenant.rawValue) AND code = \(code.text)
                    FOR UPDATE
                    """
                ).first
            else {
                throw DomainError(code: .notFound, message: "no referral code \(code) in this tenant")
            }
            let campaignID = CampaignID(try owner.decode(UUID.self, at: 0))
            let referrer = MemberID(try owner.decode(UUID.self, at: 1))
            let campaign = try await Self.referralCampaign(campaignID, tenant: tenant, on: connection)
            let existing = try await Self.node(newcomer, in: campaignID, tenant: tenant, on: connection)
            if let existing, existing.code == code {
                return existing
            }
            guard campaign.status == .running else {
                throw ReferralRefusal(
                    .campaignNotRunning,
                    "campaign \(campaignID) is \(campaign.status.rawValue); referrals are recorded only while it runs")
            }
            try await Self.requireLive(newcomer, tenant: tenant, on: connection)

            // The referrer's node: a new root unless they are in the tree already (a concurrent
            // referral may have just placed them: the insert waits for it and then does nothing).
            try await connection.query(
                """
                INSERT INTO referral_nodes (tenant_id, campaign_id, member_id, depth, path)
                VALUES (\(tenant.rawValue), \(campaignID.rawValue), \(referrer.rawValue), 0, '{}')
                ON CONFLICT DO NOTHING
                """)
            guard let above = try await Self.node(referrer, in: campaignID, tenant: tenant, on: connection) else {
                throw DomainError(
                    code: .aborted, message: "the referrer's place in the tree changed meanwhile; try again")
            }
            var placed = try above.child(newcomer, code: code)
            if let existing { throw Self.alreadyReferred(existing) }

            let inserted = try await connection.query(
                """
                INSERT INTO referral_nodes (tenant_id, campaign_id, member_id, referrer_member_id, code, depth, path)
                VALUES (\(tenant.rawValue), \(campaignID.rawValue), \(newcomer.rawValue), \(referrer.rawValue),
                        \(code.text), \(placed.depth), \(placed.path.map(\.rawValue)))
                ON CONFLICT DO NOTHING
                RETURNING referred_at
                """)
            guard let row = inserted.first else {
                // Another code brought the newcomer in meanwhile.
                guard let winner = try await Self.node(newcomer, in: campaignID, tenant: tenant, on: connection) else {
                    throw DomainError(code: .aborted, message: "the referral raced another one; try again")
                }
                throw Self.alreadyReferred(winner)
            }
            placed.referredAt = try row.decode(Date.self, at: 0)
            try await Self.reward(placed, campaign: campaign, tenant: tenant, on: connection)
            return placed
        }
    }

    // MARK: Parts of a transaction

    /// Writes the reward rows of a new node: one per ancestor level the rules reward, skipping
    /// ancestors who are gone (deleted, erased or merged away).
    static func reward(
        _ node: ReferralNode, campaign: Campaign, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        guard case .referral(let rules)? = campaign.rules, !node.path.isEmpty else { return }
        let gone = Set(
            try await connection.query(
                """
                SELECT member_id FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(node.path.map(\.rawValue)))
                  AND (deleted_at IS NOT NULL OR erased_at IS NOT NULL OR merged_into_member_id IS NOT NULL)
                """
            ).map { MemberID(try $0.decode(UUID.self, at: 0)) })
        let plan = ReferralRewardPlan(
            newcomer: node.memberID, ancestors: node.ancestorsNearestFirst, rules: rules, excluded: gone)
        for grant in plan.grants {
            try await connection.query(
                """
                INSERT INTO referral_rewards (tenant_id, campaign_id, referred_member_id, level, beneficiary_member_id,
                                              reward)
                VALUES (\(tenant.rawValue), \(campaign.id.rawValue), \(node.memberID.rawValue), \(grant.level),
                        \(grant.beneficiary.rawValue), \(try PostgresJSONB(encoding: grant.reward)))
                """)
        }
    }

    /// The campaign, which must be a referral campaign (`wrong_kind` otherwise).
    static func referralCampaign(
        _ id: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> Campaign {
        guard let campaign = try await CampaignStore.find(id, tenant: tenant, lock: false, on: connection) else {
            throw DomainError(code: .notFound, message: "no campaign \(id) in this tenant")
        }
        guard campaign.kind == .referral else {
            throw ReferralRefusal(
                .wrongKind,
                "campaign \(id) is a \(campaign.kind.rawValue) campaign; referral codes and trees belong to referral "
                    + "campaigns")
        }
        return campaign
    }

    /// Refuses a member the tenant does not have (`notFound`) or who is gone (`member_deleted`).
    static func requireLive(_ member: MemberID, tenant: TenantID, on connection: PostgresConnection) async throws {
        guard
            let row = try await connection.query(
                """
                SELECT deleted_at IS NOT NULL, erased_at IS NOT NULL, merged_into_member_id FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                """
            ).first
        else {
            throw DomainError(code: .notFound, message: "no member \(member) in this tenant")
        }
        if let survivor = try row.decode(UUID?.self, at: 2) {
            throw ReferralRefusal(
                .memberDeleted, "member \(member) was merged into \(MemberID(survivor)); use that member instead")
        }
        if try row.decode(Bool.self, at: 1) {
            throw ReferralRefusal(.memberDeleted, "member \(member) is erased; an erased member takes no part")
        }
        if try row.decode(Bool.self, at: 0) {
            throw ReferralRefusal(.memberDeleted, "member \(member) is deleted; a deleted member takes no part")
        }
    }

    /// The member's code for the campaign with its referred count, if one was issued.
    static func code(
        of member: MemberID, in campaign: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> ReferralCodeRecord? {
        guard
            let row = try await connection.query(
                """
                SELECT c.code, c.created_at,
                       (SELECT count(*) FROM referral_nodes n WHERE n.tenant_id = c.tenant_id AND n.code = c.code)
                FROM referral_codes c
                WHERE c.tenant_id = \(tenant.rawValue) AND c.campaign_id = \(campaign.rawValue)
                  AND c.member_id = \(member.rawValue)
                """
            ).first
        else { return nil }
        return ReferralCodeRecord(
            code: try storedCode(try row.decode(String.self, at: 0)), campaignID: campaign, memberID: member,
            referredCount: try row.decode(Int64.self, at: 2), createdAt: try row.decode(Date.self, at: 1))
    }

    /// A member's node in the campaign's tree with its counts, or `nil`.
    static func node(
        _ member: MemberID, in campaign: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> ReferralNode? {
        try await connection.query(
            """
            SELECT \(unescaped: nodeColumns),
                   (SELECT count(*) FROM referral_nodes c
                    WHERE c.tenant_id = n.tenant_id AND c.campaign_id = n.campaign_id
                      AND c.referrer_member_id = n.member_id),
                   (SELECT count(*) FROM referral_nodes d
                    WHERE d.tenant_id = n.tenant_id AND d.campaign_id = n.campaign_id AND d.path @> ARRAY[n.member_id])
            FROM referral_nodes n
            WHERE n.tenant_id = \(tenant.rawValue) AND n.campaign_id = \(campaign.rawValue)
              AND n.member_id = \(member.rawValue)
            """
        ).first.map { try ReferralNode(row: $0, campaign: campaign) }
    }

    /// The refusal of a newcomer who is in the tree already, naming who brought them in first.
    static func alreadyReferred(_ node: ReferralNode) -> ReferralRefusal {
        guard let referrer = node.referrerMemberID, let code = node.code else {
            return ReferralRefusal(
                .alreadyReferred,
                "member \(node.memberID) is in this campaign's referral tree already, as a root: they brought others "
                    + "in before anyone referred them")
        }
        return ReferralRefusal(
            .alreadyReferred,
            "member \(node.memberID) was referred first by member \(referrer) with code \(code); a member joins a "
                + "campaign's referral tree once")
    }

    /// A code as stored; the schema holds only valid ones.
    static func storedCode(_ text: String) throws -> ReferralCode {
        try ReferralCode(validating: text)
    }
}

extension ReferralNode {
    /// Reads ``ReferralStore/nodeColumns`` and the direct and descendant counts after them,
    /// starting at column `first`.
    init(row: PostgresRow, campaign: CampaignID, from first: Int = 0) throws {
        self.init(
            campaignID: campaign,
            memberID: MemberID(try row.decode(UUID.self, at: first)),
            referrerMemberID: try row.decode(UUID?.self, at: first + 1).map(MemberID.init),
            code: try row.decode(String?.self, at: first + 2).map(ReferralStore.storedCode),
            depth: try row.decode(Int.self, at: first + 3),
            path: try row.decode([UUID].self, at: first + 4).map(MemberID.init),
            referredAt: try row.decode(Date.self, at: first + 5),
            directCount: try row.decode(Int64.self, at: first + 6),
            descendantCount: try row.decode(Int64.self, at: first + 7))
    }
}
