public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of campaigns: saving them, moving them through their status machine, and laying out
/// their occurrences.
public struct CampaignStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        campaign_id, tenant_id, name, kind, status, status_reason, segment_id, community_id, channels,
        goal_revenue_fen, goal_participants, period_start, period_end, owner_operator_id, schedule, messages,
        created_at, updated_at, rules
        """

    /// Saves a new campaign (a draft).
    public func create(_ campaign: Campaign) async throws -> Campaign {
        try campaign.validate()
        return try await pool.withTenant(campaign.tenantID) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO campaigns (campaign_id, tenant_id, name, kind, status, segment_id, community_id, channels,
                                       goal_revenue_fen, goal_participants, period_start, period_end, owner_operator_id,
                                       schedule, messages, rules)
                VALUES (\(campaign.id.rawValue), \(campaign.tenantID.rawValue), \(campaign.name.trimmedOfWhitespace),
                        \(campaign.kind.rawValue), \(campaign.status.rawValue), \(campaign.audience.segmentID?.rawValue),
                        \(campaign.audience.communityID?.rawValue), \(campaign.channels.map(\.rawValue)),
                        \(campaign.goal?.revenueFen), \(campaign.goal?.participants.map(Int64.init)),
                        \(campaign.period?.start), \(campaign.period?.end), \(campaign.ownerOperatorID),
                        \(try campaign.schedule.map { try PostgresJSONB(encoding: $0) }),
                        \(try PostgresJSONB(encoding: campaign.messages)),
                        \(try campaign.rules.map { try PostgresJSONB(encoding: $0) }))
                RETURNING \(unescaped: Self.columns)
                """)
            return try Campaign(row: rows[0])
        }
    }

    /// One campaign of the tenant, or `nil`.
    public func campaign(_ id: CampaignID, tenant: TenantID) async throws -> Campaign? {
        try await pool.withTenant(tenant) { connection in
            try await Self.find(id, tenant: tenant, lock: false, on: connection)
        }
    }

    /// Applies an operator's action (schedule, launch, pause, resume, complete, cancel) under a
    /// row lock, so two operators acting at once see each other's result; an illegal move is
    /// `failedPrecondition` with the reason. Pausing notes the time, resuming clears it and hands
    /// back how long the campaign was paused (the planner skips what fell due meanwhile).
    public func apply(
        _ action: CampaignAction, reason: String?, to id: CampaignID, tenant: TenantID
    ) async throws -> (campaign: Campaign, pausedAt: Date?)? {
        try await pool.withTenant(tenant) { connection in
            guard var campaign = try await Self.find(id, tenant: tenant, lock: true, on: connection) else { return nil }
            let pausedAt = try await connection.query(
                "SELECT paused_at FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)"
            ).first?.decode(Date?.self, at: 0)
            if action == .schedule || action == .launch { try campaign.checkSchedulable() }
            try campaign.apply(action, reason: reason)
            let rows = try await connection.query(
                """
                UPDATE campaigns SET status = \(campaign.status.rawValue), status_reason = \(campaign.statusReason),
                    paused_at = CASE WHEN \(campaign.status.rawValue) = 'paused' THEN now() END
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            return (try Campaign(row: rows[0]), pausedAt)
        }
    }

    static func find(
        _ id: CampaignID, tenant: TenantID, lock: Bool, on connection: PostgresConnection
    ) async throws -> Campaign? {
        try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM campaigns
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        ).first.map(Campaign.init(row:))
    }
}

extension Campaign {
    /// Reads a row selected with ``CampaignStore/columns``.
    init(row: PostgresRow) throws {
        func decoded<T: RawRepresentable>(_ type: T.Type, at index: Int) throws -> T where T.RawValue == String {
            let text = try row.decode(String.self, at: index)
            guard let value = T(rawValue: text) else {
                throw PostgresError(code: .decodingFailed, message: "unknown \(T.self) \"\(text)\" in campaigns")
            }
            return value
        }
        let revenue = try row.decode(Int64?.self, at: 9)
        let participants = try row.decode(Int64?.self, at: 10)
        let start = try row.decode(Date?.self, at: 11)
        let end = try row.decode(Date?.self, at: 12)
        self.init(
            id: CampaignID(try row.decode(UUID.self, at: 0)),
            tenantID: TenantID(try row.decode(UUID.self, at: 1)),
            name: try row.decode(String.self, at: 2),
            kind: try decoded(CampaignKind.self, at: 3),
            status: try decoded(CampaignStatus.self, at: 4),
            statusReason: try row.decode(String?.self, at: 5),
            audience: CampaignAudience(
                segmentID: try row.decode(UUID?.self, at: 6).map(SegmentID.init),
                communityID: try row.decode(UUID?.self, at: 7).map(CommunityID.init)),
            channels: try row.decode([String].self, at: 8).map { text in
                guard let channel = DeliveryChannel(rawValue: text) else {
                    throw PostgresError(code: .decodingFailed, message: "unknown channel \"\(text)\" in campaigns")
                }
                return channel
            },
            goal: revenue == nil && participants == nil
                ? nil : CampaignGoal(revenueFen: revenue, participants: participants.map { Int($0) }),
            period: start.flatMap { start in end.map { CampaignPeriod(start: start, end: $0) } },
            ownerOperatorID: try row.decode(UUID?.self, at: 13),
            schedule: try row.decode(PostgresJSONB?.self, at: 14).map { try $0.decode(CampaignSchedule.self) },
            messages: try row.decode(PostgresJSONB.self, at: 15).decode([PhaseMessage].self),
            rules: try row.decode(PostgresJSONB?.self, at: 18).map { try $0.decode(CampaignRules.self) },
            createdAt: try row.decode(Date.self, at: 16),
            updatedAt: try row.decode(Date.self, at: 17))
    }
}
