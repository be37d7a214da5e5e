import Foundation
public import HearthDomain
import HearthPostgres

extension CommunityStore {
    /// Creates group N+1 of a community's family with the same settings, rules, announcement and
    /// pass phrase, seeded with members who carry its culture over: `seeds`, which must be active
    /// members of the source, or by default its active owner, admins and core members. A group
    /// outside any family starts one as its group 1. The family is locked throughout, so
    /// concurrent replications number their groups one after another.
    public func replicate(
        _ source: CommunityID, name: String?, seeds: [MemberID]?, tenant: TenantID
    ) async throws -> (community: Community, seeded: Int) {
        try await pool.withTenant(tenant) { connection in
            let family = try await Self.lockFamily(of: source, tenant: tenant, on: connection)
            return try await Self.replicate(
                source, family: family, name: name, seeds: seeds, tenant: tenant, on: connection)
        }
    }

    /// ``replicate(_:name:seeds:tenant:)`` in the caller's transaction, which holds the lock of
    /// `family`, the source's family.
    static func replicate(
        _ sourceID: CommunityID, family: CommunityFamilyID, name: String?, seeds: [MemberID]?, tenant: TenantID,
        on connection: PostgresConnection
    ) async throws -> (community: Community, seeded: Int) {
        let source = try await read(sourceID, tenant: tenant, on: connection)
        if source.archivedAt != nil {
            throw CommunityRefusal(.archived, "community \(sourceID) is archived; replicate a group still in use")
        }
        let seedIDs = try await chooseSeeds(seeds, of: sourceID, tenant: tenant, on: connection)
        guard seedIDs.count <= source.settings.capacity else {
            throw CommunityRefusal(
                .communityFull,
                "\(seedIDs.count) seeds do not fit the \(source.settings.capacity) seats of a replica; name fewer")
        }
        let numbered = try await connection.query(
            """
            SELECT coalesce(max(family_seq), 0) + 1 FROM communities
            WHERE tenant_id = \(tenant.rawValue) AND family_id = \(family.rawValue)
            """)
        let sequence = try numbered[0].decode(Int.self, at: 0)
        var settings = source.settings
        settings.name = name ?? CommunitySettings.replicaName(of: source.settings.name, sequence: sequence)
        try settings.validate()
        let inserted = try await connection.query(
            """
            INSERT INTO communities (tenant_id, name, platform, capacity, join_policy, pass_phrase_hash, structure,
                                     visibility, purpose, rules, announcement, family_id, family_seq,
                                     replicated_from_community_id)
            SELECT tenant_id, \(settings.name), platform, capacity, join_policy, pass_phrase_hash, structure,
                   visibility, purpose, rules, announcement, \(family.rawValue), \(Int32(sequence)), community_id
            FROM communities WHERE tenant_id = \(tenant.rawValue) AND community_id = \(sourceID.rawValue)
            RETURNING community_id
            """)
        let replica = CommunityID(try inserted[0].decode(UUID.self, at: 0))
        if !seedIDs.isEmpty {
            // Seeds keep their role: the owner, admins and core members run the new group as the old.
            try await connection.query(
                """
                INSERT INTO memberships (tenant_id, community_id, member_id, role, status, joined_at)
                SELECT tenant_id, \(replica.rawValue), member_id, role, 'active', now() FROM memberships
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(sourceID.rawValue)
                  AND member_id = ANY(\(seedIDs.map(\.rawValue))) AND status = 'active'
                """)
            try await recordMembershipEvents(
                .join, members: seedIDs, community: replica, via: "replication",
                details: ["replicated_from_community_id": sourceID.description], tenant: tenant, on: connection)
        }
        return (try await read(replica, tenant: tenant, on: connection), seedIDs.count)
    }

    /// The seeds of a replica of `source`: the named ones, each of which must be an active member
    /// of the source (`seedNotActive` names the others), or its active owner, admins and core
    /// members.
    static func chooseSeeds(
        _ named: [MemberID]?, of source: CommunityID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [MemberID] {
        if let named {
            var unique: [MemberID] = []
            for id in named where !unique.contains(id) { unique.append(id) }
            let rows = try await connection.query(
                """
                SELECT member_id FROM memberships
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(source.rawValue)
                  AND member_id = ANY(\(unique.map(\.rawValue))) AND status = 'active'
                """)
            let active = Set(try rows.map { MemberID(try $0.decode(UUID.self, at: 0)) })
            let missing = unique.filter { !active.contains($0) }
            guard missing.isEmpty else {
                throw CommunityRefusal(
                    .seedNotActive,
                    "seeds must be active members of community \(source); these are not: "
                        + missing.map(\.description).joined(separator: ", "))
            }
            return unique
        }
        let roles = CommunityRole.carriersOfCulture.map(\.rawValue).sorted()
        let rows = try await connection.query(
            """
            SELECT member_id FROM memberships
            WHERE tenant_id = \(tenant.rawValue) AND community_id = \(source.rawValue)
              AND status = 'active' AND role = ANY(\(roles))
            ORDER BY member_id
            """)
        return try rows.map { MemberID(try $0.decode(UUID.self, at: 0)) }
    }
}
