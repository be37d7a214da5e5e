import Foundation
public import HearthDomain
import HearthPostgres

extension MemberStore {
    /// The members holding each handle (kinds as in the schema: phone, wechat, qq, dingtalk, email;
    /// values already normalised). Unknown handles are absent.
    public func holders(of handles: Set<MemberHandle>, tenant: TenantID) async throws -> [MemberHandle: MemberID] {
        guard !handles.isEmpty else { return [:] }
        let list = Array(handles)
        return try await pool.withTenant(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT h.kind, h.value, mi.member_id
                FROM unnest(\(list.map(\.kind)), \(list.map(\.value))) AS h (kind, value)
                JOIN member_identities mi
                  ON mi.tenant_id = \(tenant.rawValue) AND mi.kind = h.kind AND mi.value = h.value
                """)
            var holders: [MemberHandle: MemberID] = [:]
            for row in rows {
                let handle = MemberHandle(
                    kind: try row.decode(String.self, at: 0), value: try row.decode(String.self, at: 1))
                holders[handle] = MemberID(try row.decode(UUID.self, at: 2))
            }
            return holders
        }
    }
}

/// A handle a member is known by: a kind (phone, wechat, qq, dingtalk, email) and its normalised value.
public struct MemberHandle: Hashable, Sendable {
    public var kind: String
    public var value: String

    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}
