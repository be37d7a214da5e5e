import Foundation
import HearthDomain
import HearthPostgres

extension CommunityStore {
    /// Records a join or leave event per member, in the transaction that changed the membership,
    /// so community reports (inflow, outflow, campaign funnels) never miss or double-count one.
    /// `via` says how (request, approval, invitation, join_link, replication, leave, removal, ban);
    /// `details` land in the event's properties, `campaign` in its campaign_id (join-link
    /// attribution). Each event gets a fresh idempotency key: the transition itself happens once.
    static func recordMembershipEvents(
        _ kind: EventKind, members: [MemberID], community: CommunityID, via: String, campaign: UUID? = nil,
        details: [String: String] = [:], tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        guard !members.isEmpty else { return }
        var properties = details
        properties["via"] = via
        let json = try PostgresJSONB(encoding: properties)
        // `input` is referenced twice, so PostgreSQL evaluates it once: both uses see the same ids.
        try await connection.query(
            """
            WITH input AS (
                SELECT hearth_time_ordered_uuid() AS event_id, member_id
                FROM unnest(\(members.map(\.rawValue))) AS i (member_id)
            ),
            fresh AS (
                INSERT INTO event_keys (tenant_id, idempotency_key, event_id, occurred_at)
                SELECT \(tenant.rawValue), 'hearth.membership/' || event_id::text, event_id, now() FROM input
                RETURNING event_id, idempotency_key, occurred_at
            )
            INSERT INTO events (tenant_id, event_id, member_id, community_id, campaign_id, kind, occurred_at,
                                properties, idempotency_key)
            SELECT \(tenant.rawValue), f.event_id, i.member_id, \(community.rawValue), \(campaign), \(kind.rawValue),
                   f.occurred_at, \(json), f.idempotency_key
            FROM fresh f JOIN input i USING (event_id)
            """)
    }
}
