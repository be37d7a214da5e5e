public import Foundation
public import HearthDomain
import HearthPostgres

/// One message of one occurrence that is due and not yet put into the outbox.
public struct DuePhase: Sendable, Hashable {
    public var campaignID: CampaignID
    public var occurrenceID: UUID
    public var phase: CampaignPhase
    public var messageIndex: Int
    public var at: Date
    /// Since when the campaign was paused before its last resume, if it was.
    public var occurrenceStartsAt: Date
    public var occurrenceEndsAt: Date
}

extension CampaignStore {
    /// Lays out a campaign's occurrences over its period (one for a one-off) with the times of
    /// their phases in the tenant's time zone. Idempotent: an occurrence exists once per start.
    @discardableResult
    public func layOutOccurrences(of id: CampaignID, tenant: TenantID) async throws -> Int {
        try await pool.withTenant(tenant) { connection in
            guard let campaign = try await Self.find(id, tenant: tenant, lock: true, on: connection),
                let schedule = campaign.schedule
            else { return 0 }
            let zoneName = try await SegmentStore.timeZone(of: tenant, on: connection)
            let zone = try schedule.timeZone(tenantDefault: TimeZone(identifier: zoneName) ?? .gmt)
            let occurrences: [CampaignOccurrence]
            if let period = campaign.period {
                occurrences = try schedule.expand(in: period, timeZone: zone, messages: campaign.messages)
            } else if case .once(let instant) = schedule.recurrence {
                occurrences = try schedule.expand(
                    from: instant, to: instant.addingTimeInterval(1), timeZone: zone, messages: campaign.messages)
            } else {
                throw DomainError(code: .failedPrecondition, message: "a recurring campaign needs a period")
            }
            var created = 0
            for occurrence in occurrences {
                created += try await connection.query(
                    """
                    INSERT INTO campaign_occurrences (tenant_id, campaign_id, starts_at, ends_at, phases)
                    VALUES (\(tenant.rawValue), \(id.rawValue), \(occurrence.startsAt), \(occurrence.endsAt),
                            \(try PostgresJSONB(encoding: occurrence.phases)))
                    ON CONFLICT ON CONSTRAINT campaign_occurrences_start_key DO NOTHING
                    """
                ).affectedRows
            }
            return created
        }
    }

    /// The messages of running campaigns whose time has come and that are neither planned nor
    /// skipped yet, oldest first.
    public func duePhases(tenant: TenantID, now: Date = Date(), limit: Int = 100) async throws -> [DuePhase] {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                SELECT o.campaign_id, o.occurrence_id, p.phase, p.message_index, p.at, o.starts_at, o.ends_at
                FROM campaign_occurrences o
                JOIN campaigns c ON c.tenant_id = o.tenant_id AND c.campaign_id = o.campaign_id
                -- Phase times are Foundation's JSON dates: seconds since 2001-01-01 UTC.
                CROSS JOIN LATERAL (SELECT r.phase, r.message_index, to_timestamp(978307200 + r.at) AS at
                                    FROM jsonb_to_recordset(o.phases) AS r (phase text, at double precision,
                                                                             message_index integer)) p
                WHERE o.tenant_id = \(tenant.rawValue) AND c.status = 'running'
                  AND o.status IN ('scheduled', 'running') AND p.at <= \(now)
                  AND NOT EXISTS (SELECT 1 FROM occurrence_phase_plans x
                                  WHERE x.tenant_id = o.tenant_id AND x.occurrence_id = o.occurrence_id
                                    AND x.message_index = p.message_index)
                ORDER BY p.at, o.occurrence_id, p.message_index
                LIMIT \(max(1, min(limit, 1_000)))
                """
            ).map { row in
                let phaseText = try row.decode(String.self, at: 2)
                guard let phase = CampaignPhase(rawValue: phaseText) else {
                    throw PostgresError(
                        code: .decodingFailed, message: "unknown phase \"\(phaseText)\" in an occurrence")
                }
                return DuePhase(
                    campaignID: CampaignID(try row.decode(UUID.self, at: 0)),
                    occurrenceID: try row.decode(UUID.self, at: 1),
                    phase: phase, messageIndex: try row.decode(Int.self, at: 3), at: try row.decode(Date.self, at: 4),
                    occurrenceStartsAt: try row.decode(Date.self, at: 5),
                    occurrenceEndsAt: try row.decode(Date.self, at: 6))
            }
        }
    }

    /// Notes that a message of an occurrence is in the outbox (`planned`) or will not be sent
    /// because its time passed while the campaign was paused (`skipped`).
    public func recordPlan(_ due: DuePhase, tenant: TenantID, skipped: Bool, deliveries: Int) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO occurrence_phase_plans (tenant_id, occurrence_id, phase, message_index, state, deliveries)
                VALUES (\(tenant.rawValue), \(due.occurrenceID), \(due.phase.rawValue), \(due.messageIndex),
                        \(skipped ? "skipped" : "planned"), \(deliveries))
                ON CONFLICT DO NOTHING
                """)
            try await connection.query(
                """
                UPDATE campaign_occurrences SET status = 'running'
                WHERE tenant_id = \(tenant.rawValue) AND occurrence_id = \(due.occurrenceID) AND status = 'scheduled'
                """)
        }
    }
}
