public import Foundation
public import HearthDomain
import HearthPostgres

/// What ``MemberStore/merge(_:into:reason:recordedBy:tenant:)`` did.
public struct MergeOutcome: Sendable {
    /// The `member_merges` row recording the merge.
    public var mergeID: UUID
    /// The survivor as it is now, in full (identities and consents).
    public var survivor: MemberRecord

    public init(mergeID: UUID, survivor: MemberRecord) {
        self.mergeID = mergeID
        self.survivor = survivor
    }
}

extension MemberStore {
    /// Most characters of a merge's reason (`member_merges.reason`).
    public static let maximumMergeReasonLength = 2000

    /// Folds member `mergedID` into `survivorID` in one transaction and records the merge.
    ///
    /// The survivor gains the merged profile's identities (its primary phone too, as the survivor's
    /// primary phone when it has none), tags and interests (united), the profile fields it lacks
    /// (email, region, organisation kind, source channel), the higher VIP tier, the summed totals,
    /// its events and orders, its group memberships (see `mergeMemberships`), its static segment
    /// places and its consents (``ConsentDecision/merged(_:_:)``: a refusal on either side wins).
    /// The merged profile keeps its name and history, points at the survivor
    /// (`merged_into_member_id`) and leaves every list. Profiles merged into it earlier now point at
    /// the survivor too. Audit rows stay where they were written: consent history (read through the
    /// survivor, see ``consentChanges(of:channel:after:limit:tenant:)``), moderation actions and
    /// deliveries (a pending delivery to the merged profile is suppressed by the sender).
    ///
    /// - Throws: `notFound` (either member, named); `failedPrecondition` (the same member twice,
    ///   either erased or already merged away, tags or interests beyond 256 together).
    public func merge(
        _ mergedID: MemberID, into survivorID: MemberID, reason: String?, recordedBy operatorText: String?,
        tenant: TenantID
    ) async throws -> MergeOutcome {
        guard mergedID != survivorID else {
            throw DomainError(
                code: .failedPrecondition, message: "member \(survivorID) cannot be merged into itself")
        }
        if let reason, reason.unicodeScalars.count > Self.maximumMergeReasonLength {
            throw DomainError(
                code: .invalidArgument,
                message: "a merge reason has at most \(Self.maximumMergeReasonLength) characters")
        }
        return try await pool.withTenant(tenant) { connection in
            // Both rows are locked in one order, so two merges of the same pair in opposite
            // directions wait for each other instead of deadlocking.
            var locked: [MemberID: LockedMember] = [:]
            for id in [survivorID, mergedID].sorted(by: { $0.description < $1.description }) {
                locked[id] = try await Self.lockedState(id, tenant: tenant, .update, on: connection)
            }
            let survivor = try Self.mergeable(locked[survivorID], id: survivorID, role: "survivor")
            let merged = try Self.mergeable(locked[mergedID], id: mergedID, role: "member to merge")
            let operatorID = try await Self.operatorRow(operatorText, tenant: tenant, on: connection)

            try await Self.mergeProfile(merged, into: survivor, tenant: tenant, on: connection)
            try await Self.mergeConsents(merged.id, into: survivor.id, tenant: tenant, on: connection)
            try await Self.moveRelations(merged.id, to: survivor.id, tenant: tenant, on: connection)
            try await Self.mergeMemberships(merged.id, into: survivor.id, tenant: tenant, on: connection)
            try await connection.query(
                """
                UPDATE members SET merged_into_member_id = \(survivor.id.rawValue), tags = '{}', interests = '{}',
                    total_spend_fen = 0, order_count = 0, last_purchase_at = NULL, last_active_at = NULL
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(merged.id.rawValue)
                """)
            try await connection.query(
                """
                UPDATE members SET merged_into_member_id = \(survivor.id.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND merged_into_member_id = \(merged.id.rawValue)
                """)
            let merge = try await connection.query(
                """
                INSERT INTO member_merges (tenant_id, survivor_member_id, merged_member_id, operator_id, reason)
                VALUES (\(tenant.rawValue), \(survivor.id.rawValue), \(merged.id.rawValue), \(operatorID), \(reason))
                RETURNING merge_id
                """)
            guard let mergeID = try merge.first?.decode(UUID.self, at: 0),
                let record = try await Self.records([survivor.id], tenant: tenant, full: true, on: connection)[
                    survivor.id]
            else {
                throw DomainError(code: .internal, message: "the merge was not recorded")
            }
            return MergeOutcome(mergeID: mergeID, survivor: record)
        }
    }

