import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// The members of `ids` that exist in the tenant, in any state (deleted, erased, merged),
    /// keyed by id; with `full`, with their identities and consents. Unknown ids are absent.
    public func records(_ ids: [MemberID], tenant: TenantID, full: Bool) async throws -> [MemberID: MemberRecord] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.withTenant(tenant) { connection in
            try await Self.records(Array(Set(ids)), tenant: tenant, full: full, on: connection)
        }
    }

    /// The member holding `identity`, or `nil`.
    ///
    /// The identity table decides first: a handle there belongs to exactly one member. A phone is
    /// also found as a primary phone, and an email as a profile email, since those are handles too
    /// even where no identity row was written for them (profile emails never get one); among several
    /// profiles with one email, live ones come first, then the oldest. Erased and merged profiles hold
    /// no handles.
    public func holder(of identity: Identity, tenant: TenantID, full: Bool) async throws -> MemberRecord? {
        try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT member_id FROM (
                    SELECT member_id, 0 AS rank, NULL::timestamptz AS created_at FROM member_identities
                    WHERE tenant_id = \(tenant.rawValue) AND kind = \(identity.kind.rawValue) AND value = \(identity.value)
                    UNION ALL
                    SELECT member_id, 1 + (deleted_at IS NOT NULL)::int, created_at FROM members
                    WHERE tenant_id = \(tenant.rawValue) AND \(identity.kind == .phone) AND phone_e164 = \(identity.value)
                      AND erased_at IS NULL AND merged_into_member_id IS NULL
                    UNION ALL
                    SELECT member_id, 3 + (deleted_at IS NOT NULL)::int, created_at FROM members
                    WHERE tenant_id = \(tenant.rawValue) AND \(identity.kind == .email) AND email = \(identity.value)
                      AND erased_at IS NULL AND merged_into_member_id IS NULL
                ) AS found
                ORDER BY rank, created_at, member_id
                LIMIT 1
                """)
            guard let row = rows.first else { return nil }
            let id = MemberID(try row.decode(UUID.self, at: 0))
            return try await Self.records([id], tenant: tenant, full: full, on: connection)[id]
        }
    }
}
