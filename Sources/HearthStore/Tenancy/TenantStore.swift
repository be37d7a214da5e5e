public import HearthDomain
public import HearthPostgres

/// The companies using Hearth.
public struct TenantStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Registers a tenant; the slug is what operators type. Fails with `alreadyExists` for a taken slug.
    public func create(id: TenantID = TenantID(), slug: String, name: String, timeZone: String = "Asia/Shanghai")
        async throws -> TenantID
    {
        try await pool.withTenant(id) { connection in
            try await connection.query(
                """
                INSERT INTO tenants (tenant_id, slug, name, time_zone)
                VALUES (\(id.rawValue), \(slug), \(name), \(timeZone))
                """)
        }
        return id
    }
}
