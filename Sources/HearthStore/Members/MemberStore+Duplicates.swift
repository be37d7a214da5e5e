public import Foundation
public import HearthDomain
import HearthPostgres

/// Members that look like one person, and the handles they share.
public struct DuplicateGroup: Sendable, Hashable {
    /// Oldest first (creation time, then id): the first is the suggested survivor of a merge.
    public var memberIDs: [MemberID]
    /// What they share, ordered by kind and value.
    public var shared: [Identity]
    /// Where the group sorts: by its oldest member.
    public var cursor: DuplicateGroupCursor

    public init(memberIDs: [MemberID], shared: [Identity], cursor: DuplicateGroupCursor) {
        self.memberIDs = memberIDs
        self.shared = shared
        self.cursor = cursor
    }
}

/// A duplicate group's place in the listing: its oldest member's creation time and id.
public struct DuplicateGroupCursor: Sendable, Hashable, Comparable {
    public var createdAt: Date
    public var memberID: MemberID

    public init(createdAt: Date, memberID: MemberID) {
        self.createdAt = createdAt
        self.memberID = memberID
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        let (left, right) = (microseconds(lhs.createdAt), microseconds(rhs.createdAt))
        return left != right ? left < right : lhs.memberID.description < rhs.memberID.description
    }

    /// Compared in whole microseconds, the precision PostgreSQL keeps, so a cursor read back from
    /// text sorts exactly where it was cut.
    private static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

extension MemberStore {
    /// Groups of live members (not deleted, erased or merged) that share a handle: a phone (primary
    /// or identity), an email (profile or identity) or any other identity. Members linked through
    /// different handles (A and B share a phone, B and C an email) form one group. Ordered by each
    /// group's oldest member; after `cursor`, at most `limit` (plus whether more follow). With
    /// `member`, only the group holding that member.
    ///
    /// The matching runs in SQL (a GROUP BY over every handle of the tenant); only the handles held by
    /// more than one member come back, and are joined into groups here.
    ///
    /// - Throws: `notFound` (`member` is not a member of the tenant).
    public func duplicateGroups(
        of member: MemberID?, after cursor: DuplicateGroupCursor?, limit: Int, tenant: TenantID
    ) async throws -> (groups: [DuplicateGroup], more: Bool) {
        let limit = max(1, min(limit, 500))
        let rows = try await pool.withTenant(tenant, isolation: .repeatableRead) { connection in
            if let member {
                let found = try await connection.query(
                    "SELECT 1 FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)")
                guard !found.isEmpty else { throw Self.notFound(member) }
            }
            return try await connection.query(
                """
                WITH live AS (
                    SELECT member_id, created_at, phone_e164, email FROM members
                    WHERE tenant_id = \(tenant.rawValue)
                      AND deleted_at IS NULL AND erased_at IS NULL AND merged_into_member_id IS NULL
                ),
                handles AS (
                    SELECT i.kind, i.value, i.member_id
                    FROM member_identities i JOIN live ON live.member_id = i.member_id
                    WHERE i.tenant_id = \(tenant.rawValue)
                    UNION
                    SELECT 'phone', phone_e164, member_id FROM live WHERE phone_e164 IS NOT NULL
                    UNION
                    SELECT 'email', lower(email), member_id FROM live WHERE email IS NOT NULL
                ),
                shared AS (
                    SELECT kind, value FROM handles GROUP BY kind, value HAVING count(DISTINCT member_id) > 1
                )
                SELECT h.kind, h.value, h.member_id, live.created_at
                FROM handles h
                JOIN shared ON shared.kind = h.kind AND shared.value = h.value
                JOIN live ON live.member_id = h.member_id
                ORDER BY h.kind, h.value, h.member_id
                """)
        }

        var sharing = DuplicateLinks()
        for row in rows {
            let kindText = try row.decode(String.self, at: 0)
            guard let kind = IdentityKind(rawValue: kindText) else { continue }
            sharing.add(
                Identity(kind: kind, normalised: try row.decode(String.self, at: 1)),
                heldBy: MemberID(try row.decode(UUID.self, at: 2)), createdAt: try row.decode(Date.self, at: 3))
        }
        var groups = sharing.groups()
        if let member { groups = groups.filter { $0.memberIDs.contains(member) } }
        if let cursor { groups = groups.filter { cursor < $0.cursor } }
        return (groups: Array(groups.prefix(limit)), more: groups.count > limit)
    }
}

/// Joins members that share handles into groups (union-find over member ids).
struct DuplicateLinks {
    private var parent: [MemberID: MemberID] = [:]
    private var createdAt: [MemberID: Date] = [:]
    private var holders: [Identity: [MemberID]] = [:]

    mutating func add(_ identity: Identity, heldBy member: MemberID, createdAt: Date) {
        self.createdAt[member] = createdAt
        if parent[member] == nil { parent[member] = member }
        if let first = holders[identity]?.first { union(first, member) }
        holders[identity, default: []].append(member)
    }

    /// Every group, each ordered oldest first, the groups ordered by their oldest member.
    mutating func groups() -> [DuplicateGroup] {
        var members: [MemberID: [MemberID]] = [:]
        for member in parent.keys { members[root(of: member), default: []].append(member) }
        var shared: [MemberID: [Identity]] = [:]
        for (identity, holding) in self.holders {
            guard let first = holding.first else { continue }
            shared[root(of: first), default: []].append(identity)
        }
        let createdAt = self.createdAt
        func key(_ member: MemberID) -> DuplicateGroupCursor {
            DuplicateGroupCursor(createdAt: createdAt[member] ?? .distantPast, memberID: member)
        }
        return members.compactMap { root, ids -> DuplicateGroup? in
            guard ids.count > 1 else { return nil }
            let ordered = ids.sorted { key($0) < key($1) }
            let handles = (shared[root] ?? []).sorted {
                ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value)
            }
            return DuplicateGroup(memberIDs: ordered, shared: handles, cursor: key(ordered[0]))
        }.sorted { $0.cursor < $1.cursor }
    }

    private mutating func root(of member: MemberID) -> MemberID {
        var current = member
        while let next = parent[current], next != current { current = next }
        var walker = member
        while let next = parent[walker], next != current {
            parent[walker] = current
            walker = next
        }
        return current
    }

    private mutating func union(_ first: MemberID, _ second: MemberID) {
        let (a, b) = (root(of: first), root(of: second))
        if a != b { parent[b] = a }
    }
}
