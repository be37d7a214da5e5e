public import HearthDomain
public import HearthPostgres

/// The companies using Hearth.
public struct TenantStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Registers a tenant; the slug is what operators type. Fails with `alreadyExists` for a taken slug.
    public func create(
        id: TenantID = TenantID(), slug: String, name: String, timeZone: String = "Asia/Shanghai",
        region: PhoneRegion = .cn
    ) async throws -> TenantID {
        try await pool.withTenant(id) { connection in
            try await connection.query(
                """
                INSERT INTO tenants (tenant_id, slug, name, time_zone, default_region)
                VALUES (\(id.rawValue), \(slug), \(name), \(timeZone), \(region.rawValue))
                """)
        }
        return id
    }

    /// The region the tenant's national phone numbers are read in (CN unless set otherwise).
    public func phoneRegion(of tenant: TenantID) async throws -> PhoneRegion {
        try await pool.withTenant(tenant) { connection in
            let code = try await connection.query(
                "SELECT default_region FROM tenants WHERE tenant_id = \(tenant.rawValue)"
            ).first?.decode(String.self, at: 0)
            return code.flatMap(PhoneRegion.init(code:)) ?? .cn
        }
    }

    /// The tenant's IANA time zone (schedules and quiet hours are read in it).
    public func timeZone(of tenant: TenantID) async throws -> String {
        try await pool.withTenant(tenant) { connection in
            try await SegmentStore.timeZone(of: tenant, on: connection)
        }
    }
}
