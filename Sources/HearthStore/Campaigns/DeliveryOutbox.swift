public import Foundation
public import HearthDomain
public import HearthPostgres

/// One message a sender holds a lease on: who gets what, on which channel, for which occurrence.
public struct DeliveryClaim: Sendable, Hashable {
    public var id: UUID
    public var tenant: TenantID
    public var campaignID: UUID
    public var occurrenceID: UUID
    public var phase: String
    /// Which of the campaign's messages (a phase may have several, e.g. warm-ups).
    public var messageIndex: Int
    public var memberID: MemberID
    public var channel: String
    /// This claim's attempt number (1 for the first try).
    public var attempt: Int
}

/// Why a delivery was not sent (the domain's type; its raw values are `deliveries.suppression_reason`).
public typealias SuppressionReason = DeliveryRecord.SuppressionReason

/// Why a pending delivery waits until its `not_before` (the domain's type; raw values are
/// `deliveries.held_reason`).
public typealias DeliveryHold = DeliveryRecord.Hold

/// What a channel adapter's try came to, as recorded in `delivery_attempts`.
public struct DeliveryAttempt: Sendable {
    public enum Outcome: String, Sendable {
        case sent
        case retryable
        case permanent
    }

    public var outcome: Outcome
    public var statusCode: Int?
    public var error: String?
    public var startedAt: Date
    public var finishedAt: Date