    /// Checks that a locked member may take part in a merge; `role` names it in messages.
    static func mergeable(_ member: LockedMember?, id: MemberID, role: String) throws -> LockedMember {
        guard let member else {
            throw DomainError(code: .notFound, message: "no member \(id) in this tenant (the \(role))")
        }
        if member.erasedAt != nil {
            throw DomainError(
                code: .failedPrecondition, message: "the \(role) \(id) was erased; erased members cannot be merged")
        }
        if let into = member.mergedInto {
            throw DomainError(
                code: .failedPrecondition,
                message: "the \(role) \(id) was already merged into member \(into); merge with that member instead")
        }
        return member
    }

    /// Writes the united profile onto the survivor. The merged profile's phone is released first:
    /// phones are unique per tenant, and the survivor may take it as its primary phone.
    static func mergeProfile(
        _ merged: LockedMember, into survivor: LockedMember, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        let counts = try await connection.query(
            """
            SELECT (SELECT count(DISTINCT t) FROM unnest(s.tags || l.tags) AS t),
                   (SELECT count(DISTINCT t) FROM unnest(s.interests || l.interests) AS t)
            FROM members s, members l
            WHERE s.tenant_id = \(tenant.rawValue) AND s.member_id = \(survivor.id.rawValue)
              AND l.tenant_id = \(tenant.rawValue) AND l.member_id = \(merged.id.rawValue)
            """)
        // The members columns hold at most 256 labels each (hearth_valid_labels).
        if let row = counts.first {
            let (tags, interests) = (try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1))
            if tags > 256 || interests > 256 {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "together the two members have \(tags) tags and \(interests) interests; a member holds "
                        + "at most 256 of each, so remove some before merging")
            }
        }
        if merged.phone != nil {
            try await connection.query(
                """
                UPDATE members SET phone_e164 = NULL
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(merged.id.rawValue)
                """)
        }
        try await connection.query(
            """
            UPDATE members s SET
                phone_e164 = coalesce(s.phone_e164, \(merged.phone)),
                email = coalesce(s.email, l.email),
                province = CASE WHEN s.province IS NULL AND s.city IS NULL THEN l.province ELSE s.province END,
                city = CASE WHEN s.province IS NULL AND s.city IS NULL THEN l.city ELSE s.city END,
                org_kind = coalesce(s.org_kind, l.org_kind),
                source_channel = coalesce(s.source_channel, l.source_channel),
                tags = ARRAY(SELECT DISTINCT t FROM unnest(s.tags || l.tags) AS t ORDER BY t),
                interests = ARRAY(SELECT DISTINCT t FROM unnest(s.interests || l.interests) AS t ORDER BY t),
                vip_tier = greatest(s.vip_tier, l.vip_tier),
                total_spend_fen = s.total_spend_fen + l.total_spend_fen,
                order_count = s.order_count + l.order_count,
                last_purchase_at = greatest(s.last_purchase_at, l.last_purchase_at),
                last_active_at = greatest(s.last_active_at, l.last_active_at),
                engagement_score = greatest(s.engagement_score, l.engagement_score)
            FROM members l
            WHERE s.tenant_id = \(tenant.rawValue) AND s.member_id = \(survivor.id.rawValue)
              AND l.tenant_id = \(tenant.rawValue) AND l.member_id = \(merged.id.rawValue)
            """)
    }

    /// Gives the survivor the merged consent per channel and clears the merged profile's current
    /// consents. The survivor's new state is written through `member_consents`, so its trigger adds
    /// it to the survivor's history (recorded now, with the original decision's source and time).
    static func mergeConsents(
        _ mergedID: MemberID, into survivorID: MemberID, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        let consents = try await Self.consents(of: [survivorID, mergedID], tenant: tenant, on: connection)
        for channel in ConsentChannel.allCases {
            let kept = consents[survivorID]?.first { $0.channel == channel }
            let folded = consents[mergedID]?.first { $0.channel == channel }
            guard let result = ConsentDecision.merged(kept, folded), result != kept else { continue }
            try await connection.query(
                """
                INSERT INTO member_consents (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
                VALUES (\(tenant.rawValue), \(survivorID.rawValue), \(channel.rawValue), \(result.granted),
                        \(result.source), \(result.operatorID), \(result.changedAt))
                ON CONFLICT (tenant_id, member_id, channel) DO UPDATE
                    SET granted = EXCLUDED.granted, source = EXCLUDED.source, operator_id = EXCLUDED.operator_id,
                        changed_at = EXCLUDED.changed_at
                """)
        }
        try await connection.query(
            "DELETE FROM member_consents WHERE tenant_id = \(tenant.rawValue) AND member_id = \(mergedID.rawValue)")
    }
}
