public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of recruitment call lists: the agents a list is split among, building a list with its
/// dealt entries in one transaction, and reading a campaign's lists (see
/// `CallListStore+Entries.swift` for the entries and their outcomes).
public struct CallListStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Entries written per INSERT when a list is built.
    static let insertBatchSize = 1_000

    static let listColumns = "call_list_id, campaign_id, created_by, entry_count, agent_operator_ids, created_at"

    /// The agents to split a list among, in operator id order: each of `requested`, or every
    /// enabled agent of the tenant when it is empty. `notFound` for an id that is no operator of
    /// the tenant; `failedPrecondition` for an operator without the agent role or disabled, and
    /// when the tenant has no enabled agent at all.
    public func agents(_ requested: [UUID], tenant: TenantID) async throws -> [UUID] {
        try await pool.withTenant(tenant) { connection in
            guard !requested.isEmpty else {
                let agents = try await connection.query(
                    """
                    SELECT operator_id FROM operators
                    WHERE tenant_id = \(tenant.rawValue) AND role = 'agent' AND disabled_at IS NULL
                    ORDER BY operator_id
                    """
                ).map { try $0.decode(UUID.self, at: 0) }
                guard !agents.isEmpty else {
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "no enabled operator of this tenant has the agent role, so there is nobody to split "
                            + "the call list among; give the customer-service staff the agent role (operators.role = "
                            + "'agent') and their tokens with `hearth token issue --role agent --operator ID`")
                }
                return agents
            }
            var found: [UUID: (role: String, disabled: Bool)] = [:]
            for row in try await connection.query(
                """
                SELECT operator_id, role, disabled_at IS NOT NULL FROM operators
                WHERE tenant_id = \(tenant.rawValue) AND operator_id = ANY(\(requested))
                """)
            {
                let id = try row.decode(UUID.self, at: 0)
                let role = try row.decode(String.self, at: 1)
                let disabled = try row.decode(Bool.self, at: 2)
                found[id] = (role: role, disabled: disabled)
            }
            for id in requested {
                let name = id.uuidString.lowercased()
                guard let state = found[id] else {
                    throw DomainError(
                        code: .notFound, message: "no operator \(name) in this tenant; name the agents by operator id")
                }
                guard state.role == "agent" else {
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "operator \(name) has the \(state.role) role, not agent; only agents take call lists")
                }
                guard !state.disabled else {
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "agent \(name) is disabled; leave them out of the split or enable them first")
                }
            }
            return Set(requested).sorted { $0.uuidString < $1.uuidString }
        }
    }

    /// Saves a call list and its dealt entries in one transaction (multi-row inserts of
    /// ``insertBatchSize`` entries), under the campaign's row lock so a cancellation cannot slip
    /// in between. When `idempotencyKey` built a list of this campaign before, nothing is written
    /// and that list is returned. `notFound` when the campaign is gone; `failedPrecondition` when
    /// it completed or was cancelled meanwhile.
    public func create(
        campaign: CampaignID, entries: [(item: CallListEntry.Recipient, agent: UUID)], agents: [UUID],
        createdBy: String, idempotencyKey: String?, tenant: TenantID
    ) async throws -> CallList {
        try await pool.withTenant(tenant) { connection in
            guard let found = try await CampaignStore.find(campaign, tenant: tenant, lock: true, on: connection) else {
                throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
            }
            if found.status.isTerminal {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the campaign is \(found.status.rawValue); build call lists for a campaign still in "
                        + "progress")
            }
            let id = CallListID()
            let inserted = try await connection.query(
                """
                INSERT INTO call_lists (tenant_id, call_list_id, campaign_id, created_by, entry_count,
                                        agent_operator_ids, idempotency_key)
                VALUES (\(tenant.rawValue), \(id.rawValue), \(campaign.rawValue), \(createdBy),
                        \(Int32(clamping: entries.count)), \(agents), \(idempotencyKey))
                ON CONFLICT (tenant_id, campaign_id, idempotency_key) DO NOTHING
                RETURNING \(unescaped: Self.listColumns)
                """)
            guard let row = inserted.first else {
                // A retry with the same key that ran at the same moment: the first one's list stands.
                guard let idempotencyKey,
                    let existing = try await Self.list(
                        of: campaign, idempotencyKey: idempotencyKey, tenant: tenant, on: connection)
                else {
                    throw DomainError(code: .aborted, message: "a concurrent build of this call list won; try again")
                }
                return existing
            }
            for start in stride(from: 0, to: entries.count, by: Self.insertBatchSize) {
                let batch = entries[start..<min(start + Self.insertBatchSize, entries.count)]
                try await connection.query(
                    """
                    INSERT INTO call_list_entries (tenant_id, call_list_id, member_id, display_name, phone_e164,
                                                   agent_operator_id)
                    SELECT \(tenant.rawValue), \(id.rawValue), e.member_id, e.display_name, e.phone_e164,
                           e.agent_operator_id
                    FROM unnest(\(batch.map { $0.item.memberID.rawValue }), \(batch.map { $0.item.displayName }),
                                \(batch.map { $0.item.phone }), \(batch.map { $0.agent }))
                         AS e(member_id, display_name, phone_e164, agent_operator_id)
                    """)
            }
            var counts: [UUID: Int] = [:]
            for entry in entries { counts[entry.agent, default: 0] += 1 }
            return try CallList(row: row, counts: counts)
        }
    }

    /// The list that `idempotencyKey` built for `campaign`, if any.
    public func callList(of campaign: CampaignID, idempotencyKey: String, tenant: TenantID) async throws -> CallList? {
        try await pool.withTenant(tenant) { connection in
            try await Self.list(of: campaign, idempotencyKey: idempotencyKey, tenant: tenant, on: connection)
        }
    }

    /// A campaign's lists, newest first, after `cursor` (created_at, id), at most `limit`; `nil`
    /// when the tenant has no such campaign.
    public func callLists(
        of campaign: CampaignID, after cursor: (createdAt: Date, id: CallListID)?, limit: Int, tenant: TenantID
    ) async throws -> (lists: [CallList], more: Bool)? {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery(
            "SELECT " + Self.listColumns + " FROM call_lists WHERE tenant_id = $1 AND campaign_id = $2")
        statement.binds = [tenant.rawValue.postgresBind, campaign.rawValue.postgresBind]
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let id = statement.bind(cursor.id.rawValue)
            statement.sql += " AND (created_at, call_list_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY created_at DESC, call_list_id DESC LIMIT \(limit + 1)"
        return try await pool.withTenant(tenant) { connection in
            guard try await CampaignStore.find(campaign, tenant: tenant, lock: false, on: connection) != nil else {
                return nil
            }
            let rows = try await connection.query(statement)
            let lists = try await Self.lists(Array(rows.prefix(limit)), tenant: tenant, on: connection)
            return (lists: lists, more: rows.count > limit)
        }
    }

    static func list(
        of campaign: CampaignID, idempotencyKey: String, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> CallList? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.listColumns) FROM call_lists
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
              AND idempotency_key = \(idempotencyKey)
            """)
        guard let row = rows.first else { return nil }
        return try await lists([row], tenant: tenant, on: connection).first
    }

    /// Lists read with ``listColumns``, with each agent's share counted from the entries.
    static func lists(_ rows: [PostgresRow], tenant: TenantID, on connection: PostgresConnection) async throws
        -> [CallList]
    {
        let ids = try rows.map { try $0.decode(UUID.self, at: 0) }
        guard !ids.isEmpty else { return [] }
        var counts: [UUID: [UUID: Int]] = [:]
        for row in try await connection.query(
            """
            SELECT call_list_id, agent_operator_id, count(*) FROM call_list_entries
            WHERE tenant_id = \(tenant.rawValue) AND call_list_id = ANY(\(ids))
            GROUP BY call_list_id, agent_operator_id
            """)
        {
            let list = try row.decode(UUID.self, at: 0)
            let agent = try row.decode(UUID.self, at: 1)
            counts[list, default: [:]][agent] = try row.decode(Int.self, at: 2)
        }
        return try zip(ids, rows).map { id, row in try CallList(row: row, counts: counts[id] ?? [:]) }
    }
}

extension CallList {
    /// Reads a row selected with ``CallListStore/listColumns``; `counts` are the entries per agent.
    init(row: PostgresRow, counts: [UUID: Int]) throws {
        self.init(
            id: CallListID(try row.decode(UUID.self, at: 0)),
            campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
            createdBy: try row.decode(String.self, at: 2),
            entryCount: try row.decode(Int.self, at: 3),
            agents: try row.decode([UUID].self, at: 4).map {
                AgentShare(agentOperatorID: $0, entryCount: counts[$0] ?? 0)
            },
            createdAt: try row.decode(Date.self, at: 5))
    }
}
