public import Foundation
public import HearthDomain
import HearthPostgres

extension CommunityStore {
    /// The columns `Membership(row:)` reads, in its order; `muted_until` only while it lies ahead.
    static let membershipColumns = """
        community_id, member_id, role, status, social_role, invited_by_member_id, joined_at, left_at,
        CASE WHEN muted_until > now() THEN muted_until END, created_at, updated_at
        """

    /// Records that an active member left. `failedPrecondition` (not_active) otherwise.
    public func leave(_ member: MemberID, from community: CommunityID, tenant: TenantID) async throws -> Membership {
        try await pool.withTenant(tenant) { connection in
            _ = try await Self.lock(community, tenant: tenant, on: connection)
            _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            let current = try await Self.membershipState(of: member, in: community, tenant: tenant, on: connection)
            guard current?.status == .active else {
                throw CommunityRefusal(.notActive, "member \(member) is not an active member of community \(community)")
            }
            let rows = try await connection.query(
                """
                UPDATE memberships SET status = 'left', left_at = now(), muted_until = NULL, status_reason = NULL
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                  AND member_id = \(member.rawValue)
                RETURNING \(unescaped: Self.membershipColumns)
                """)
            try await Self.recordMembershipEvents(
                .leave, members: [member], community: community, via: "leave", tenant: tenant, on: connection)
            return try Membership(row: rows[0])
        }
    }

    /// Turns down a pending join request, keeping the reason. `failedPrecondition` (not_pending)
    /// when there is no pending request.
    public func reject(
        _ member: MemberID, in community: CommunityID, reason: String?, tenant: TenantID
    ) async throws -> Membership {
        if let reason, reason.unicodeScalars.count > 2_000 {
            throw DomainError(code: .invalidArgument, message: "a rejection reason has at most 2,000 characters")
        }
        return try await pool.withTenant(tenant) { connection in
            _ = try await Self.lock(community, tenant: tenant, on: connection)
            _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            let current = try await Self.membershipState(of: member, in: community, tenant: tenant, on: connection)
            guard current?.status == .pending else {
                throw CommunityRefusal(.notPending, "member \(member) has no pending join request to reject")
            }
            let rows = try await connection.query(
                """
                UPDATE memberships SET status = 'removed', left_at = now(), status_reason = \(reason)
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                  AND member_id = \(member.rawValue)
                RETURNING \(unescaped: Self.membershipColumns)
                """)
            return try Membership(row: rows[0])
        }
    }

    /// Assigns an active member's role; making someone owner demotes the current owner to admin.
    /// `failedPrecondition` (not_active) for anyone not active.
    public func assignRole(
        _ role: CommunityRole, to member: MemberID, in community: CommunityID, tenant: TenantID
    ) async throws -> Membership {
        try await pool.withTenant(tenant) { connection in
            _ = try await Self.lock(community, tenant: tenant, on: connection)
            _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            let current = try await Self.membershipState(of: member, in: community, tenant: tenant, on: connection)
            guard current?.status == .active else {
                throw CommunityRefusal(.notActive, "only an active member gets a role; \(member) is not one")
            }
            if role == .owner {
                try await Self.demoteOwner(of: community, except: member, tenant: tenant, on: connection)
            }
            let rows = try await connection.query(
                """
                UPDATE memberships SET role = \(role.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                  AND member_id = \(member.rawValue)
                RETURNING \(unescaped: Self.membershipColumns)
                """)
            return try Membership(row: rows[0])
        }
    }

    /// Memberships matching `query` in the order they were created, after `cursor`, at most
    /// `limit`, and whether more follow. `notFound` when the query names an unknown community or
    /// member.
    public func memberships(
        tenant: TenantID, matching query: MembershipQuery, after cursor: MembershipCursor?, limit: Int
    ) async throws -> (memberships: [Membership], more: Bool) {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.membershipColumns + " FROM memberships WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if let community = query.communityID {
            let id = statement.bind(community.rawValue)
            statement.sql += " AND community_id = \(id)"
        }
        if let member = query.memberID {
            let id = statement.bind(member.rawValue)
            statement.sql += " AND member_id = \(id)"
        }
        let wanted = query.statuses.isEmpty ? MembershipStatus.present : query.statuses
        let statuses = statement.bind(wanted.map(\.rawValue))
        statement.sql += " AND status = ANY(\(statuses))"
        if !query.roles.isEmpty {
            let roles = statement.bind(query.roles.map(\.rawValue))
            statement.sql += " AND role = ANY(\(roles))"
        }
        if !query.socialRoles.isEmpty {
            let socialRoles = statement.bind(query.socialRoles.map(\.rawValue))
            statement.sql += " AND social_role = ANY(\(socialRoles))"
        }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let community = statement.bind(cursor.communityID.rawValue)
            let member = statement.bind(cursor.memberID.rawValue)
            statement.sql += " AND (created_at, community_id, member_id) > (\(time), \(community), \(member))"
        }
        statement.sql += " ORDER BY created_at, community_id, member_id LIMIT \(limit + 1)"
        let memberships = try await pool.withTenant(tenant) { connection in
            if let community = query.communityID,
                try await Self.find(community, tenant: tenant, on: connection) == nil
            {
                throw DomainError(code: .notFound, message: "no community \(community) in this tenant")
            }
            if let member = query.memberID {
                _ = try await Self.memberIsGone(member, tenant: tenant, on: connection)
            }
            return try await connection.query(statement).map(Membership.init(row:))
        }
        return (Array(memberships.prefix(limit)), memberships.count > limit)
    }
}

/// Which memberships a list shows: those of a community, of a member, or both (one membership).
public struct MembershipQuery: Sendable, Hashable {
    public var communityID: CommunityID?
    public var memberID: MemberID?
    /// Empty: pending and active.
    public var statuses: [MembershipStatus]
    public var roles: [CommunityRole]
    public var socialRoles: [Membership.SocialRole]

    public init(
        communityID: CommunityID? = nil, memberID: MemberID? = nil, statuses: [MembershipStatus] = [],
        roles: [CommunityRole] = [], socialRoles: [Membership.SocialRole] = []
    ) {
        self.communityID = communityID
        self.memberID = memberID
        self.statuses = statuses
        self.roles = roles
        self.socialRoles = socialRoles
    }
}

/// Where a page of memberships ends, in the order (created_at, community_id, member_id).
public struct MembershipCursor: Sendable, Hashable {
    public var createdAt: Date
    public var communityID: CommunityID
    public var memberID: MemberID

    public init(createdAt: Date, communityID: CommunityID, memberID: MemberID) {
        self.createdAt = createdAt
        self.communityID = communityID
        self.memberID = memberID
    }
}

extension Membership {
    /// Reads a row selected with ``CommunityStore/membershipColumns``, in that order.
    init(row: PostgresRow) throws {
        self.init(
            communityID: CommunityID(try row.decode(UUID.self, at: 0)),
            memberID: MemberID(try row.decode(UUID.self, at: 1)),
            role: try row.decodeCommunityValue(CommunityRole.self, at: 2),
            status: try row.decodeCommunityValue(MembershipStatus.self, at: 3),
            socialRole: try row.decodeCommunityValueIfPresent(Membership.SocialRole.self, at: 4),
            invitedBy: try row.decode(UUID?.self, at: 5).map { MemberID($0) },
            joinedAt: try row.decode(Date?.self, at: 6),
            leftAt: try row.decode(Date?.self, at: 7),
            mutedUntil: try row.decode(Date?.self, at: 8),
            createdAt: try row.decode(Date.self, at: 9),
            updatedAt: try row.decode(Date.self, at: 10))
    }
}
