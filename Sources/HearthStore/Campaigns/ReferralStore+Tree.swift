public import Foundation
public import HearthDomain
import HearthPostgres

/// Where a page of a referral tree ended. Breadth-first order is depth, then the time a member
/// joined, then member id, so a page boundary needs all three.
public struct ReferralTreeCursor: Sendable, Hashable {
    public var depth: Int
    public var referredAt: Date
    public var memberID: MemberID

    public init(depth: Int, referredAt: Date, memberID: MemberID) {
        self.depth = depth
        self.referredAt = referredAt
        self.memberID = memberID
    }
}

/// One page of a referral tree (or subtree), with the size and depth of all of it.
public struct ReferralTreePage: Sendable, Hashable {
    /// Breadth first; depths are the members' own (absolute) depths in the campaign's tree.
    public var nodes: [ReferralNode]
    /// Members in the whole selection, on every page.
    public var size: Int64
    /// Levels the selection reaches below its root (below the roots, for the whole forest).
    public var depth: Int
    /// Whether a page follows this one.
    public var more: Bool
}

extension ReferralStore {
    /// A page of a referral campaign's tree, breadth first: the whole forest, or the subtree under
    /// `root` (`notFound` when the member is not in the tree), at most `maxDepth` levels below
    /// the root (0: all). Size and depth are those of the whole selection; each node's direct and
    /// descendant counts are its own in the campaign's whole tree, so a node at the depth limit
    /// still shows how many are below it.
    ///
    /// One statement walks the selection (a recursive query down the children index), counts it,
    /// cuts the page after `cursor`, and counts the page's children and descendants set-wise.
    public func tree(
        of campaign: CampaignID, root: MemberID?, maxDepth: Int, after cursor: ReferralTreeCursor?, limit: Int,
        tenant: TenantID
    ) async throws -> ReferralTreePage {
        let limit = max(1, min(limit, 500))
        return try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            _ = try await Self.referralCampaign(campaign, tenant: tenant, on: connection)
            var top = 0
            if let root {
                guard let node = try await Self.node(root, in: campaign, tenant: tenant, on: connection) else {
                    throw DomainError(
                        code: .notFound, message: "member \(root) is not in campaign \(campaign)'s referral tree")
                }
                top = node.depth
            }
            let deepest: Int? = maxDepth > 0 ? top + maxDepth : nil
            let rows = try await connection.query(
                """
                WITH RECURSIVE selection AS (
                    SELECT \(unescaped: Self.nodeColumns)
                    FROM referral_nodes n
                    WHERE n.tenant_id = \(tenant.rawValue) AND n.campaign_id = \(campaign.rawValue)
                      AND ((\(root?.rawValue)::uuid IS NULL AND n.depth = 0) OR n.member_id = \(root?.rawValue))
                  UNION ALL
                    SELECT \(unescaped: Self.nodeColumns)
                    FROM selection s
                    JOIN referral_nodes n
                      ON n.tenant_id = \(tenant.rawValue) AND n.campaign_id = \(campaign.rawValue)
                     AND n.referrer_member_id = s.member_id
                    WHERE \(deepest)::bigint IS NULL OR n.depth <= \(deepest)
                ),
                totals AS (
                    SELECT count(*) AS size, coalesce(max(depth), 0) AS deepest FROM selection
                ),
                page AS (
                    SELECT * FROM selection
                    WHERE \(cursor == nil)
                       OR (depth, referred_at, member_id)
                          > (\(cursor?.depth), \(cursor?.referredAt), \(cursor?.memberID.rawValue))
                    ORDER BY depth, referred_at, member_id
                    LIMIT \(limit + 1)
                ),
                direct AS (
                    SELECT c.referrer_member_id AS member_id, count(*) AS n
                    FROM referral_nodes c
                    WHERE c.tenant_id = \(tenant.rawValue) AND c.campaign_id = \(campaign.rawValue)
                      AND c.referrer_member_id IN (SELECT member_id FROM page)
                    GROUP BY c.referrer_member_id
                ),
                descendants AS (
                    SELECT a.member_id, count(*) AS n
                    FROM referral_nodes d CROSS JOIN LATERAL unnest(d.path) AS a (member_id)
                    WHERE d.tenant_id = \(tenant.rawValue) AND d.campaign_id = \(campaign.rawValue)
                      AND d.path && (SELECT array_agg(member_id) FROM page)
                      AND a.member_id IN (SELECT member_id FROM page)
                    GROUP BY a.member_id
                )
                SELECT t.size, t.deepest,
                       p.member_id, p.referrer_member_id, p.code, p.depth, p.path, p.referred_at,
                       coalesce(dc.n, 0), coalesce(ds.n, 0)
                FROM totals t
                LEFT JOIN page p ON true
                LEFT JOIN direct dc ON dc.member_id = p.member_id
                LEFT JOIN descendants ds ON ds.member_id = p.member_id
                ORDER BY p.depth, p.referred_at, p.member_id
                """)
            // The totals row is always there; page columns are NULL when the page is empty.
            guard let first = rows.first else {
                throw PostgresError(code: .decodingFailed, message: "the referral tree query returned no totals row")
            }
            let size = try first.decode(Int64.self, at: 0)
            let reached = try first.decode(Int.self, at: 1)
            let nodes = try rows.filter { !$0.isNull(at: 2) }.map {
                try ReferralNode(row: $0, campaign: campaign, from: 2)
            }
            return ReferralTreePage(
                nodes: Array(nodes.prefix(limit)), size: size, depth: size == 0 ? 0 : reached - top,
                more: nodes.count > limit)
        }
    }
}
