public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of communities, memberships, moderation and join links. Every call is one transaction
/// scoped to one tenant through row-level security.
///
/// Every change to who is in a group first locks the group's row (`FOR NO KEY UPDATE`: it
/// serialises these writers like `FOR UPDATE` but lets other tables' foreign-key checks through),
/// then counts and writes in the same transaction, so capacity holds under any concurrency: of two
/// joins for the last seat, the second waits for the first to commit, counts again and is refused.
/// Join-link routing and replication lock the whole family first (a transaction-scoped advisory
/// lock), so concurrent newcomers on a full family create exactly one new group.
public struct CommunityStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The columns `Community(row:)` reads, in its order, from `communities c`, with the active
    /// and pending counts.
    static let columns = """
        c.community_id, c.tenant_id, c.name, c.platform, c.capacity, c.join_policy, c.pass_phrase_hash IS NOT NULL,
        c.structure, c.visibility, c.purpose, c.rules, c.announcement, c.family_id, c.family_seq,
        c.replicated_from_community_id, c.archived_at, c.created_at, c.updated_at,
        (SELECT count(*) FROM memberships m
         WHERE m.tenant_id = c.tenant_id AND m.community_id = c.community_id AND m.status = 'active'),
        (SELECT count(*) FROM memberships m
         WHERE m.tenant_id = c.tenant_id AND m.community_id = c.community_id AND m.status = 'pending')
        """

    /// Creates a community; a non-empty `passPhrase` is stored hashed.
    public func create(_ settings: CommunitySettings, passPhrase: String?, tenant: TenantID) async throws
        -> Community
    {
        try settings.validate()
        let phrase: String?
        if let passPhrase { phrase = try PassPhrase.normalized(passPhrase) } else { phrase = nil }
        return try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO communities (tenant_id, name, platform, capacity, join_policy, pass_phrase_hash, structure,
                                         visibility, purpose, rules, announcement)
                VALUES (\(tenant.rawValue), \(settings.name), \(settings.platform.rawValue),
                        \(Int32(settings.capacity)), \(settings.joinPolicy.rawValue),
                        hearth_pass_phrase_hash(\(phrase)),
                        \(settings.structure.rawValue), \(settings.visibility.rawValue), \(settings.purpose),
                        \(settings.rules), \(settings.announcement))
                RETURNING community_id
                """)
            let id = CommunityID(try rows[0].decode(UUID.self, at: 0))
            return try await Self.read(id, tenant: tenant, on: connection)
        }
    }

    /// One community of the tenant with its counts, or `nil` (also for another tenant's id).
    public func community(_ id: CommunityID, tenant: TenantID) async throws -> Community? {
        try await pool.withTenant(tenant) { connection in
            try await Self.find(id, tenant: tenant, on: connection)
        }
    }

    /// Communities matching `query`, oldest first (so a family reads 1, 2, 3), after `cursor`, at
    /// most `limit`, and whether more follow.
    public func list(
        tenant: TenantID, matching query: CommunityQuery, after cursor: CommunityCursor?, limit: Int
    ) async throws -> (communities: [Community], more: Bool) {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.columns + " FROM communities c WHERE c.tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if !query.platforms.isEmpty {
            let platforms = statement.bind(query.platforms.map(\.rawValue))
            statement.sql += " AND c.platform = ANY(\(platforms))"
        }
        if let family = query.familyID {
            let familyID = statement.bind(family.rawValue)
            statement.sql += " AND c.family_id = \(familyID)"
        }
        if let text = query.text, !text.isEmpty {
            let needle = statement.bind(text)
            statement.sql += " AND strpos(lower(c.name), lower(\(needle))) > 0"
        }
        if !query.includeArchived { statement.sql += " AND c.archived_at IS NULL" }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let id = statement.bind(cursor.communityID.rawValue)
            statement.sql += " AND (c.created_at, c.community_id) > (\(time), \(id))"
        }
        statement.sql += " ORDER BY c.created_at, c.community_id LIMIT \(limit + 1)"
        let communities = try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map(Community.init(row:))
        }
        return (Array(communities.prefix(limit)), communities.count > limit)
    }

    /// The community as it is now, or `nil`.
    static func find(_ id: CommunityID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> Community?
    {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: columns) FROM communities c
            WHERE c.tenant_id = \(tenant.rawValue) AND c.community_id = \(id.rawValue)
            """)
        return try rows.first.map(Community.init(row:))
    }

    /// The community as it is now; `notFound` when the tenant has none with this id.
    static func read(_ id: CommunityID, tenant: TenantID, on connection: PostgresConnection) async throws
        -> Community
    {
        guard let community = try await find(id, tenant: tenant, on: connection) else {
            throw DomainError(code: .notFound, message: "no community \(id) in this tenant")
        }
        return community
    }
}

