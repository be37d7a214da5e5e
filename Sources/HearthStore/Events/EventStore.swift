public import Foundation
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

/// What ``EventStore/recordReportingEach(_:tenant:dryRun:)`` did with each event of a batch.
public struct EventBatchOutcome: Sendable {
    /// Per idempotency key: the event that stands for it.
    public var standing: [String: EventStanding]
    /// Members named by events who are not live members of the tenant; their events were left out.
    public var unknownMembers: Set<MemberID>
}

/// The event an idempotency key stands for, and what it says: an event sent with the same key
/// and the same facts is a retry; with other facts, a key reused for another event.
public struct EventStanding: Sendable {
    public var eventID: EventID
    /// Stored now (`false`: stored by an earlier call).
    public var stored: Bool
    /// `nil` when the stored event is no longer there to compare with.
    public var memberID: MemberID?
    public var kind: EventKind?
    public var occurredAt: Date?
    public var amountFen: Int64?

    /// Whether `event` says what the standing event says (who, what, when, how much).
    public func matches(_ event: MemberEvent) -> Bool {
        guard let memberID, let kind, let occurredAt else { return true }
        return memberID == event.memberID && kind == event.kind && amountFen == event.amountFen
            && abs(occurredAt.timeIntervalSince(event.occurredAt)) < 0.001
    }

    init(row: PostgresRow, stored: Bool) throws {
        eventID = EventID(try row.decode(UUID.self, at: 1))
        self.stored = stored
        memberID = try row.decode(UUID?.self, at: 2).map(MemberID.init)
        kind = try row.decode(String?.self, at: 3).flatMap(EventKind.init(rawValue:))
        occurredAt = try row.decode(Date?.self, at: 4)
        amountFen = try row.decode(Int64?.self, at: 5)
    }
}

