public import Foundation
public import HearthDomain
import HearthPostgres

/// What ``MemberStore/setConsent(_:for:recordedBy:tenant:)`` did.
public struct ConsentOutcome: Sendable, Hashable {
    /// The member's consent on the channel after the call.
    public var current: ConsentDecision
    /// Whether the decision became the current one; `false`: it is kept in the history only.
    public var applied: Bool

    public init(current: ConsentDecision, applied: Bool) {
        self.current = current
        self.applied = applied
    }
}

/// Where a page of consent history ends: the order is (changed_at, change_id) descending.
public struct ConsentChangeCursor: Sendable, Hashable {
    public var changedAt: Date
    public var changeID: UUID

    public init(changedAt: Date, changeID: UUID) {
        self.changedAt = changedAt
        self.changeID = changeID
    }
}

extension MemberStore {
    /// Records a consent decision of member `id`, made current when it supersedes the stored one
    /// (``ConsentDecision/supersedes(_:)``: the later decision wins, a refusal wins a tie).
    ///
    /// Every decision lands in the history: an applied one through the `member_consents` trigger,
    /// one that is not applied directly, so the evidence of every answer the member gave is kept.
    /// `operatorText` is the caller's operator id from the token (see ``operatorRow(_:tenant:on:)``).
    /// Deleted members still record decisions (a refusal must hold if they are restored).
    ///
    /// - Throws: `invalidArgument` (``ConsentDecision/validate(now:)``); `notFound`;
    ///   `failedPrecondition` (erased or merged member).
    public func setConsent(
        _ decision: ConsentDecision, for id: MemberID, recordedBy operatorText: String?, tenant: TenantID
    ) async throws -> ConsentOutcome {
        try decision.validate()
        return try await pool.withTenant(tenant) { connection in
            // The member row lock serialises decisions on one member, so two racing answers are
            // compared with each other rather than both with the old state.
            _ = try await Self.lockLiveMember(
                id, tenant: tenant, .noKeyUpdate, allowDeleted: true, action: "recording consent", on: connection)
            var recorded = decision
            recorded.operatorID = try await Self.operatorRow(operatorText, tenant: tenant, on: connection)
            let stored = try await Self.consents(of: [id], tenant: tenant, on: connection)[id]?
                .first { $0.channel == recorded.channel }
            guard recorded.supersedes(stored) else {
                try await connection.query(
                    """
                    INSERT INTO consent_changes (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
                    VALUES (\(tenant.rawValue), \(id.rawValue), \(recorded.channel.rawValue), \(recorded.granted),
                            \(recorded.source), \(recorded.operatorID), \(recorded.changedAt))
                    """)
                // supersedes(nil) is true, so a refused decision always has a stored one to report.
                return ConsentOutcome(current: stored ?? recorded, applied: false)
            }
            let rows = try await connection.query(
                """
                INSERT INTO member_consents (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
                VALUES (\(tenant.rawValue), \(id.rawValue), \(recorded.channel.rawValue), \(recorded.granted),
                        \(recorded.source), \(recorded.operatorID), \(recorded.changedAt))
                ON CONFLICT (tenant_id, member_id, channel) DO UPDATE
                    SET granted = EXCLUDED.granted, source = EXCLUDED.source, operator_id = EXCLUDED.operator_id,
                        changed_at = EXCLUDED.changed_at
                RETURNING channel, granted, source, operator_id, changed_at
                """)
            guard let row = rows.first else {
                throw DomainError(code: .internal, message: "the consent decision was not returned")
            }
            return ConsentOutcome(current: try Self.consentDecision(row, from: 0), applied: true)
        }
    }

    /// Member `id`'s consent history, newest decision first, after `cursor`, at most `limit` (plus
    /// whether more follow); only `channel` when given.
    ///
    /// The history of profiles merged into the member is part of it: merging moves the current
    /// consent, never the append-only evidence, which stays under the profile it was given for.
    ///
    /// - Throws: `notFound` (any state of the member is fine: an erased member's history is kept).
    public func consentChanges(
        of id: MemberID, channel: ConsentChannel?, after cursor: ConsentChangeCursor?, limit: Int, tenant: TenantID
    ) async throws -> (changes: [ConsentChange], more: Bool) {
        let limit = max(1, min(limit, 500))
        return try await pool.withTenant(tenant) { connection in
            let member = try await connection.query(
                "SELECT 1 FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)")
            guard !member.isEmpty else { throw Self.notFound(id) }
            var statement = PostgresQuery(
                """
                WITH RECURSIVE profiles (member_id) AS (
                    SELECT $2::uuid
                    UNION
                    SELECT m.member_id FROM members m JOIN profiles p
                      ON m.tenant_id = $1 AND m.merged_into_member_id = p.member_id
                )
                SELECT change_id, member_id, channel, granted, source, operator_id, changed_at, recorded_at
                FROM consent_changes
                WHERE tenant_id = $1 AND member_id IN (SELECT member_id FROM profiles)
                """)
            statement.binds = [tenant.rawValue.postgresBind, id.rawValue.postgresBind]
            if let channel {
                let bound = statement.bind(channel.rawValue)
                statement.sql += " AND channel = \(bound)"
            }
            if let cursor {
                let time = statement.bind(cursor.changedAt)
                let change = statement.bind(cursor.changeID)
                statement.sql += " AND (changed_at, change_id) < (\(time), \(change))"
            }
            statement.sql += " ORDER BY changed_at DESC, change_id DESC LIMIT \(limit + 1)"
            let rows = try await connection.query(statement)
            let changes = try rows.prefix(limit).map { row in
                ConsentChange(
                    id: try row.decode(UUID.self, at: 0),
                    memberID: MemberID(try row.decode(UUID.self, at: 1)),
                    decision: try Self.consentDecision(row, from: 2),
                    recordedAt: try row.decode(Date.self, at: 7))
            }
            return (changes: changes, more: rows.count > limit)
        }
    }
}
