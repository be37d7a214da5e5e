public import HearthDomain
public import HearthPostgres

extension PostgresPool {
    /// Runs `body` in a transaction scoped to one tenant: row-level security then shows and accepts
    /// only that tenant's rows. The setting is transaction-local, so it never leaks to the next user
    /// of the connection.
    @discardableResult
    public func withTenant<T>(
        _ tenant: TenantID,
        isolation: PostgresIsolation = .readCommitted,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withTransaction(isolation: isolation) { connection in
            try await connection.query("SELECT set_config('hearth.tenant_id', \(tenant.description), true)")
            return try await body(connection)
        }
    }
}
