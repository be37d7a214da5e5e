public import Foundation
public import HearthDomain
import HearthPostgres

/// Which events a list shows; conditions combine with AND, empty ones do not filter.
public struct EventQuery: Sendable, Hashable {
    public var member: MemberID?
    public var community: UUID?
    public var campaign: UUID?
    public var kinds: [EventKind] = []
    /// Occurred at or after `from`, and before `until`.
    public var from: Date?
    public var until: Date?

    public init() {}
}

/// Where a page of events ends in the newest-first order: (occurred_at, event_id) descending.
public struct EventCursor: Sendable, Hashable {
    public var occurredAt: Date
    public var eventID: EventID

    public init(occurredAt: Date, eventID: EventID) {
        self.occurredAt = occurredAt
        self.eventID = eventID
    }
}

extension EventStore {
    /// Events matching `query`, newest first, after `cursor`, at most `limit` (plus whether more follow).
    public func list(
        tenant: TenantID, matching query: EventQuery, after cursor: EventCursor?, limit: Int
    ) async throws -> (events: [MemberEvent], more: Bool) {
        let limit = max(1, min(limit, 500))
        // Built as a String first: interpolating into a PostgresQuery literal would bind the columns.
        let select = "SELECT " + MemberEvent.columns + " FROM events WHERE tenant_id = $1"
        var statement = PostgresQuery(select)
        statement.binds = [tenant.rawValue.postgresBind]
        if let member = query.member { statement.sql += " AND member_id = \(statement.bind(member.rawValue))" }
        if let community = query.community { statement.sql += " AND community_id = \(statement.bind(community))" }
        if let campaign = query.campaign { statement.sql += " AND campaign_id = \(statement.bind(campaign))" }
        if !query.kinds.isEmpty { statement.sql += " AND kind = ANY(\(statement.bind(query.kinds.map(\.rawValue))))" }
        if let from = query.from { statement.sql += " AND occurred_at >= \(statement.bind(from))" }
        if let until = query.until { statement.sql += " AND occurred_at < \(statement.bind(until))" }
        if let cursor {
            let time = statement.bind(cursor.occurredAt)
            let id = statement.bind(cursor.eventID.rawValue)
            statement.sql += " AND (occurred_at, event_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY occurred_at DESC, event_id DESC LIMIT \(limit + 1)"
        let rows = try await pool.withTenant(tenant) { connection in
            try await connection.query(statement).map { row in try MemberEvent(row: row, tenant: tenant) }
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }
}

extension MemberEvent {
    /// The columns ``init(row:tenant:)`` reads: the feedback state is kept in `properties` and
    /// read back out of it.
    static let columns = """
        event_id, member_id, kind, occurred_at, amount_fen, community_id, campaign_id, idempotency_key,
        properties->>'feedback_status', properties->>'resolves_idempotency_key',
        (properties - 'feedback_status' - 'resolves_idempotency_key')::text
        """

    /// Reads a row selected with ``columns``; a hard-deleted member's events keep no member and
    /// read as the nil member id.
    init(row: PostgresRow, tenant: TenantID) throws {
        let kindText = try row.decode(String.self, at: 2)
        guard let kind = EventKind(rawValue: kindText) else {
            throw PostgresError(code: .decodingFailed, message: "unknown event kind \"\(kindText)\"")
        }
        self.init(
            id: EventID(try row.decode(UUID.self, at: 0)),
            tenantID: tenant,
            memberID: MemberID(
                try row.decode(UUID?.self, at: 1) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))),
            kind: kind,
            occurredAt: try row.decode(Date.self, at: 3),
            amountFen: try row.decode(Int64?.self, at: 4),
            communityID: try row.decode(UUID?.self, at: 5),
            campaignID: try row.decode(UUID?.self, at: 6),
            idempotencyKey: try row.decode(String.self, at: 7),
            feedback: try Self.feedback(
                status: row.decode(String?.self, at: 8), resolves: row.decode(String?.self, at: 9)),
            propertiesJSON: try row.decode(String.self, at: 10).utf8.elementsEqual("{}".utf8)
                ? nil : Data(try row.decode(String.self, at: 10).utf8))
    }

    static func feedback(status: String?, resolves: String?) -> Feedback? {
        switch status {
        case "open": .open
        case "resolved": .resolved(openKey: resolves ?? "")
        default: nil
        }
    }
}
