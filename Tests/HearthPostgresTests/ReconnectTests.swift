import Foundation
import HearthPostgres
import HearthTestSupport
import Testing

/// Restarts a PostgreSQL cluster of its own, so other suites running in parallel are not disturbed.
@Suite("Reconnect after a server restart")
struct ReconnectTests {
    @Test func aPoolServesAgainAfterPgCtlRestart() async throws {
        let directory = TestCluster.repositoryRoot.appendingPathComponent(".hearth/test-pg-restart").path
        try TestCluster.runScript("pg", ["start", "--dir", directory])
        let url = try TestCluster.url(role: .owner, directory: directory)
        let pool = PostgresPool(
            configuration: PostgresPoolConfiguration(
                connection: PostgresConfiguration(url: url), minimumConnections: 2, maximumConnections: 2,
                leaseTimeout: .seconds(30)))
        try await pool.prewarm()
        try await pool.query("CREATE TABLE IF NOT EXISTS restart_marks (n int)")
        try await pool.query("INSERT INTO restart_marks VALUES (1)")
        #expect(pool.usage.idle == 2)

        try TestCluster.runScript("pg", ["restart", "--dir", directory])

        // Both pooled connections are dead now; the lease notices and reconnects.
        let rows = try await pool.query("SELECT count(*) FROM restart_marks")
        #expect(try rows[0].decode(Int.self, at: 0) >= 1)
        try await pool.query("INSERT INTO restart_marks VALUES (2)")
        await pool.close()
        try TestCluster.runScript("pg", ["stop", "--dir", directory])
    }

    @Test func connectingToNothingFailsWithAnActionableError() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(
                configuration: PostgresConfiguration(
                    url: "postgres://nobody:pw@127.0.0.1:1/none", connectTimeout: .seconds(2)))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("nobody:***@127.0.0.1") == true)
        #expect(error?.message.contains("pw@") == false)
    }
}
