public import HearthPostgres
import HearthStore
public import HearthWire

/// The readiness a process reports through Health: the database answers and its schema has every
/// migration this build knows (a process newer than its schema must not serve).
public struct DatabaseReadiness: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func check() async -> HealthService.Readiness {
        do {
            let migrator = try HearthMigrations.migrator()
            let status = try await pool.withConnection { connection in try await migrator.status(on: connection) }
            var problems: [String] = []
            if !status.isCurrent {
                problems.append(
                    "schema is at migration \(status.currentVersion), this build needs \(status.latestVersion): "
                        + "run `hearth db migrate`")
            }
            return HealthService.Readiness(
                databaseReachable: true, migrationsCurrent: status.isCurrent, problems: problems)
        } catch {
            return HealthService.Readiness(
                databaseReachable: false, migrationsCurrent: false, problems: ["database: \(error)"])
        }
    }
}
