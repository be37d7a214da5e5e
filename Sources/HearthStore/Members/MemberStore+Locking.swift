import Foundation
import HearthDomain
import HearthPostgres

/// A member's state as a write reads it under a row lock, before deciding whether it may change.
struct LockedMember {
    var id: MemberID
    var phone: String?
    var deleted: Bool
    var erasedAt: Date?
    var mergedInto: MemberID?
}

/// How strongly a write locks the member row it works on.
enum MemberRowLock: String {
    /// For changes beside the row (identities, consents): concurrent inserts that reference the
    /// member (events, memberships) still pass their foreign-key checks.
    case noKeyUpdate = "FOR NO KEY UPDATE"
    /// For merges and erasures, which change everything about the member and what refers to it.
    case update = "FOR UPDATE"
}

extension MemberStore {
    /// Reads and locks member `id`; `nil` when the tenant has no such member.
    static func lockedState(
        _ id: MemberID, tenant: TenantID, _ strength: MemberRowLock, on connection: PostgresConnection
    ) async throws -> LockedMember? {
        let rows = try await connection.query(
            """
            SELECT phone_e164, deleted_at IS NOT NULL, erased_at, merged_into_member_id FROM members
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(id.rawValue) \(unescaped: strength.rawValue)
            """)
        guard let row = rows.first else { return nil }
        return LockedMember(
            id: id,
            phone: try row.decode(String?.self, at: 0),
            deleted: try row.decode(Bool.self, at: 1),
            erasedAt: try row.decode(Date?.self, at: 2),
            mergedInto: try row.decode(UUID?.self, at: 3).map { MemberID($0) })
    }

    /// Locks member `id` and checks that it may still change: `notFound`, or `failedPrecondition`
    /// for an erased or merged member (and a deleted one unless `allowDeleted`). `action` says what
    /// was refused, e.g. "adding an identity".
    static func lockLiveMember(
        _ id: MemberID, tenant: TenantID, _ strength: MemberRowLock, allowDeleted: Bool, action: String,
        on connection: PostgresConnection
    ) async throws -> LockedMember {
        guard let member = try await lockedState(id, tenant: tenant, strength, on: connection) else {
            throw notFound(id)
        }
        if member.erasedAt != nil {
            throw DomainError(
                code: .failedPrecondition, message: "member \(id) was erased; \(action) is not possible any more")
        }
        if let survivor = member.mergedInto {
            throw DomainError(
                code: .failedPrecondition,
                message: "member \(id) was merged into member \(survivor); do \(action) on the survivor instead")
        }
        if member.deleted, !allowDeleted {
            throw DomainError(
                code: .failedPrecondition, message: "member \(id) is deleted; restore it before \(action)")
        }
        return member
    }

    static func notFound(_ id: MemberID) -> DomainError {
        DomainError(code: .notFound, message: "no member \(id) in this tenant")
    }

    /// The `operators` row an access token's operator id names, or `nil`.
    ///
    /// Tokens carry the operator as free text (`hearth token issue --operator`); the audit columns
    /// that reference `operators` get the id only when it is one, so a token for an operator without
    /// a row still works and the record says "no known operator" rather than failing.
    static func operatorRow(
        _ text: String?, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> UUID? {
        guard let text, let id = UUID(uuidString: text) else { return nil }
        let rows = try await connection.query(
            "SELECT 1 FROM operators WHERE tenant_id = \(tenant.rawValue) AND operator_id = \(id)")
        return rows.isEmpty ? nil : id
    }
}
