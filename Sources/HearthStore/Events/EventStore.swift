import Foundation
public import HearthDomain
public import HearthPostgres

/// What one ``EventStore/record(_:tenant:)`` call did with its batch.
public struct EventRecordOutcome: Sendable, Hashable {
    /// Events stored now.
    public var inserted: Int
    /// Events whose idempotency key was already stored (a retried batch): skipped, never counted twice.
    public var duplicates: Int

    public init(inserted: Int, duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}

/// The SQL of member events.
public struct EventStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Stores a batch in one statement. The idempotency keys go into `event_keys` first; only events
    /// whose key was new are inserted, so a retried batch adds nothing.
    public func record(_ events: [MemberEvent], tenant: TenantID) async throws -> EventRecordOutcome {
        let outcome = try await recordReportingEach(events, tenant: tenant)
        let inserted = outcome.values.count(where: \.stored)
        return EventRecordOutcome(inserted: inserted, duplicates: events.count - inserted)
    }

    /// Stores a batch like ``record(_:tenant:)`` and tells, per idempotency key, the id of the event
    /// that stands for it and whether it was stored now (`false`: a retry of an earlier event).
    /// A dry run does the same work and rolls it back, so its answer is what a real run would give.
    public func recordReportingEach(_ events: [MemberEvent], tenant: TenantID, dryRun: Bool = false) async throws
        -> [String: (eventID: EventID, stored: Bool)]
    {
        for event in events {
            try event.validate()
            guard event.tenantID == tenant else {
                throw DomainError(
                    code: .invalidArgument, message: "event \(event.idempotencyKey) belongs to another tenant")
            }
        }
        guard !events.isEmpty else { return [:] }
        do {
            return try await store(events, tenant: tenant, dryRun: dryRun)
        } catch let finished as DryRunFinished {
            return finished.outcome
        }
    }

    /// Thrown out of the transaction to roll a dry run back while keeping its answer.
    private struct DryRunFinished: Error {
        var outcome: [String: (eventID: EventID, stored: Bool)]
    }

    private func store(_ events: [MemberEvent], tenant: TenantID, dryRun: Bool) async throws
        -> [String: (eventID: EventID, stored: Bool)]
    {
        try await pool.withTenant(tenant) { connection in
            let inserted = try await connection.query(
                """
                WITH input AS (
                    SELECT * FROM unnest(
                        \(events.map(\.id.rawValue)), \(events.map(\.memberID.rawValue)), \(events.map(\.kind.rawValue)),
                        \(events.map(\.occurredAt)), \(events.map(\.amountFen)), \(events.map(\.communityID)),
                        \(events.map(\.campaignID)), \(events.map(\.idempotencyKey))
                    ) AS i (event_id, member_id, kind, occurred_at, amount_fen, community_id, campaign_id, idempotency_key)
                ),
                fresh AS (
                    INSERT INTO event_keys (tenant_id, idempotency_key, event_id, occurred_at)
                    SELECT \(tenant.rawValue), idempotency_key, event_id, occurred_at FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING event_id
                )
                INSERT INTO events (tenant_id, event_id, member_id, kind, occurred_at, amount_fen, community_id,
                                    campaign_id, idempotency_key)
                SELECT \(tenant.rawValue), i.event_id, i.member_id, i.kind, i.occurred_at, i.amount_fen, i.community_id,
                       i.campaign_id, i.idempotency_key
                FROM input i JOIN fresh USING (event_id)
                RETURNING event_id
                """)
            let storedNow = Set(try inserted.map { try $0.decode(UUID.self, at: 0) })
            let standing = try await connection.query(
                """
                SELECT idempotency_key, event_id FROM event_keys
                WHERE tenant_id = \(tenant.rawValue) AND idempotency_key = ANY(\(events.map(\.idempotencyKey)))
                """)
            var outcome: [String: (eventID: EventID, stored: Bool)] = [:]
            for row in standing {
                let id = try row.decode(UUID.self, at: 1)
                outcome[try row.decode(String.self, at: 0)] = (EventID(id), storedNow.contains(id))
            }
            if dryRun { throw DryRunFinished(outcome: outcome) }
            return outcome
        }
    }

    /// A member's events, newest first.
    public func events(of member: MemberID, tenant: TenantID, limit: Int = 1000) async throws -> [MemberEvent] {
        try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT event_id, member_id, kind, occurred_at, amount_fen, community_id, campaign_id, idempotency_key
                FROM events
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                ORDER BY occurred_at DESC, event_id
                LIMIT \(max(1, min(limit, 100_000)))
                """)
            return try rows.map { row in
                let kindText = try row.decode(String.self, at: 2)
                guard let kind = EventKind(rawValue: kindText) else {
                    throw PostgresError(code: .decodingFailed, message: "unknown event kind \"\(kindText)\"")
                }
                return MemberEvent(
                    id: EventID(try row.decode(UUID.self, at: 0)),
                    tenantID: tenant,
                    memberID: MemberID(try row.decode(UUID.self, at: 1)),
                    kind: kind,
                    occurredAt: try row.decode(Date.self, at: 3),
                    amountFen: try row.decode(Int64?.self, at: 4),
                    communityID: try row.decode(UUID?.self, at: 5),
                    campaignID: try row.decode(UUID?.self, at: 6),
                    idempotencyKey: try row.decode(String.self, at: 7))
            }
        }
    }
}
