import Foundation
import HearthDomain
import HearthPostgres

/// What a transaction knows about a community once it holds the row lock: until it commits, no
/// other membership change of this community can interleave, so the count stays true.
struct CommunityLock: Sendable {
    var id: CommunityID
    var capacity: Int
    var policy: JoinPolicy
    var passPhraseRequired: Bool
    /// Whether the pass phrase given to ``CommunityStore/lock(_:tenant:passPhrase:on:)`` matches.
    var passPhraseMatches: Bool
    var archived: Bool
    var familyID: CommunityFamilyID?
    var activeCount: Int
}

/// A member's row in one community, read under the community's lock.
struct MembershipState: Sendable {
    var status: MembershipStatus
    var role: CommunityRole
    var mutedUntil: Date?
}

extension CommunityStore {
    /// Locks community `id` against concurrent membership changes and counts its active members
    /// (in a statement after the lock, so the count includes every change committed before it).
    /// `notFound` when the tenant has no such community.
    static func lock(
        _ id: CommunityID, tenant: TenantID, passPhrase: String? = nil, on connection: PostgresConnection
    ) async throws -> CommunityLock {
        let rows = try await connection.query(
            """
            SELECT capacity, join_policy, pass_phrase_hash IS NOT NULL,
                   hearth_pass_phrase_matches(pass_phrase_hash, \(passPhrase)), archived_at IS NOT NULL, family_id
            FROM communities
            WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue)
            FOR NO KEY UPDATE
            """)
        guard let row = rows.first else {
            throw DomainError(code: .notFound, message: "no community \(id) in this tenant")
        }
        let counted = try await connection.query(
            """
            SELECT count(*) FROM memberships
            WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue) AND status = 'active'
            """)
        return CommunityLock(
            id: id,
            capacity: try row.decode(Int.self, at: 0),
            policy: try row.decodeCommunityValue(JoinPolicy.self, at: 1),
            passPhraseRequired: try row.decode(Bool.self, at: 2),
            passPhraseMatches: try row.decode(Bool.self, at: 3),
            archived: try row.decode(Bool.self, at: 4),
            familyID: try row.decode(UUID?.self, at: 5).map { CommunityFamilyID($0) },
            activeCount: try counted[0].decode(Int.self, at: 0))
    }

    /// Whether member `id` is deleted, erased or merged away; `notFound` when the tenant has no such
    /// member. `field` names the request field in the message.
    static func memberIsGone(
        _ id: MemberID, tenant: TenantID, field: String = "member", on connection: PostgresConnection
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT deleted_at IS NOT NULL OR erased_at IS NOT NULL OR merged_into_member_id IS NOT NULL
            FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)
            """)
        guard let row = rows.first else {
            throw DomainError(code: .notFound, message: "no \(field) \(id) in this tenant")
        }
        return try row.decode(Bool.self, at: 0)
    }

    /// The member's row in the community, locked, or `nil` when they were never in it.
    static func membershipState(
        of member: MemberID, in community: CommunityID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> MembershipState? {
        let rows = try await connection.query(
            """
            SELECT status, role, muted_until FROM memberships
            WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
              AND member_id = \(member.rawValue)
            FOR UPDATE
            """)
        guard let row = rows.first else { return nil }
        return MembershipState(
            status: try row.decodeCommunityValue(MembershipStatus.self, at: 0),
            role: try row.decodeCommunityValue(CommunityRole.self, at: 1),
            mutedUntil: try row.decode(Date?.self, at: 2))
    }

    /// Serialises routing and replication within one family until the transaction ends. An
    /// advisory lock, not row locks, because a family has no row of its own and gains groups while
    /// locked; the key mixes in the tenant, so families of different tenants never contend (a hash
    /// collision would only make two families wait for each other, never break anything).
    static func lockFamily(_ family: CommunityFamilyID, tenant: TenantID, on connection: PostgresConnection)
        async throws
    {
        let key = "hearth.community_family/\(tenant)/\(family)"
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))")
    }

    /// The family of community `id`, locked with ``lockFamily(_:tenant:on:)``. A community outside
    /// any family starts one as its group 1. `notFound` for an unknown id.
    ///
    /// Lock order is always family, then group rows: a group's family never changes once set, so
    /// it is read without a lock first; only a group without a family is locked before its new
    /// family, which nobody else can know of yet.
    static func lockFamily(of id: CommunityID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> CommunityFamilyID
    {
        let rows = try await connection.query(
            "SELECT family_id FROM communities WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue)")
        guard let row = rows.first else {
            throw DomainError(code: .notFound, message: "no community \(id) in this tenant")
        }
        if let family = try row.decode(UUID?.self, at: 0).map({ CommunityFamilyID($0) }) {
            try await Self.lockFamily(family, tenant: tenant, on: connection)
            return family
        }
        let locked = try await Self.lock(id, tenant: tenant, on: connection)
        let family: CommunityFamilyID
        if let existing = locked.familyID {
            family = existing  // another transaction started the family while this one waited
        } else {
            let started = try await connection.query(
                """
                UPDATE communities SET family_id = gen_random_uuid(), family_seq = 1
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue)
                RETURNING family_id
                """)
            family = CommunityFamilyID(try started[0].decode(UUID.self, at: 0))
        }
        try await Self.lockFamily(family, tenant: tenant, on: connection)
        return family
    }
}
