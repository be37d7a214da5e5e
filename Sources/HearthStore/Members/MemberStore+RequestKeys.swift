public import Foundation
public import HearthDomain
import HearthPostgres

/// Where a write carrying an idempotency key stands (``MemberStore/claimRequestKey(method:key:request:tenant:)``).
public enum RequestKeyClaim: Sendable, Hashable {
    /// The key is new, or its earlier use expired: do the work, then complete or release the key.
    case claimed
    /// The work was done before; this is the serialized response of that call.
    case completed(response: Data)
    /// A call with this key is still running (or died less than 10 minutes ago).
    case inProgress
    /// The key was used with a different request within 24 hours.
    case reused
}

extension MemberStore {
    /// Claims `key` for a call of `method` whose serialized request is `request`.
    ///
    /// The claim is committed before the work starts, so two concurrent calls with one key cannot
    /// both run it: the second finds the claim and answers ``RequestKeyClaim/inProgress``. A claim
    /// left without a response for 10 minutes (its replica died) may be taken over; every key is
    /// forgotten after 24 hours, and each claim purges up to 100 forgotten keys of the tenant.
    public func claimRequestKey(method: String, key: String, request: Data, tenant: TenantID) async throws
        -> RequestKeyClaim
    {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                DELETE FROM request_keys
                WHERE tenant_id = \(tenant.rawValue) AND (method, idempotency_key) IN (
                    SELECT method, idempotency_key FROM request_keys
                    WHERE tenant_id = \(tenant.rawValue) AND created_at < now() - interval '24 hours'
                    LIMIT 100 FOR UPDATE SKIP LOCKED)
                """)
            let claimed = try await connection.query(
                """
                INSERT INTO request_keys (tenant_id, method, idempotency_key, request_sha256)
                VALUES (\(tenant.rawValue), \(method), \(key), sha256(\(request)))
                ON CONFLICT (tenant_id, method, idempotency_key) DO UPDATE
                    SET request_sha256 = EXCLUDED.request_sha256, response = NULL, member_ids = '{}',
                        created_at = now(), completed_at = NULL
                    WHERE request_keys.created_at < now() - interval '24 hours'
                       OR (request_keys.completed_at IS NULL AND request_keys.created_at < now() - interval '10 minutes')
                RETURNING 1
                """)
            if !claimed.isEmpty { return .claimed }
            let rows = try await connection.query(
                """
                SELECT request_sha256 = sha256(\(request)), response FROM request_keys
                WHERE tenant_id = \(tenant.rawValue) AND method = \(method) AND idempotency_key = \(key)
                """)
            guard let row = rows.first else { return .inProgress }
            guard try row.decode(Bool.self, at: 0) else { return .reused }
            guard let response = try row.decode(Data?.self, at: 1) else { return .inProgress }
            return .completed(response: response)
        }
    }

    /// Stores the response of a claimed call; `members` are the members it shows (an erasure
    /// forgets responses showing the erased member).
    public func completeRequestKey(
        method: String, key: String, response: Data, members: [MemberID], tenant: TenantID
    ) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                UPDATE request_keys SET response = \(response), member_ids = \(members.map(\.rawValue)), completed_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND method = \(method) AND idempotency_key = \(key)
                  AND completed_at IS NULL
                """)
        }
    }

    /// Gives up a claim whose call failed, so a retry runs the work again.
    public func releaseRequestKey(method: String, key: String, tenant: TenantID) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                DELETE FROM request_keys
                WHERE tenant_id = \(tenant.rawValue) AND method = \(method) AND idempotency_key = \(key)
                  AND completed_at IS NULL
                """)
        }
    }
}
