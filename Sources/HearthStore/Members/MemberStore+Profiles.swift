import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Stores a new member and registers its phone as a PHONE identity, in one transaction.
    /// A phone that identifies another member is `alreadyExists`, naming that member.
    public func create(_ member: Member) async throws -> Member {
        try member.validate()
        return try await pool.withTenant(member.tenantID) { connection in
            if let phone = member.phone {
                try await refuseTakenPhone(phone, tenant: member.tenantID, except: nil, on: connection)
            }
            let rows = try await connection.query(
                """
                INSERT INTO members (\(unescaped: Self.writableColumns))
                VALUES (\(member.id.rawValue), \(member.tenantID.rawValue), \(member.displayName), \(member.phone),
                        \(member.email), \(member.region.province), \(member.region.city), \(member.organisationKind),
                        \(member.tags), \(member.interests), \(member.sourceChannel?.rawValue), \(Int16(member.vipTier)),
                        \(member.lifecycleStage.rawValue))
                RETURNING \(unescaped: Self.columns)
                """)
            if let phone = member.phone {
                try await connection.query(
                    """
                    INSERT INTO member_identities (tenant_id, kind, value, member_id)
                    VALUES (\(member.tenantID.rawValue), 'phone', \(phone), \(member.id.rawValue))
                    """)
            }
            guard let row = rows.first else {
                throw DomainError(code: .internal, message: "the new member was not returned")
            }
            return try Member(row: row)
        }
    }

    /// Soft-deletes (`deleted: true`) or restores a member; returns it as it is now, or `nil` when
    /// the tenant has no such member.
    public func setDeleted(_ deleted: Bool, member id: MemberID, tenant: TenantID) async throws -> Member? {
        try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT erased_at IS NOT NULL, merged_into_member_id IS NOT NULL FROM members
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue) FOR UPDATE
                """)
            guard let state = rows.first else { return nil }
            if try state.decode(Bool.self, at: 0) {
                throw DomainError(code: .failedPrecondition, message: "member \(id) was erased; it cannot change")
            }
            if try state.decode(Bool.self, at: 1) {
                throw DomainError(
                    code: .failedPrecondition, message: "member \(id) was merged into another; change the survivor")
            }
            let updated = try await connection.query(
                """
                UPDATE members SET deleted_at = CASE WHEN \(deleted) THEN coalesce(deleted_at, now()) END
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue)
                RETURNING \(unescaped: Self.columns)
                """)
            return try updated.first.map(Member.init(row:))
        }
    }

    static let writableColumns = """
        member_id, tenant_id, display_name, phone_e164, email, province, city, org_kind, tags, interests,
        source_channel, vip_tier, lifecycle_stage
        """

    /// Throws `alreadyExists` when `phone` identifies a member other than `except`.
    func refuseTakenPhone(
        _ phone: String, tenant: TenantID, except: MemberID?, on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT h.member_id, m.deleted_at IS NOT NULL FROM (
                SELECT member_id FROM member_identities
                WHERE tenant_id = \(tenant.rawValue) AND kind = 'phone' AND value = \(phone)
                UNION ALL
                SELECT member_id FROM members WHERE tenant_id = \(tenant.rawValue) AND phone_e164 = \(phone)
                LIMIT 1) h
            JOIN members m ON m.tenant_id = \(tenant.rawValue) AND m.member_id = h.member_id
            """)
        guard let holder = try rows.first?.decode(UUID.self, at: 0), holder != except?.rawValue else { return }
        let deleted = try rows[0].decode(Bool.self, at: 1)
        throw DomainError(
            code: .alreadyExists,
            message: "phone \(phone) already belongs to member \(MemberID(holder))"
                + (deleted
                    ? ", which is deleted; restore that member (hearth members restore) instead"
                    : "; update or merge that member instead"))
    }
}
