import Foundation
public import HearthDomain
import HearthPostgres

/// The profile fields an update may write, named as in the API's field mask.
public enum MemberProfileField: String, Sendable, CaseIterable {
    case displayName = "display_name"
    case phone
    case email
    case province = "region.province"
    case city = "region.city"
    case organisationKind = "org_kind"
    case tags
    case interests
    case sourceChannel = "source_channel"
    case vipTier = "vip_tier"
    case lifecycleStage = "lifecycle_stage"
}

extension MemberStore {
    /// Writes the named fields of `profile` onto member `id`, keeping the phone identity in step and
    /// recording a change of lifecycle stage as a move with the reason "operator". Returns the
    /// member as it is now, or `nil` when the tenant has no such member.
    public func update(
        _ id: MemberID, tenant: TenantID, fields: Set<MemberProfileField>, from profile: Member
    ) async throws -> Member? {
        var checked = profile
        checked.displayName = fields.contains(.displayName) ? profile.displayName : "unchanged"
        try checked.validate()
        return try await pool.withTenant(tenant) { connection in
            let state = try await connection.query(
                """
                SELECT erased_at IS NOT NULL, merged_into_member_id IS NOT NULL, deleted_at IS NOT NULL, phone_e164,
                       lifecycle_stage
                FROM members WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue) FOR UPDATE
                """)
            guard let row = state.first else { return nil }
            if try row.decode(Bool.self, at: 0) || row.decode(Bool.self, at: 1) || row.decode(Bool.self, at: 2) {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "member \(id) is deleted, erased or merged; restore it or change the survivor")
            }
            let oldPhone = try row.decode(String?.self, at: 3)
            let oldStage = try row.decode(String.self, at: 4)
            if fields.contains(.phone), let phone = profile.phone, phone != oldPhone {
                try await refuseTakenPhone(phone, tenant: tenant, except: id, on: connection)
            }
            func set(_ field: MemberProfileField) -> Bool { fields.contains(field) }
            let updated = try await connection.query(
                """
                UPDATE members SET
                    display_name = CASE WHEN \(set(.displayName)) THEN \(profile.displayName) ELSE display_name END,
                    phone_e164 = CASE WHEN \(set(.phone)) THEN \(profile.phone) ELSE phone_e164 END,
                    email = CASE WHEN \(set(.email)) THEN \(profile.email) ELSE email END,
                    province = CASE WHEN \(set(.province)) THEN \(profile.region.province) ELSE province END,
                    city = CASE WHEN \(set(.city)) THEN \(profile.region.city) ELSE city END,
                    org_kind = CASE WHEN \(set(.organisationKind)) THEN \(profile.organisationKind) ELSE org_kind END,
                    tags = CASE WHEN \(set(.tags)) THEN \(profile.tags) ELSE tags END,
                    interests = CASE WHEN \(set(.interests)) THEN \(profile.interests) ELSE interests END,
                    source_channel = CASE WHEN \(set(.sourceChannel)) THEN \(profile.sourceChannel?.rawValue)
                                     ELSE source_channel END,
                    vip_tier = CASE WHEN \(set(.vipTier)) THEN \(Int16(profile.vipTier)) ELSE vip_tier END,
                    lifecycle_stage = CASE WHEN \(set(.lifecycleStage)) THEN \(profile.lifecycleStage.rawValue)
                                      ELSE lifecycle_stage END
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            if set(.lifecycleStage), profile.lifecycleStage.rawValue != oldStage {
                // The history behind the stage, as the lifecycle job keeps it for its own moves.
                try await connection.query(
                    """
                    INSERT INTO lifecycle_moves (tenant_id, member_id, from_stage, to_stage, reason, moved_at)
                    VALUES (\(tenant.rawValue), \(id.rawValue), \(oldStage), \(profile.lifecycleStage.rawValue),
                            'operator', now())
                    """)
            }
            if set(.phone), profile.phone != oldPhone {
                if let oldPhone {
                    try await connection.query(
                        """
                        DELETE FROM member_identities WHERE tenant_id = \(tenant.rawValue) AND kind = 'phone'
                          AND value = \(oldPhone) AND member_id = \(id.rawValue)
                        """)
                }
                if let phone = profile.phone {
                    try await connection.query(
                        """
                        INSERT INTO member_identities (tenant_id, kind, value, member_id)
                        VALUES (\(tenant.rawValue), 'phone', \(phone), \(id.rawValue)) ON CONFLICT DO NOTHING
                        """)
                }
            }
            return try updated.first.map(Member.init(row:))
        }
    }
}
