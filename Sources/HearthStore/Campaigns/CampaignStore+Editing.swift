import Foundation
public import HearthDomain
import HearthPostgres

extension CampaignStore {
    /// Writes a changed campaign, provided its status is still `status` (what the caller checked
    /// the change against). Once the campaign is scheduled, occurrences that have not started and
    /// have sent nothing are laid out again, so new messages and a moved period end apply to them;
    /// occurrences past a shortened end are cancelled. `nil` when the tenant has no such campaign.
    public func update(_ campaign: Campaign, expecting status: CampaignStatus) async throws -> Campaign? {
        try campaign.validate()
        let updated: Campaign? = try await pool.withTenant(campaign.tenantID) { connection in
            guard let current = try await Self.find(campaign.id, tenant: campaign.tenantID, lock: true, on: connection)
            else { return nil }
            guard current.status == status else {
                throw DomainError(
                    code: .aborted,
                    message: "the campaign became \(current.status.rawValue) while it was being changed; try again")
            }
            let tenant = campaign.tenantID.rawValue
            let rows = try await connection.query(
                """
                UPDATE campaigns
                SET name = \(campaign.name.trimmedOfWhitespace), segment_id = \(campaign.audience.segmentID?.rawValue),
                    community_id = \(campaign.audience.communityID?.rawValue), channels = \(campaign.channels.map(\.rawValue)),
                    goal_revenue_fen = \(campaign.goal?.revenueFen),
                    goal_participants = \(campaign.goal?.participants.map(Int64.init)),
                    period_start = \(campaign.period?.start), period_end = \(campaign.period?.end),
                    owner_operator_id = \(campaign.ownerOperatorID),
                    schedule = \(try campaign.schedule.map { try PostgresJSONB(encoding: $0) }),
                    messages = \(try PostgresJSONB(encoding: campaign.messages)),
                    rules = \(try campaign.rules.map { try PostgresJSONB(encoding: $0) })
                WHERE tenant_id = \(tenant) AND campaign_id = \(campaign.id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            if status != .draft, current.messages != campaign.messages || current.period != campaign.period {
                if let end = campaign.period?.end {
                    try await connection.query(
                        """
                        UPDATE campaign_occurrences SET status = 'cancelled'
                        WHERE tenant_id = \(tenant) AND campaign_id = \(campaign.id.rawValue) AND status = 'scheduled'
                          AND starts_at >= \(end)
                        """)
                }
                try await connection.query(
                    """
                    DELETE FROM campaign_occurrences o
                    WHERE o.tenant_id = \(tenant) AND o.campaign_id = \(campaign.id.rawValue) AND o.status = 'scheduled'
                      AND o.starts_at > now()
                      AND NOT EXISTS (SELECT 1 FROM occurrence_phase_plans p
                                      WHERE p.tenant_id = o.tenant_id AND p.occurrence_id = o.occurrence_id)
                      AND NOT EXISTS (SELECT 1 FROM deliveries d
                                      WHERE d.tenant_id = o.tenant_id AND d.occurrence_id = o.occurrence_id)
                    """)
            }
            return try Campaign(row: rows[0])
        }
        if let updated, updated.status != .draft, updated.schedule != nil {
            try await layOutOccurrences(of: updated.id, tenant: updated.tenantID)
        }
        return updated
    }

    /// Deletes a draft with its offers; `false` when the tenant has no such campaign. A campaign
    /// past draft is `failedPrecondition`: its occurrences and deliveries are history.
    public func delete(_ id: CampaignID, tenant: TenantID) async throws -> Bool {
        try await pool.withTenant(tenant) { connection in
            guard let current = try await Self.find(id, tenant: tenant, lock: true, on: connection) else {
                return false
            }
            guard current.status == .draft else {
                throw DomainError(
                    code: .failedPrecondition,
                    message:
                        "only a draft can be deleted; this campaign is \(current.status.rawValue) (cancel it instead)")
            }
            try await connection.query(
                "DELETE FROM offers WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)")
            do {
                try await connection.query(
                    "DELETE FROM campaigns WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)")
            } catch let error as PostgresError where error.code == .foreignKeyViolation {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the draft already has records of its own (tasks, entries, codes or orders); cancel it "
                        + "instead")
            }
            return true
        }
    }
}
