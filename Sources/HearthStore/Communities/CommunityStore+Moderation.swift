public import Foundation
public import HearthDomain
import HearthPostgres

extension CommunityStore {
    /// The columns `ModerationAction(row:)` reads, in its order.
    static let moderationColumns = """
        action_id, community_id, member_id, action, reason, muted_until, acted_by, created_at
        """

    /// Carries out a moderation step and records it with its reason and operator, in one
    /// transaction: the membership changes (mute, removal, ban, …) exactly when the record is
    /// written. Refusals say why a step does not apply (not active, not muted, not banned, …).
    public func moderate(_ order: ModerationOrder, tenant: TenantID) async throws -> (
        action: ModerationAction, membership: Membership
    ) {
        try order.validate()
        let community = order.communityID
        let member = order.memberID
        return try await pool.withTenant(tenant) { connection in
            _ = try await Self.lock(community, tenant: tenant, on: connection)
            _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            let current = try await Self.membershipState(of: member, in: community, tenant: tenant, on: connection)
            let effect = try order.kind.effect(
                on: current?.status, mutedUntil: current?.mutedUntil, until: order.mutedUntil)
            switch effect {
            case .recordOnly:
                break
            case .mute(let until):
                try await connection.query(
                    """
                    UPDATE memberships SET muted_until = \(until)
                    WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                      AND member_id = \(member.rawValue)
                    """)
            case .unmute:
                try await connection.query(
                    """
                    UPDATE memberships SET muted_until = NULL
                    WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                      AND member_id = \(member.rawValue)
                    """)
            case .end(let status):
                // Someone who was never in the group gets a row too, so a ban keeps them out later.
                try await connection.query(
                    """
                    INSERT INTO memberships (tenant_id, community_id, member_id, status)
                    VALUES (\(tenant.rawValue), \(community.rawValue), \(member.rawValue), \(status.rawValue))
                    ON CONFLICT (tenant_id, community_id, member_id) DO UPDATE SET
                        status = EXCLUDED.status,
                        left_at = CASE WHEN memberships.status IN ('active', 'pending') THEN now()
                                       ELSE memberships.left_at END,
                        muted_until = NULL, status_reason = NULL
                    """)
                if current?.status == .active {
                    try await Self.recordMembershipEvents(
                        .leave, members: [member], community: community,
                        via: order.kind == .ban ? "ban" : "removal", tenant: tenant, on: connection)
                }
            case .unban:
                try await connection.query(
                    """
                    UPDATE memberships SET status = 'removed'
                    WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                      AND member_id = \(member.rawValue)
                    """)
            }
            // operator_id links the record to a registered operator when the token names one by id
            // (see migration 0008); acted_by always holds the token's operator id.
            let recorded = try await connection.query(
                """
                INSERT INTO moderation_actions (tenant_id, community_id, member_id, action, reason, muted_until,
                                                operator_id, acted_by)
                VALUES (\(tenant.rawValue), \(community.rawValue), \(member.rawValue), \(order.kind.rawValue),
                        \(order.reason), \(order.mutedUntil),
                        (SELECT o.operator_id FROM operators o
                         WHERE o.tenant_id = \(tenant.rawValue) AND o.operator_id::text = lower(\(order.operatorID))),
                        \(order.operatorID))
                RETURNING \(unescaped: Self.moderationColumns)
                """)
            let membership = try await connection.query(
                """
                SELECT \(unescaped: Self.membershipColumns) FROM memberships
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                  AND member_id = \(member.rawValue)
                """)
            return (try ModerationAction(row: recorded[0]), try Membership(row: membership[0]))
        }
    }

    /// Moderation steps matching `query`, newest first, after `cursor`, at most `limit`, and
    /// whether more follow. `notFound` when the query names an unknown community or member.
    public func moderationActions(
        tenant: TenantID, matching query: ModerationQuery, after cursor: ModerationCursor?, limit: Int
    ) async throws -> (actions: [ModerationAction], more: Bool) {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery(
            "SELECT " + Self.moderationColumns + " FROM moderation_actions WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if let community = query.communityID {
            let id = statement.bind(community.rawValue)
            statement.sql += " AND community_id = \(id)"
        }
        if let member = query.memberID {
            let id = statement.bind(member.rawValue)
            statement.sql += " AND member_id = \(id)"
        }
        if !query.kinds.isEmpty {
            let kinds = statement.bind(query.kinds.map(\.rawValue))
            statement.sql += " AND action = ANY(\(kinds))"
        }
        if let start = query.createdFrom {
            let time = statement.bind(start)
            statement.sql += " AND created_at >= \(time)"
        }
        if let end = query.createdBefore {
            let time = statement.bind(end)
            statement.sql += " AND created_at < \(time)"
        }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let id = statement.bind(cursor.actionID.rawValue)
            statement.sql += " AND (created_at, action_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY created_at DESC, action_id DESC LIMIT \(limit + 1)"
        let actions = try await pool.withTenant(tenant) { connection in
            if let community = query.communityID,
                try await Self.find(community, tenant: tenant, on: connection) == nil
            {
                throw DomainError(code: .notFound, message: "no community \(community) in this tenant")
            }
            if let member = query.memberID {
                _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            }
            return try await connection.query(statement).map(ModerationAction.init(row:))
        }
        return (Array(actions.prefix(limit)), actions.count > limit)
    }
}

/// Which moderation steps a list shows: those of a community, of a member, or both.
public struct ModerationQuery: Sendable, Hashable {
    public var communityID: CommunityID?
    public var memberID: MemberID?
    /// Empty: every kind.
    public var kinds: [ModerationActionKind]
    /// Half-open range [createdFrom, createdBefore); `nil` bounds are open.
    public var createdFrom: Date?
    public var createdBefore: Date?

    public init(
        communityID: CommunityID? = nil, memberID: MemberID? = nil, kinds: [ModerationActionKind] = [],
        createdFrom: Date? = nil, createdBefore: Date? = nil
    ) {
        self.communityID = communityID
        self.memberID = memberID
        self.kinds = kinds
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
    }
}

/// Where a page of moderation steps ends in the newest-first order (created_at, action_id).
public struct ModerationCursor: Sendable, Hashable {
    public var createdAt: Date
    public var actionID: ModerationActionID

    public init(createdAt: Date, actionID: ModerationActionID) {
        self.createdAt = createdAt
        self.actionID = actionID
    }
}

extension ModerationAction {
    /// Reads a row selected with ``CommunityStore/moderationColumns``, in that order.
    init(row: PostgresRow) throws {
        self.init(
            id: ModerationActionID(try row.decode(UUID.self, at: 0)),
            communityID: CommunityID(try row.decode(UUID.self, at: 1)),
            memberID: MemberID(try row.decode(UUID.self, at: 2)),
            kind: try row.decodeCommunityValue(ModerationActionKind.self, at: 3),
            reason: try row.decode(String.self, at: 4),
            mutedUntil: try row.decode(Date?.self, at: 5),
            operatorID: try row.decode(String.self, at: 6),
            createdAt: try row.decode(Date.self, at: 7))
    }
}
