public import Foundation
public import HearthDomain
import HearthPostgres

/// Where a join link sent a newcomer.
public struct JoinLinkResolution: Sendable, Hashable {
    /// The lowest-numbered open group of the family with room (or where the member already is).
    public var community: Community
    /// True when every group was full and `community` was just replicated for the newcomer.
    public var replicated: Bool
    /// Set when a member was given: their membership there.
    public var membership: Membership?
    public var link: JoinLink

    public init(community: Community, replicated: Bool, membership: Membership?, link: JoinLink) {
        self.community = community
        self.replicated = replicated
        self.membership = membership
        self.link = link
    }
}

extension CommunityStore {
    /// The columns `JoinLink(row:)` reads, in its order.
    static let joinLinkColumns = "link_id, family_id, campaign_id, source_channel, expires_at, created_at"

    /// Creates a join link into the family of `community` (which starts one if it has none) and
    /// returns it with its token, the only time the token is known: the store keeps its SHA-256.
    /// `notFound` for an unknown community or campaign; `failedPrecondition` (archived).
    public func createJoinLink(
        into community: CommunityID, campaign: UUID?, sourceChannel: SourceChannel?, expiresAt: Date?,
        createdBy: String, tenant: TenantID
    ) async throws -> (link: JoinLink, token: String) {
        if let expiresAt, expiresAt <= Date() {
            throw DomainError(code: .invalidArgument, message: "a join link must expire in the future, if at all")
        }
        guard (1...200).contains(createdBy.unicodeScalars.count) else {
            throw DomainError(code: .invalidArgument, message: "a join link needs the operator who creates it")
        }
        let token = JoinLinkToken.generate()
        return try await pool.withTenant(tenant) { connection in
            let state = try await connection.query(
                """
                SELECT archived_at IS NOT NULL FROM communities
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
                """)
            guard let row = state.first else {
                throw DomainError(code: .notFound, message: "no community \(community) in this tenant")
            }
            if try row.decode(Bool.self, at: 0) {
                throw CommunityRefusal(.archived, "community \(community) is archived; link to a group still in use")
            }
            if let campaign {
                let found = try await connection.query(
                    "SELECT 1 FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign)")
                guard !found.isEmpty else {
                    throw DomainError(
                        code: .notFound, message: "no campaign \(campaign.uuidString.lowercased()) in this tenant")
                }
            }
            let family = try await Self.lockFamily(of: community, tenant: tenant, on: connection)
            let rows = try await connection.query(
                """
                INSERT INTO join_links (tenant_id, token_sha256, family_id, campaign_id, source_channel, expires_at,
                                        created_by)
                VALUES (\(tenant.rawValue), encode(sha256(convert_to(\(token), 'UTF8')), 'hex'), \(family.rawValue),
                        \(campaign), \(sourceChannel?.rawValue), \(expiresAt), \(createdBy))
                RETURNING \(unescaped: Self.joinLinkColumns)
                """)
            return (try JoinLink(row: rows[0]), token)
        }
    }

