public import Foundation
public import HearthDomain
import HearthPostgres

/// The entries of call lists: reading them page by page (an agent's own, or by outcome), and
/// recording what each call came to, with its history row.
extension CallListStore {
    static let entryColumns = """
        entry_id, call_list_id, member_id, display_name, phone_e164, agent_operator_id, outcome, note, attempts,
        called_at, created_at, updated_at
        """

    /// A list's entries in member id order (all entries of a list share their created_at), after
    /// `cursor`, at most `limit`: only `agent`'s when given, only those at one of `outcomes` when
    /// it is not empty. `nil` when the tenant has no such list.
    public func entries(
        of list: CallListID, agent: UUID?, outcomes: [CallOutcome],
        after cursor: (createdAt: Date, memberID: MemberID)?, limit: Int, tenant: TenantID
    ) async throws -> (entries: [CallListEntry], more: Bool)? {
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery(
            "SELECT " + Self.entryColumns + " FROM call_list_entries WHERE tenant_id = $1 AND call_list_id = $2")
        statement.binds = [tenant.rawValue.postgresBind, list.rawValue.postgresBind]
        if let agent {
            let placeholder = statement.bind(agent)
            statement.sql += " AND agent_operator_id = \(placeholder)"
        }
        if !outcomes.isEmpty {
            let placeholder = statement.bind(outcomes.map(\.rawValue))
            statement.sql += " AND outcome = ANY(\(placeholder))"
        }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let member = statement.bind(cursor.memberID.rawValue)
            statement.sql += " AND (created_at, member_id) > (\(time), \(member))"
        }
        statement.sql += " ORDER BY created_at, member_id LIMIT \(limit + 1)"
        return try await pool.withTenant(tenant) { connection in
            let known = try await connection.query(
                "SELECT 1 FROM call_lists WHERE tenant_id = \(tenant.rawValue) AND call_list_id = \(list.rawValue)")
            guard !known.isEmpty else { return nil }
            let found = try await connection.query(statement).map(CallListEntry.init(row:))
            return (entries: Array(found.prefix(limit)), more: found.count > limit)
        }
    }

    /// Records what a call came to on `entry`, under its row lock: the outcome, the note (when
    /// given; the last one stays otherwise), one more attempt and the call time on the entry, and a
    /// row of history naming `recordedBy`. `nil` when the tenant has no such entry.
    ///
    /// With `onlyFor` (an agent calling), another agent's entry is `permissionDenied`. A retry
    /// whose `idempotencyKey` was recorded on the entry before changes nothing and returns the
    /// entry as it stands. `failedPrecondition` when the campaign completed or was cancelled, or
    /// the member joined already; `invalidArgument` for `pending` or an over-long note.
    public func record(
        _ outcome: CallOutcome, note: String?, on entry: CallListEntryID, recordedBy: String, onlyFor agent: UUID?,
        idempotencyKey: String?, tenant: TenantID
    ) async throws -> CallListEntry? {
        try CallListEntry.validateNote(note)
        return try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.entryColumns) FROM call_list_entries
                WHERE tenant_id = \(tenant.rawValue) AND entry_id = \(entry.rawValue)
                FOR UPDATE
                """)
            guard let row = rows.first else { return nil }
            let current = try CallListEntry(row: row)
            if let agent, current.agentOperatorID != agent {
                throw DomainError(
                    code: .permissionDenied,
                    message: "entry \(entry) is another agent's to call; record outcomes on your own entries")
            }
            if let idempotencyKey {
                let recorded = try await connection.query(
                    """
                    SELECT 1 FROM call_outcomes
                    WHERE tenant_id = \(tenant.rawValue) AND entry_id = \(entry.rawValue)
                      AND idempotency_key = \(idempotencyKey)
                    """)
                if !recorded.isEmpty { return current }
            }
            let statusText = try await connection.query(
                """
                SELECT c.status FROM call_lists l
                JOIN campaigns c ON c.tenant_id = l.tenant_id AND c.campaign_id = l.campaign_id
                WHERE l.tenant_id = \(tenant.rawValue) AND l.call_list_id = \(current.callListID.rawValue)
                """
            ).first?.decode(String.self, at: 0)
            if let statusText, let status = CampaignStatus(rawValue: statusText), status.isTerminal {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the campaign is \(status.rawValue); its call outcomes can no longer be recorded")
            }
            try current.outcome.checkMove(to: outcome)
            let updated = try await connection.query(
                """
                UPDATE call_list_entries
                SET outcome = \(outcome.rawValue), note = coalesce(\(note), note), attempts = attempts + 1,
                    called_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND entry_id = \(entry.rawValue)
                RETURNING \(unescaped: Self.entryColumns)
                """)
            try await connection.query(
                """
                INSERT INTO call_outcomes (tenant_id, entry_id, outcome, note, recorded_by, idempotency_key)
                VALUES (\(tenant.rawValue), \(entry.rawValue), \(outcome.rawValue), \(note), \(recordedBy),
                        \(idempotencyKey))
                """)
            return try CallListEntry(row: updated[0])
        }
    }
}

extension CallListEntry {
    /// Reads a row selected with ``CallListStore/entryColumns``.
    init(row: PostgresRow) throws {
        let outcomeText = try row.decode(String.self, at: 6)
        guard let outcome = CallOutcome(rawValue: outcomeText) else {
            throw PostgresError(
                code: .decodingFailed, message: "unknown call outcome \"\(outcomeText)\" in call_list_entries")
        }
        self.init(
            id: CallListEntryID(try row.decode(UUID.self, at: 0)),
            callListID: CallListID(try row.decode(UUID.self, at: 1)),
            recipient: Recipient(
                memberID: MemberID(try row.decode(UUID.self, at: 2)), displayName: try row.decode(String?.self, at: 3),
                phone: try row.decode(String?.self, at: 4)),
            agentOperatorID: try row.decode(UUID.self, at: 5),
            outcome: outcome,
            note: try row.decode(String?.self, at: 7),
            attempts: try row.decode(Int.self, at: 8),
            calledAt: try row.decode(Date?.self, at: 9),
            createdAt: try row.decode(Date.self, at: 10),
            updatedAt: try row.decode(Date.self, at: 11))
    }
}
