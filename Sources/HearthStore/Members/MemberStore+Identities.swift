import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// Gives member `id` the handle `identity`; returns it as the member now holds it.
    ///
    /// Adding a handle the member already holds changes nothing, except that `verified: true` marks
    /// it verified (verification is never taken back this way). A phone that is another member's
    /// primary phone counts as held by that member.
    ///
    /// - Throws: `notFound`; `failedPrecondition` (erased, merged or deleted member);
    ///   ``IdentityTaken`` naming the holder.
    public func addIdentity(
        _ identity: Identity, verified: Bool, to id: MemberID, tenant: TenantID
    ) async throws -> MemberIdentity {
        try await pool.withTenant(tenant) { connection in
            _ = try await Self.lockLiveMember(
                id, tenant: tenant, .noKeyUpdate, allowDeleted: false, action: "adding an identity", on: connection)
            if identity.kind == .phone {
                let primary = try await connection.query(
                    """
                    SELECT member_id FROM members
                    WHERE tenant_id = \(tenant.rawValue) AND phone_e164 = \(identity.value) AND member_id <> \(id.rawValue)
                    LIMIT 1
                    """)
                if let holder = try primary.first?.decode(UUID.self, at: 0) {
                    throw IdentityTaken(identity: identity, holder: MemberID(holder))
                }
            }
            // The conflict arm updates only the member's own row, so a handle of another member
            // returns nothing; a concurrent insert of the same handle waits here and then conflicts.
            let rows = try await connection.query(
                """
                INSERT INTO member_identities (tenant_id, kind, value, member_id, verified)
                VALUES (\(tenant.rawValue), \(identity.kind.rawValue), \(identity.value), \(id.rawValue), \(verified))
                ON CONFLICT (tenant_id, kind, value) DO UPDATE
                    SET verified = member_identities.verified OR EXCLUDED.verified
                    WHERE member_identities.member_id = EXCLUDED.member_id
                RETURNING member_id, kind, value, verified, created_at
                """)
            if let row = rows.first { return try Self.memberIdentity(row) }
            let holder = try await connection.query(
                """
                SELECT member_id FROM member_identities
                WHERE tenant_id = \(tenant.rawValue) AND kind = \(identity.kind.rawValue) AND value = \(identity.value)
                """)
            guard let other = try holder.first?.decode(UUID.self, at: 0) else {
                throw DomainError(code: .aborted, message: "\(identity) changed hands while it was added; try again")
            }
            throw IdentityTaken(identity: identity, holder: MemberID(other))
        }
    }

    /// Takes the handle `identity` away from member `id`.
    ///
    /// - Throws: `notFound` (no such member, or it does not hold the handle); `failedPrecondition`
    ///   (the handle is the member's primary phone: change the profile's phone instead; an erased or
    ///   merged member). Deleted members may lose handles, so a handle can be freed for another.
    public func removeIdentity(_ identity: Identity, from id: MemberID, tenant: TenantID) async throws {
        try await pool.withTenant(tenant) { connection in
            let member = try await Self.lockLiveMember(
                id, tenant: tenant, .noKeyUpdate, allowDeleted: true, action: "removing an identity", on: connection)
            if identity.kind == .phone, identity.value == member.phone {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "\(identity) is member \(id)'s primary phone; change the profile's phone instead")
            }
            let removed = try await connection.query(
                """
                DELETE FROM member_identities
                WHERE tenant_id = \(tenant.rawValue) AND kind = \(identity.kind.rawValue) AND value = \(identity.value)
                  AND member_id = \(id.rawValue)
                RETURNING 1
                """)
            guard !removed.isEmpty else {
                throw DomainError(code: .notFound, message: "member \(id) does not hold \(identity)")
            }
        }
    }
}