    /// Routes a newcomer through a join link: to the lowest-numbered open group of its family with
    /// room, replicating the fullest group (with its default seeds) when every group is full. With
    /// a `member`, they also join that group in the same transaction, so the seat cannot be taken
    /// in between; a member already in (or asking to join) a group of the family is sent there.
    ///
    /// The family stays locked until the end, so two newcomers on a full family create one
    /// replica: the second waits, then finds the first one's replica with room.
    /// `notFound` for an unknown (or forged) token; refusals: link_expired, banned (from any group
    /// of the family), family_archived, community_full (a replica its seeds already fill).
    public func resolveJoinLink(_ token: String, member: MemberID?, tenant: TenantID) async throws
        -> JoinLinkResolution
    {
        guard JoinLinkToken.isWellFormed(token) else {
            throw DomainError(code: .notFound, message: "no join link matches this token")
        }
        return try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.joinLinkColumns), expires_at IS NOT NULL AND expires_at <= now()
                FROM join_links
                WHERE tenant_id = \(tenant.rawValue)
                  AND token_sha256 = encode(sha256(convert_to(\(token), 'UTF8')), 'hex')
                """)
            guard let row = rows.first else {
                throw DomainError(code: .notFound, message: "no join link matches this token")
            }
            let link = try JoinLink(row: row)
            if try row.decode(Bool.self, at: 6) {
                throw CommunityRefusal(.linkExpired, "this join link expired; ask for a new one")
            }
            try await Self.lockFamily(link.familyID, tenant: tenant, on: connection)
            if let member,
                let standing = try await Self.standing(of: member, in: link.familyID, tenant: tenant, on: connection)
            {
                return JoinLinkResolution(
                    community: try await Self.read(standing.communityID, tenant: tenant, on: connection),
                    replicated: false, membership: standing, link: link)
            }
            let (target, replicated) = try await Self.route(link.familyID, tenant: tenant, on: connection)
            var membership: Membership?
            if let member {
                membership = try await Self.admit(
                    member, into: target, by: .joinLink(link), tenant: tenant, on: connection)
            }
            return JoinLinkResolution(
                community: try await Self.read(target, tenant: tenant, on: connection), replicated: replicated,
                membership: membership, link: link)
        }
    }

    /// A member's present membership in a group of `family` (active or pending, lowest group
    /// first), or `nil`; `banned` when any group of the family banned them, and `member_deleted`
    /// for a deleted member.
    static func standing(
        of member: MemberID, in family: CommunityFamilyID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> Membership? {
        if try await memberIsGone(member, tenant: tenant, on: connection) {
            throw CommunityRefusal(
                .memberDeleted, "member \(member) is deleted, erased or merged; restore them first")
        }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: membershipColumns) FROM memberships
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
              AND status IN ('banned', 'active', 'pending')
              AND community_id IN (
                  SELECT community_id FROM communities
                  WHERE tenant_id = \(tenant.rawValue) AND family_id = \(family.rawValue))
            ORDER BY status = 'banned' DESC,
                     (SELECT c.family_seq FROM communities c
                      WHERE c.tenant_id = memberships.tenant_id AND c.community_id = memberships.community_id)
            """)
        guard let row = rows.first else { return nil }
        let membership = try Membership(row: row)
        if membership.status == .banned {
            throw CommunityRefusal(.banned, "member \(member) is banned from a group of this family")
        }
        return membership
    }

    /// The group of `family` a newcomer goes to, and whether it was just replicated. Groups are
    /// examined in family order, each locked as it is, so a seat found free stays free.
    static func route(_ family: CommunityFamilyID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> (community: CommunityID, replicated: Bool)
    {
        let groups = try await connection.query(
            """
            SELECT community_id FROM communities
            WHERE tenant_id = \(tenant.rawValue) AND family_id = \(family.rawValue) AND archived_at IS NULL
            ORDER BY family_seq
            """)
        var fullest: (community: CommunityID, members: Int)?
        for row in groups {
            let group = CommunityID(try row.decode(UUID.self, at: 0))
            let locked = try await lock(group, tenant: tenant, on: connection)
            guard !locked.archived else { continue }
            if locked.activeCount < locked.capacity { return (group, false) }
            // Ties go to the later group: its members are the most recent carriers of the culture.
            if fullest.map({ locked.activeCount >= $0.members }) ?? true { fullest = (group, locked.activeCount) }
        }
        guard let fullest else {
            throw CommunityRefusal(.familyArchived, "every group this join link routes to is archived")
        }
        let replica = try await Self.replicate(
            fullest.community, family: family, name: nil, seeds: nil, tenant: tenant, on: connection)
        return (replica.community.id, true)
    }
}

extension JoinLink {
    /// Reads a row selected with ``CommunityStore/joinLinkColumns``, in that order.
    init(row: PostgresRow) throws {
        self.init(
            id: JoinLinkID(try row.decode(UUID.self, at: 0)),
            familyID: CommunityFamilyID(try row.decode(UUID.self, at: 1)),
            campaignID: try row.decode(UUID?.self, at: 2),
            sourceChannel: try row.decodeCommunityValueIfPresent(SourceChannel.self, at: 3),
            expiresAt: try row.decode(Date?.self, at: 4),
            createdAt: try row.decode(Date.self, at: 5))
    }
}
