import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Moves what belongs to the person from the merged profile to the survivor: handles, events,
    /// orders and static segment places. Each is one set-based statement over the member's index.
    static func moveRelations(
        _ mergedID: MemberID, to survivorID: MemberID, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        let (scope, merged, survivor) = (tenant.rawValue, mergedID.rawValue, survivorID.rawValue)
        // Identities are unique per tenant, so the merged profile's handles never collide with the
        // survivor's.
        try await connection.query(
            "UPDATE member_identities SET member_id = \(survivor) WHERE tenant_id = \(scope) AND member_id = \(merged)")
        try await connection.query(
            "UPDATE events SET member_id = \(survivor) WHERE tenant_id = \(scope) AND member_id = \(merged)")
        try await connection.query(
            "UPDATE conversions SET member_id = \(survivor) WHERE tenant_id = \(scope) AND member_id = \(merged)")
        try await connection.query(
            """
            INSERT INTO segment_members (tenant_id, segment_id, member_id, added_at)
            SELECT tenant_id, segment_id, \(survivor), added_at FROM segment_members
            WHERE tenant_id = \(scope) AND member_id = \(merged)
            ON CONFLICT DO NOTHING
            """)
        try await connection.query(
            "DELETE FROM segment_members WHERE tenant_id = \(scope) AND member_id = \(merged)")
    }

    /// Moves the merged profile's group memberships to the survivor.
    ///
    /// In a group where both are, the survivor's row keeps the better standing: the higher assigned
    /// role (owner > admin > core > regular), and the status, join and leave times of the row with
    /// the better status (active > pending > left > removed), taken together so the row stays
    /// consistent. A ban is the exception and always carries over: merging with a clean duplicate
    /// must not lift one; likewise the later of two mutes stands. (Two active owners of one group
    /// may exist for a moment inside the transaction; `memberships_one_active_owner` is checked at
    /// commit.) Invitations between the two are dropped (a member cannot invite itself); whom the
    /// merged profile invited, the survivor invited.
    static func mergeMemberships(
        _ mergedID: MemberID, into survivorID: MemberID, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        let (scope, merged, survivor) = (tenant.rawValue, mergedID.rawValue, survivorID.rawValue)
        func roleRank(_ column: String) -> String {
            "(CASE \(column) WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'core' THEN 2 ELSE 1 END)"
        }
        func statusRank(_ column: String) -> String {
            "(CASE \(column) WHEN 'banned' THEN 5 WHEN 'active' THEN 4 WHEN 'pending' THEN 3 WHEN 'left' THEN 2 ELSE 1 END)"
        }
        let takeMerged = statusRank("l.status") + " > " + statusRank("s.status")
        try await connection.query(
            """
            UPDATE memberships SET invited_by_member_id = NULL
            WHERE tenant_id = \(scope)
              AND ((member_id = \(merged) AND invited_by_member_id = \(survivor))
                OR (member_id = \(survivor) AND invited_by_member_id = \(merged)))
            """)
        try await connection.query(
            """
            UPDATE memberships s SET
                role = CASE WHEN \(unescaped: roleRank("l.role")) > \(unescaped: roleRank("s.role")) THEN l.role ELSE s.role END,
                status = CASE WHEN \(unescaped: takeMerged) THEN l.status ELSE s.status END,
                joined_at = CASE WHEN \(unescaped: takeMerged) THEN l.joined_at ELSE s.joined_at END,
                left_at = CASE WHEN \(unescaped: takeMerged) THEN l.left_at ELSE s.left_at END,
                status_reason = CASE WHEN \(unescaped: takeMerged) THEN l.status_reason ELSE s.status_reason END,
                muted_until = greatest(s.muted_until, l.muted_until),
                social_role = coalesce(s.social_role, l.social_role),
                invited_by_member_id = coalesce(s.invited_by_member_id, l.invited_by_member_id)
            FROM memberships l
            WHERE s.tenant_id = \(scope) AND s.member_id = \(survivor)
              AND l.tenant_id = \(scope) AND l.member_id = \(merged) AND l.community_id = s.community_id
            """)
        try await connection.query(
            """
            DELETE FROM memberships l USING memberships s
            WHERE l.tenant_id = \(scope) AND l.member_id = \(merged)
              AND s.tenant_id = \(scope) AND s.member_id = \(survivor) AND s.community_id = l.community_id
            """)
        try await connection.query(
            "UPDATE memberships SET member_id = \(survivor) WHERE tenant_id = \(scope) AND member_id = \(merged)")
        try await connection.query(
            """
            UPDATE memberships SET invited_by_member_id = \(survivor)
            WHERE tenant_id = \(scope) AND invited_by_member_id = \(merged)
            """)
    }
}
