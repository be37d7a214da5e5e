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

extension PostgresConnection {
    /// Inside ``PostgresPool/withTenant(_:isolation:_:)``: commits the work so far and opens the
    /// next transaction for the same tenant, keeping the statement timeout the caller set. For work
    /// that writes a tenant's rows in chunks, so that no chunk holds its row locks for long; the
    /// surrounding call commits the last chunk (or rolls back only the one that failed).
    public func commitAndContinue(tenant: TenantID) async throws {
        let timeout = try await query("SELECT current_setting('statement_timeout')").first?.decode(String.self, at: 0)
        try await executeScript("COMMIT")
        try await executeScript("BEGIN ISOLATION LEVEL READ COMMITTED")
        try await query("SELECT set_config('hearth.tenant_id', \(tenant.description), true)")
        if let timeout { try await query("SELECT set_config('statement_timeout', \(timeout), true)") }
    }
}
