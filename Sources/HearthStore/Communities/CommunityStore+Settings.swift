public import HearthDomain
import HearthPostgres

extension CommunityStore {
    /// Writes the listed settings of community `id`. Refused for an archived community and for a
    /// capacity below the members it has now (`failedPrecondition`); `notFound` for an unknown id.
    public func update(_ id: CommunityID, tenant: TenantID, with change: CommunitySettingsUpdate) async throws
        -> Community
    {
        let phrase: String?
        if let text = change.passPhrase { phrase = try PassPhrase.normalized(text) } else { phrase = nil }
        return try await pool.withTenant(tenant) { connection in
            let lock = try await Self.lock(id, tenant: tenant, on: connection)
            if lock.archived {
                throw CommunityRefusal(.archived, "community \(id) is archived; its settings no longer change")
            }
            let current = try await Self.read(id, tenant: tenant, on: connection)
            let settings = change.applied(to: current.settings)
            try settings.validate()
            if settings.capacity < lock.activeCount {
                throw CommunityRefusal(
                    .capacityBelowMembers,
                    "capacity \(settings.capacity) is below the \(lock.activeCount) members the community has now")
            }
            try await connection.query(
                """
                UPDATE communities SET
                    name = \(settings.name), platform = \(settings.platform.rawValue),
                    capacity = \(Int32(settings.capacity)), join_policy = \(settings.joinPolicy.rawValue),
                    structure = \(settings.structure.rawValue), visibility = \(settings.visibility.rawValue),
                    purpose = \(settings.purpose), rules = \(settings.rules), announcement = \(settings.announcement),
                    pass_phrase_hash = CASE WHEN \(change.fields.contains(.passPhrase))
                                            THEN hearth_pass_phrase_hash(\(phrase)) ELSE pass_phrase_hash END
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue)
                """)
            return try await Self.read(id, tenant: tenant, on: connection)
        }
    }

    /// Archives a community: no joins, no sends, history kept. Archiving an archived community
    /// changes nothing. `notFound` for an unknown id.
    public func archive(_ id: CommunityID, tenant: TenantID) async throws -> Community {
        try await pool.withTenant(tenant) { connection in
            _ = try await Self.lock(id, tenant: tenant, on: connection)
            try await connection.query(
                """
                UPDATE communities SET archived_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND community_id = \(id.rawValue) AND archived_at IS NULL
                """)
            return try await Self.read(id, tenant: tenant, on: connection)
        }
    }
}
