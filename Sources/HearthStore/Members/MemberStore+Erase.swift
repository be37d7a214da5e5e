public import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Erases member `id`'s personal data for good, with every profile merged into it, and returns
    /// when. Erasing an erased member changes nothing and returns the first time.
    ///
    /// What goes: the profile (name replaced by ``MemberErasure/placeholderName``; phone, email,
    /// region, organisation kind, tags and interests cleared), every identity, the current consents,
    /// static segment places, the free-form `properties` of its events, and stored idempotent
    /// responses that show the member. What stays, under the member's random id that now names no
    /// one: the row with its totals, lifecycle stage, source channel and VIP tier; its events (kind,
    /// time, amount, group, campaign), so totals and reports still add up; memberships (ended: an
    /// active one is left, with a leave event, and a pending request removed, so no seat is held by
    /// someone no longer known), orders, moderation and merge records; and the append-only consent
    /// history — the evidence that
    /// contacting the member was lawful before — which gains a refusal per channel with source
    /// ``MemberErasure/consentSource``. The erasure itself is recorded in `member_erasures` with
    /// `reason` and the operator.
    ///
    /// - Throws: `notFound`; `invalidArgument` (reason over 2,000 characters).
    public func erase(
        _ id: MemberID, reason: String?, recordedBy operatorText: String?, tenant: TenantID
    ) async throws -> Date {
        if let reason, reason.unicodeScalars.count > MemberErasure.maximumReasonLength {
            throw DomainError(
                code: .invalidArgument,
                message: "an erasure reason has at most \(MemberErasure.maximumReasonLength) characters")
        }
        let requestedBy = operatorText.flatMap { text -> String? in
            let scalars = text.unicodeScalars.prefix(200)
            return scalars.isEmpty ? nil : String(String.UnicodeScalarView(scalars))
        }
        return try await pool.withTenant(tenant) { connection in
            guard let member = try await Self.lockedState(id, tenant: tenant, .update, on: connection) else {
                throw Self.notFound(id)
            }
            if let erasedAt = member.erasedAt { return erasedAt }
            let profiles = try await connection.query(
                """
                WITH RECURSIVE profiles (member_id) AS (
                    SELECT \(id.rawValue)::uuid
                    UNION
                    SELECT m.member_id FROM members m JOIN profiles p
                      ON m.tenant_id = \(tenant.rawValue) AND m.merged_into_member_id = p.member_id
                )
                SELECT member_id FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id IN (SELECT member_id FROM profiles)
                  AND erased_at IS NULL
                FOR UPDATE
                """)
            let ids = try profiles.map { try $0.decode(UUID.self, at: 0) }
            let operatorID = try await Self.operatorRow(operatorText, tenant: tenant, on: connection)
            let scope = tenant.rawValue
            try await connection.query(
                """
                UPDATE member_consents
                SET granted = false, source = \(MemberErasure.consentSource), operator_id = \(operatorID), changed_at = now()
                WHERE tenant_id = \(scope) AND member_id = ANY(\(ids))
                """)
            try await connection.query(
                "DELETE FROM member_consents WHERE tenant_id = \(scope) AND member_id = ANY(\(ids))")
            try await connection.query(
                "DELETE FROM member_identities WHERE tenant_id = \(scope) AND member_id = ANY(\(ids))")
            try await connection.query(
                "DELETE FROM segment_members WHERE tenant_id = \(scope) AND member_id = ANY(\(ids))")
            try await connection.query(
                """
                UPDATE events SET properties = '{}'
                WHERE tenant_id = \(scope) AND member_id = ANY(\(ids)) AND properties <> '{}'::jsonb
                """)
            try await connection.query("DELETE FROM request_keys WHERE tenant_id = \(scope) AND member_ids && \(ids)")
            let left = try await connection.query(
                """
                UPDATE memberships
                SET status = CASE WHEN status = 'active' THEN 'left' ELSE 'removed' END, left_at = now(),
                    muted_until = NULL, status_reason = 'member erased'
                WHERE tenant_id = \(scope) AND member_id = ANY(\(ids)) AND status IN ('active', 'pending')
                RETURNING community_id, member_id, status = 'left'
                """)
            var leavers: [UUID: [MemberID]] = [:]
            for row in left {
                guard try row.decode(Bool.self, at: 2) else { continue }
                let community = try row.decode(UUID.self, at: 0)
                leavers[community, default: []].append(MemberID(try row.decode(UUID.self, at: 1)))
            }
            for (community, members) in leavers {
                try await CommunityStore.recordMembershipEvents(
                    .leave, members: members, community: CommunityID(community), via: "erasure", tenant: tenant,
                    on: connection)
            }
            let erased = try await connection.query(
                """
                UPDATE members SET display_name = \(MemberErasure.placeholderName), phone_e164 = NULL, email = NULL,
                    province = NULL, city = NULL, org_kind = NULL, tags = '{}', interests = '{}', erased_at = now()
                WHERE tenant_id = \(scope) AND member_id = ANY(\(ids))
                RETURNING erased_at
                """)
            try await connection.query(
                """
                INSERT INTO member_erasures (tenant_id, member_id, reason, operator_id, requested_by, erased_with_member_id)
                SELECT \(scope), erased, \(reason), \(operatorID), \(requestedBy),
                       CASE WHEN erased = \(id.rawValue) THEN NULL ELSE \(id.rawValue)::uuid END
                FROM unnest(\(ids)) AS erased
                """)
            guard let erasedAt = try erased.first?.decode(Date.self, at: 0) else {
                throw DomainError(code: .internal, message: "the erasure of member \(id) was not recorded")
            }
            return erasedAt
        }
    }
}
