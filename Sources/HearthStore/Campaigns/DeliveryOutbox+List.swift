public import Foundation
public import HearthDomain
import HearthPostgres

/// Reading the outbox back: what was sent, held back or refused, for a campaign or a member.
extension DeliveryOutbox {
    /// A hold only means something while the delivery is pending (a claim or suppression may leave
    /// the columns behind).
    static let recordColumns = """
        delivery_id, campaign_id, occurrence_id, phase, message_index, member_id, channel, status, suppression_reason,
        attempts, sent_at, last_error, created_at, updated_at,
        CASE WHEN status = 'pending' THEN not_before END, CASE WHEN status = 'pending' THEN held_reason END
        """

    /// Deliveries of a campaign, of a member, or of a member in a campaign, newest first (by when
    /// they were recorded, then id), after `cursor`, at most `limit`; empty filter lists do not
    /// filter. `invalidArgument` without a campaign or a member (the whole outbox is no list anyone
    /// reads); `notFound` for a campaign, occurrence (of that campaign) or member the tenant does
    /// not have.
    public func list(
        tenant: TenantID, campaign: CampaignID?, occurrence: UUID?, member: MemberID?,
        statuses: [DeliveryRecord.Status], suppressionReasons: [DeliveryRecord.SuppressionReason],
        channels: [DeliveryChannel], phases: [CampaignPhase], after cursor: (createdAt: Date, id: UUID)?, limit: Int
    ) async throws -> (deliveries: [DeliveryRecord], more: Bool) {
        guard campaign != nil || member != nil else {
            throw DomainError(
                code: .invalidArgument, message: "deliveries are listed per campaign or per member; name one or both")
        }
        let limit = max(1, min(limit, 500))
        var statement = PostgresQuery("SELECT " + Self.recordColumns + " FROM deliveries WHERE tenant_id = $1")
        statement.binds = [tenant.rawValue.postgresBind]
        if let campaign {
            let id = statement.bind(campaign.rawValue)
            statement.sql += " AND campaign_id = \(id)"
        }
        if let occurrence {
            let id = statement.bind(occurrence)
            statement.sql += " AND occurrence_id = \(id)"
        }
        if let member {
            let id = statement.bind(member.rawValue)
            statement.sql += " AND member_id = \(id)"
        }
        if !statuses.isEmpty {
            let values = statement.bind(statuses.map(\.rawValue))
            statement.sql += " AND status = ANY(\(values))"
        }
        if !suppressionReasons.isEmpty {
            let values = statement.bind(suppressionReasons.map(\.rawValue))
            statement.sql += " AND suppression_reason = ANY(\(values))"
        }
        if !channels.isEmpty {
            let values = statement.bind(channels.map(\.rawValue))
            statement.sql += " AND channel = ANY(\(values))"
        }
        if !phases.isEmpty {
            let values = statement.bind(phases.map(\.rawValue))
            statement.sql += " AND phase = ANY(\(values))"
        }
        if let cursor {
            let time = statement.bind(cursor.createdAt)
            let id = statement.bind(cursor.id)
            statement.sql += " AND (created_at, delivery_id) < (\(time), \(id))"
        }
        statement.sql += " ORDER BY created_at DESC, delivery_id DESC LIMIT \(limit + 1)"
        let rows: [DeliveryRecord] = try await pool.withTenant(tenant) { connection in
            try await Self.requireScope(
                campaign: campaign, occurrence: occurrence, member: member, tenant: tenant, on: connection)
            return try await connection.query(statement).map(DeliveryRecord.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// Refuses a campaign, occurrence or member the tenant does not have, so a mistyped id is
    /// NOT_FOUND rather than an empty list.
    static func requireScope(
        campaign: CampaignID?, occurrence: UUID?, member: MemberID?, tenant: TenantID,
        on connection: PostgresConnection
    ) async throws {
        if let campaign {
            let found = try await connection.query(
                "SELECT 1 FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)")
            guard !found.isEmpty else {
                throw DomainError(code: .notFound, message: "no campaign \(campaign) in this tenant")
            }
        }
        if let occurrence {
            let owner = try await connection.query(
                """
                SELECT campaign_id FROM campaign_occurrences
                WHERE tenant_id = \(tenant.rawValue) AND occurrence_id = \(occurrence)
                """
            ).first?.decode(UUID.self, at: 0)
            guard let owner, campaign.map({ $0.rawValue == owner }) ?? true else {
                throw DomainError(
                    code: .notFound,
                    message: "no occurrence \(occurrence.uuidString.lowercased()) "
                        + (campaign.map { "of campaign \($0) " } ?? "") + "in this tenant")
            }
        }
        if let member {
            let found = try await connection.query(
                "SELECT 1 FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)")
            guard !found.isEmpty else {
                throw DomainError(code: .notFound, message: "no member \(member) in this tenant")
            }
        }
    }
}

extension DeliveryRecord {
    /// Reads a row selected with ``DeliveryOutbox/recordColumns``.
    init(row: PostgresRow) throws {
        func value<T: RawRepresentable>(_: T.Type, _ text: String, column: String) throws -> T
        where T.RawValue == String {
            guard let parsed = T(rawValue: text) else {
                throw PostgresError(code: .decodingFailed, message: "unknown \(column) \"\(text)\" in deliveries")
            }
            return parsed
        }
        let reason = try row.decode(String?.self, at: 8)
        let hold = try row.decode(String?.self, at: 15)
        self.init(
            id: try row.decode(UUID.self, at: 0),
            campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
            occurrenceID: try row.decode(UUID.self, at: 2),
            phase: try value(CampaignPhase.self, try row.decode(String.self, at: 3), column: "phase"),
            messageIndex: try row.decode(Int.self, at: 4),
            memberID: MemberID(try row.decode(UUID.self, at: 5)),
            channel: try value(DeliveryChannel.self, try row.decode(String.self, at: 6), column: "channel"),
            status: try value(DeliveryRecord.Status.self, try row.decode(String.self, at: 7), column: "status"),
            suppressionReason: try reason.map {
                try value(DeliveryRecord.SuppressionReason.self, $0, column: "suppression_reason")
            },
            attempts: try row.decode(Int.self, at: 9),
            sentAt: try row.decode(Date?.self, at: 10),
            heldUntil: try row.decode(Date?.self, at: 14),
            heldReason: try hold.map { try value(DeliveryRecord.Hold.self, $0, column: "held_reason") },
            lastError: try row.decode(String?.self, at: 11),
            createdAt: try row.decode(Date.self, at: 12),
            updatedAt: try row.decode(Date.self, at: 13))
    }
}