    public init(outcome: Outcome, statusCode: Int? = nil, error: String? = nil, startedAt: Date, finishedAt: Date) {
        self.outcome = outcome
        self.statusCode = statusCode
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// The outbox of campaign messages. A message is a row before it is sent (one per occurrence,
/// phase, member and channel: the unique key makes re-planning harmless); senders take rows with
/// `FOR UPDATE SKIP LOCKED` under a lease, and a row whose sender died is taken over once its lease
/// expires. Marking a row sent checks the lease is still the sender's, so a sender that lost its
/// lease cannot overwrite the new holder's outcome.
public struct DeliveryOutbox: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Every tenant, for the engine's walk (hearth_app sees one tenant at a time otherwise).
    public func tenants() async throws -> [TenantID] {
        try await pool.query("SELECT hearth_tenant_ids()").map { TenantID(try $0.decode(UUID.self, at: 0)) }
    }

    /// Queues one delivery per member and channel for a phase of an occurrence; rows that exist
    /// already stay as they are. Returns how many were new.
    @discardableResult
    public func enqueue(
        tenant: TenantID, campaign: UUID, occurrence: UUID, phase: String, messageIndex: Int, members: [MemberID],
        channels: [String]
    ) async throws -> Int {
        guard !members.isEmpty, !channels.isEmpty else { return 0 }
        return try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO deliveries (tenant_id, campaign_id, occurrence_id, phase, message_index, member_id, channel)
                SELECT \(tenant.rawValue), \(campaign), \(occurrence), \(phase), \(messageIndex), m, c
                FROM unnest(\(members.map(\.rawValue))) AS m CROSS JOIN unnest(\(channels)) AS c
                ON CONFLICT ON CONSTRAINT deliveries_once_key DO NOTHING
                """
            ).affectedRows
        }
    }

    /// Takes up to `limit` deliveries of `tenant` that are due: pending ones of running
    /// campaigns, and claimed ones whose lease ran out. Each gets `sender`'s lease until
    /// now + `lease` and its attempt counted.
    public func claim(tenant: TenantID, sender: String, lease: Duration, limit: Int) async throws -> [DeliveryClaim] {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        return try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                WITH due AS MATERIALIZED (
                    -- Evaluated once: the rows this claim locked are exactly the rows it updates.
                    SELECT x.tenant_id, x.delivery_id FROM deliveries x
                    JOIN campaigns c ON c.tenant_id = x.tenant_id AND c.campaign_id = x.campaign_id
                    WHERE x.tenant_id = \(tenant.rawValue) AND c.status = 'running'
                      AND ((x.status = 'pending' AND (x.not_before IS NULL OR x.not_before <= now()))
                           OR (x.status = 'claimed' AND x.claimed_until < now()))
                    ORDER BY x.created_at, x.delivery_id
                    LIMIT \(max(1, min(limit, 10_000)))
                    FOR UPDATE OF x SKIP LOCKED
                )
                UPDATE deliveries d
                SET status = 'claimed', claimed_by = \(sender), claimed_until = now() + make_interval(secs => \(seconds)),
                    attempts = d.attempts + 1
                FROM due
                WHERE d.tenant_id = due.tenant_id AND d.delivery_id = due.delivery_id
                RETURNING d.delivery_id, d.campaign_id, d.occurrence_id, d.phase, d.message_index, d.member_id, d.channel,
                          d.attempts
                """
            ).map { row in
                DeliveryClaim(
                    id: try row.decode(UUID.self, at: 0), tenant: tenant, campaignID: try row.decode(UUID.self, at: 1),
                    occurrenceID: try row.decode(UUID.self, at: 2), phase: try row.decode(String.self, at: 3),
                    messageIndex: try row.decode(Int.self, at: 4), memberID: MemberID(try row.decode(UUID.self, at: 5)),
                    channel: try row.decode(String.self, at: 6), attempt: try row.decode(Int.self, at: 7))
            }
        }
    }

    /// Records an attempt and its outcome: sent, back to pending for a retryable failure (until
    /// `maximumAttempts`; due again from `retryAt` when given), or failed. Returns `false` when the
    /// lease was no longer `sender`'s (the row was taken over and is left to its new holder).
    @discardableResult
    public func finish(
        _ claim: DeliveryClaim, sender: String, attempt: DeliveryAttempt, maximumAttempts: Int, retryAt: Date? = nil
    ) async throws -> Bool {
        let status: String =
            switch attempt.outcome {
            case .sent: "sent"
            case .retryable: claim.attempt >= maximumAttempts ? "failed" : "pending"
            case .permanent: "failed"
            }
        return try await pool.withTenant(claim.tenant) { connection in
            let updated = try await connection.query(
                """
                UPDATE deliveries
                SET status = \(status), claimed_by = NULL, claimed_until = NULL,
                    sent_at = CASE WHEN \(status) = 'sent' THEN \(attempt.finishedAt) END,
                    not_before = CASE WHEN \(status) = 'pending' THEN \(retryAt)::timestamptz END,
                    held_reason = CASE WHEN \(status) = 'pending' AND \(retryAt)::timestamptz IS NOT NULL
                                       THEN 'retry_later' END,
                    last_error = \(attempt.error.map { String($0.prefix(4000)) })
                WHERE tenant_id = \(claim.tenant.rawValue) AND delivery_id = \(claim.id)
                  AND status = 'claimed' AND claimed_by = \(sender) AND attempts = \(claim.attempt)
                """
            ).affectedRows
            try await connection.query(
                """
                INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, sender, started_at, finished_at, outcome,
                                               status_code, error)
                VALUES (\(claim.tenant.rawValue), \(claim.id), \(claim.attempt), \(sender), \(attempt.startedAt),
                        \(attempt.finishedAt), \(attempt.outcome.rawValue), \(attempt.statusCode),
                        \(attempt.error.map { String($0.prefix(4000)) }))
                ON CONFLICT DO NOTHING
                """)
            return updated == 1
        }
    }

    /// Records why a claimed delivery is not sent. Returns `false` when the lease was lost.
    @discardableResult
    public func suppress(_ claim: DeliveryClaim, sender: String, reason: SuppressionReason) async throws -> Bool {
        try await pool.withTenant(claim.tenant) { connection in
            try await connection.query(
                """
                UPDATE deliveries
                SET status = 'suppressed', suppression_reason = \(reason.rawValue), claimed_by = NULL, claimed_until = NULL
                WHERE tenant_id = \(claim.tenant.rawValue) AND delivery_id = \(claim.id)
                  AND status = 'claimed' AND claimed_by = \(sender) AND attempts = \(claim.attempt)
                """
            ).affectedRows == 1
        }
    }

    /// Gives a claimed delivery back untried, due again at `notBefore`, noting why it waits.
    public func release(_ claim: DeliveryClaim, sender: String, notBefore: Date, hold: DeliveryHold) async throws {
        try await pool.withTenant(claim.tenant) { connection in
            try await connection.query(
                """
                UPDATE deliveries
                SET status = 'pending', claimed_by = NULL, claimed_until = NULL, attempts = attempts - 1,
                    not_before = \(notBefore), held_reason = \(hold.rawValue)
                WHERE tenant_id = \(claim.tenant.rawValue) AND delivery_id = \(claim.id)
                  AND status = 'claimed' AND claimed_by = \(sender) AND attempts = \(claim.attempt)
                """)
        }
    }

    /// How many messages each of these members was sent on each channel since `since`, across
    /// all campaigns: what the frequency cap counts.
    public func sentCounts(tenant: TenantID, members: [MemberID], since: Date) async throws -> [SentKey: Int] {
        guard !members.isEmpty else { return [:] }
        return try await pool.withTenant(tenant) { connection in
            var counts: [SentKey: Int] = [:]
            for row in try await connection.query(
                """
                SELECT member_id, channel, count(*) FROM deliveries
                WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(members.map(\.rawValue)))
                  AND status = 'sent' AND sent_at >= \(since)
                GROUP BY member_id, channel
                """)
            {
                let key = SentKey(
                    member: MemberID(try row.decode(UUID.self, at: 0)), channel: try row.decode(String.self, at: 1))
                counts[key] = try row.decode(Int.self, at: 2)
            }
            return counts
        }
    }

    /// How many deliveries wait: due now (pending) and held back until later (quiet hours, a
    /// platform cap, a retry). What the outbox-depth gauges show.
    public func depth(tenant: TenantID) async throws -> (pending: Int, held: Int) {
        try await pool.withTenant(tenant) { connection in
            let row = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE not_before IS NULL OR not_before <= now()),
                       count(*) FILTER (WHERE not_before > now())
                FROM deliveries WHERE tenant_id = \(tenant.rawValue) AND status = 'pending'
                """)[0]
            return (try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1))
        }
    }

    /// A channel's sends in the minute before now across every sender, and when the oldest of them
    /// leaves that minute: what a platform's per-minute cap counts.
    public func sendsInLastMinute(tenant: TenantID, channel: String) async throws -> (count: Int, oldest: Date?) {
        try await pool.withTenant(tenant) { connection in
            let row = try await connection.query(
                """
                SELECT count(*), min(sent_at) FROM deliveries
                WHERE tenant_id = \(tenant.rawValue) AND channel = \(channel) AND status = 'sent'
                  AND sent_at > now() - interval '1 minute'
                """)[0]
            return (try row.decode(Int.self, at: 0), try row.decode(Date?.self, at: 1))
        }
    }

    /// A member on a channel, as the frequency cap counts sends.
    public struct SentKey: Hashable, Sendable {
        public var member: MemberID
        public var channel: String

        public init(member: MemberID, channel: String) {
            self.member = member
            self.channel = channel
        }
    }
}