/// Which communities a list shows. Conditions combine with AND; empty ones do not filter.
public struct CommunityQuery: Sendable, Hashable {
    public var platforms: [CommunityPlatform]
    public var familyID: CommunityFamilyID?
    /// A substring of the name, compared case-insensitively.
    public var text: String?
    public var includeArchived: Bool

    public init(
        platforms: [CommunityPlatform] = [], familyID: CommunityFamilyID? = nil, text: String? = nil,
        includeArchived: Bool = false
    ) {
        self.platforms = platforms
        self.familyID = familyID
        self.text = text
        self.includeArchived = includeArchived
    }
}

/// Where a page of communities ends in the oldest-first order (created_at, community_id).
public struct CommunityCursor: Sendable, Hashable {
    public var createdAt: Date
    public var communityID: CommunityID

    public init(createdAt: Date, communityID: CommunityID) {
        self.createdAt = createdAt
        self.communityID = communityID
    }
}

extension Community {
    /// Reads a row selected with ``CommunityStore/columns``, in that order.
    init(row: PostgresRow) throws {
        let familyID = try row.decode(UUID?.self, at: 12)
        let familySeq = try row.decode(Int?.self, at: 13)
        self.init(
            id: CommunityID(try row.decode(UUID.self, at: 0)),
            tenantID: TenantID(try row.decode(UUID.self, at: 1)),
            settings: CommunitySettings(
                name: try row.decode(String.self, at: 2),
                platform: try row.decodeCommunityValue(CommunityPlatform.self, at: 3),
                capacity: try row.decode(Int.self, at: 4),
                joinPolicy: try row.decodeCommunityValue(JoinPolicy.self, at: 5),
                structure: try row.decodeCommunityValue(CommunityStructure.self, at: 7),
                visibility: try row.decodeCommunityValue(CommunityVisibility.self, at: 8),
                purpose: try row.decode(String?.self, at: 9),
                rules: try row.decode(String?.self, at: 10),
                announcement: try row.decode(String?.self, at: 11)),
            passPhraseRequired: try row.decode(Bool.self, at: 6),
            memberCount: try row.decode(Int.self, at: 18),
            pendingCount: try row.decode(Int.self, at: 19),
            familyPlace: familyID.map { id in
                CommunityFamilyPlace(familyID: CommunityFamilyID(id), sequence: familySeq ?? 1)
            },
            replicatedFrom: try row.decode(UUID?.self, at: 14).map { CommunityID($0) },
            archivedAt: try row.decode(Date?.self, at: 15),
            createdAt: try row.decode(Date.self, at: 16),
            updatedAt: try row.decode(Date.self, at: 17))
    }
}

extension PostgresRow {
    /// Reads a lowercase text column as one of the domain's enumerations, naming the column and
    /// value when the schema holds one this version does not know.
    func decodeCommunityValue<Value: RawRepresentable>(_: Value.Type, at column: Int) throws -> Value
    where Value.RawValue == String {
        let text = try decode(String.self, at: column)
        guard let value = Value(rawValue: text) else {
            throw PostgresError(
                code: .decodingFailed, message: "unknown \(Value.self) \"\(text)\" in column \(column)")
        }
        return value
    }

    /// Like ``decodeCommunityValue(_:at:)`` for a column that may be NULL.
    func decodeCommunityValueIfPresent<Value: RawRepresentable>(_: Value.Type, at column: Int) throws -> Value?
    where Value.RawValue == String {
        guard let text = try decode(String?.self, at: column) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw PostgresError(
                code: .decodingFailed, message: "unknown \(Value.self) \"\(text)\" in column \(column)")
        }
        return value
    }
}
