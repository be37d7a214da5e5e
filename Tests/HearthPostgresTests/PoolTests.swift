import HearthPostgres
import HearthTestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    @Test func manyTasksShareABoundedPool() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = database.pool(owner: true, maximumConnections: 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        let rows = try await pool.query("SELECT \(n) + 1")
                        #expect(try rows[0].decode(Int.self, at: 0) == n + 1)
                        #expect(pool.usage.open <= 3)
                    }
                }
                try await group.waitForAll()
            }
            #expect(pool.usage.open <= 3)
            #expect(pool.usage.leased == 0)
            await pool.close()
        }
    }

    @Test func exhaustionEndsInALeaseTimeoutWithAClearMessage() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = database.pool(owner: true, maximumConnections: 2, leaseTimeout: .milliseconds(300))
            let holders = (0..<2).map { _ in Task { try await pool.query("SELECT pg_sleep(2)") } }
            try await Task.sleep(for: .milliseconds(200))
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .leaseTimeout)
            #expect(error?.message.contains("all 2 in use") == true)
            #expect(error?.hint?.contains("HEARTH_DB_POOL_MAX") == true)
            #expect(clock.now - started < .seconds(2))
            for holder in holders { _ = try await holder.value }
            // Once the holders are done the pool serves again.
            let rows = try await pool.query("SELECT 2")
            #expect(try rows[0].decode(Int.self, at: 0) == 2)
            await pool.close()
        }
    }

    @Test func aConnectionReturnedMidTransactionIsRolledBack() async throws {
        struct Abort: Error {}
        try await TestDatabase.with(migrated: false) { database in
            let pool = database.pool(owner: true, maximumConnections: 1)
            try await pool.query("CREATE TABLE t (n int)")
            await #expect(throws: Abort.self) {
                try await pool.withConnection { connection in
                    try await connection.executeScript("BEGIN")
                    try await connection.query("INSERT INTO t VALUES (1)")
                    throw Abort()
                }
            }
            let rows = try await pool.query("SELECT count(*) FROM t")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
            await pool.close()
        }
    }

    @Test func closedPoolRefusesLeases() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = database.pool(owner: true)
            try await pool.prewarm()
            await pool.close()
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .poolClosed)
        }
    }

    @Test func environmentConfigurationIsValidated() throws {
        let configuration = try PostgresPoolConfiguration(
            url: "postgres://u@127.0.0.1:5432/db",
            environment: ["HEARTH_DB_POOL_MAX": "7", "HEARTH_DB_LEASE_TIMEOUT_MS": "250"])
        #expect(configuration.maximumConnections == 7)
        #expect(configuration.leaseTimeout == .milliseconds(250))
        #expect(configuration.connection.statementTimeout == .seconds(30))
        let error = #expect(throws: PostgresConfigurationError.self) {
            try PostgresPoolConfiguration(url: nil, environment: ["HEARTH_DB_POOL_MAX": "lots"])
        }
        #expect(error?.variable == "HEARTH_DB_POOL_MAX")
        #expect(throws: PostgresConfigurationError.self) {
            try PostgresPoolConfiguration(
                url: nil, environment: ["HEARTH_DB_POOL_MIN": "9", "HEARTH_DB_POOL_MAX": "3"])
        }
    }

    @Test func passwordsNeverAppearInRedactedURLs() {
        #expect(
            PostgresConfiguration(url: "postgres://hearth:s3cret@db:5432/hearth").redactedURL
                == "postgres://hearth:***@db:5432/hearth")
        #expect(
            PostgresConfiguration(url: "host=db password=s3cret user=x").redactedURL == "host=db password=*** user=x")
    }
}