/// The SQL of member events.
public struct EventStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Stores a batch in one statement. The idempotency keys go into `event_keys` first; only events
    /// whose key was new are inserted, so a retried batch adds nothing.
    /// Throws `notFound`, storing nothing, when an event's member is not a live member of the tenant.
    public func record(_ events: [MemberEvent], tenant: TenantID) async throws -> EventRecordOutcome {
        try validate(events, tenant: tenant)
        guard !events.isEmpty else { return EventRecordOutcome(inserted: 0, duplicates: 0) }
        let outcome = try await store(events, tenant: tenant, dryRun: false, refusingUnknownMembers: true)
        let inserted = outcome.standing.values.count(where: \.stored)
        return EventRecordOutcome(inserted: inserted, duplicates: events.count - inserted)
    }

    /// Stores a batch like ``record(_:tenant:)``, except that events of members who are not live
    /// members of the tenant (unknown, erased or merged away) are left out and named in
    /// ``EventBatchOutcome/unknownMembers`` while the rest are stored. A dry run does the same work
    /// and rolls it back, so its answer is what a real run would give.
    public func recordReportingEach(_ events: [MemberEvent], tenant: TenantID, dryRun: Bool = false) async throws
        -> EventBatchOutcome
    {
        try validate(events, tenant: tenant)
        guard !events.isEmpty else { return EventBatchOutcome(standing: [:], unknownMembers: []) }
        do {
            return try await store(events, tenant: tenant, dryRun: dryRun, refusingUnknownMembers: false)
        } catch let finished as DryRunFinished {
            return finished.outcome
        }
    }

    private func validate(_ events: [MemberEvent], tenant: TenantID) throws {
        for event in events {
            try event.validate()
            guard event.tenantID == tenant else {
                throw DomainError(
                    code: .invalidArgument, message: "event \(event.idempotencyKey) belongs to another tenant")
            }
        }
    }

    /// Thrown out of the transaction to roll a dry run back while keeping its answer.
    private struct DryRunFinished: Error {
        var outcome: EventBatchOutcome
    }

    /// `refusingUnknownMembers`: throw `notFound` (rolling everything back) instead of leaving out
    /// the events of members who are not live.
    private func store(_ events: [MemberEvent], tenant: TenantID, dryRun: Bool, refusingUnknownMembers: Bool)
        async throws -> EventBatchOutcome
    {
        try await pool.withTenant(tenant) { connection in
            // Members whose totals change are locked in id order first, so two batches about the
            // same members queue instead of deadlocking; the same probe tells which members are live.
            let live = Set(
                try await connection.query(
                    """
                    SELECT member_id FROM members
                    WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(Array(Set(events.map(\.memberID.rawValue)))))
                      AND erased_at IS NULL AND merged_into_member_id IS NULL
                    ORDER BY member_id FOR NO KEY UPDATE
                    """
                ).map { MemberID(try $0.decode(UUID.self, at: 0)) })
            let unknownMembers = Set(events.map(\.memberID)).subtracting(live)
            if refusingUnknownMembers, let unknown = unknownMembers.first {
                throw DomainError(code: .notFound, message: "this tenant has no member \(unknown)")
            }
            let events = unknownMembers.isEmpty ? events : events.filter { live.contains($0.memberID) }
            guard !events.isEmpty else { return EventBatchOutcome(standing: [:], unknownMembers: unknownMembers) }
            let properties = events.map { event in event.propertiesJSON.map { String(decoding: $0, as: UTF8.self) } }
            let feedback = events.map { event -> String? in
                switch event.feedback {
                case .open: "open"
                case .resolved: "resolved"
                case nil: nil
                }
            }
            let resolves = events.map { event -> String? in
                if case .resolved(let key) = event.feedback { key } else { nil }
            }
            let inserted = try await connection.query(
                """
                WITH input AS (
                    SELECT * FROM unnest(
                        \(events.map(\.id.rawValue)), \(events.map(\.memberID.rawValue)), \(events.map(\.kind.rawValue)),
                        \(events.map(\.occurredAt)), \(events.map(\.amountFen)), \(events.map(\.communityID)),
                        \(events.map(\.campaignID)), \(events.map(\.idempotencyKey)), \(properties), \(feedback), \(resolves)
                    ) AS i (event_id, member_id, kind, occurred_at, amount_fen, community_id, campaign_id, idempotency_key,
                            properties, feedback_status, resolves_idempotency_key)
                ),
                fresh AS (
                    INSERT INTO event_keys (tenant_id, idempotency_key, event_id, occurred_at)
                    SELECT \(tenant.rawValue), idempotency_key, event_id, occurred_at FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING event_id
                ),
                stored AS (
                    INSERT INTO events (tenant_id, event_id, member_id, kind, occurred_at, amount_fen, community_id,
                                        campaign_id, idempotency_key, properties)
                    SELECT \(tenant.rawValue), i.event_id, i.member_id, i.kind, i.occurred_at, i.amount_fen, i.community_id,
                           i.campaign_id, i.idempotency_key,
                           coalesce(i.properties::jsonb, '{}')
                               || jsonb_strip_nulls(jsonb_build_object('feedback_status', i.feedback_status,
                                                                       'resolves_idempotency_key', i.resolves_idempotency_key))
                    FROM input i JOIN fresh USING (event_id)
                    RETURNING event_id, member_id, kind, occurred_at, amount_fen, idempotency_key
                ),
                -- The figures operators see on a member move with every event stored, in the same
                -- transaction, so they never disagree with the log.
                totals AS (
                    UPDATE members m
                    SET total_spend_fen = m.total_spend_fen + t.spend,
                        order_count = m.order_count + t.orders,
                        last_purchase_at = greatest(m.last_purchase_at, t.last_purchase),
                        last_active_at = greatest(m.last_active_at, t.last_active)
                    FROM (SELECT member_id,
                                 coalesce(sum(amount_fen) FILTER (WHERE kind = 'purchase'), 0) AS spend,
                                 count(*) FILTER (WHERE kind = 'purchase') AS orders,
                                 max(occurred_at) FILTER (WHERE kind = 'purchase') AS last_purchase,
                                 max(occurred_at) AS last_active
                          FROM stored GROUP BY member_id) t
                    WHERE m.tenant_id = \(tenant.rawValue) AND m.member_id = t.member_id
                )
                SELECT idempotency_key, event_id, member_id, kind, occurred_at, amount_fen FROM stored
                """)
            var standing: [String: EventStanding] = [:]
            for row in inserted {
                standing[try row.decode(String.self, at: 0)] = try EventStanding(row: row, stored: true)
            }
            // Keys not stored now were stored before (a retry): their standing events are looked up.
            let earlier = Set(events.map(\.idempotencyKey)).subtracting(standing.keys)
            if !earlier.isEmpty {
                let rows = try await connection.query(
                    """
                    SELECT k.idempotency_key, k.event_id, e.member_id, e.kind, e.occurred_at, e.amount_fen
                    FROM event_keys k
                    LEFT JOIN events e
                      ON e.tenant_id = k.tenant_id AND e.event_id = k.event_id AND e.occurred_at = k.occurred_at
                    WHERE k.tenant_id = \(tenant.rawValue) AND k.idempotency_key = ANY(\(Array(earlier)))
                    """)
                for row in rows {
                    standing[try row.decode(String.self, at: 0)] = try EventStanding(row: row, stored: false)
                }
            }
            let outcome = EventBatchOutcome(standing: standing, unknownMembers: unknownMembers)
            if dryRun { throw DryRunFinished(outcome: outcome) }
            return outcome
        }
    }

    /// A member's events, newest first.
    public func events(of member: MemberID, tenant: TenantID, limit: Int = 1000) async throws -> [MemberEvent] {
        var statement = PostgresQuery(
            "SELECT " + MemberEvent.columns + " FROM events WHERE tenant_id = $1 AND member_id = $2")
        statement.binds = [tenant.rawValue.postgresBind, member.rawValue.postgresBind]
        statement.sql += " ORDER BY occurred_at DESC, event_id LIMIT \(max(1, min(limit, 100_000)))"
        return try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map { try MemberEvent(row: $0, tenant: tenant) }
        }
    }
}
