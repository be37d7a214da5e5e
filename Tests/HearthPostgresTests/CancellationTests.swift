import HearthPostgres
import HearthTestSupport
import Testing

@Suite("Cancellation and statement timeouts")
struct CancellationTests {
    @Test func cancellingTheTaskCancelsTheQueryOnTheServer() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let clock = ContinuousClock()
            let started = clock.now
            let sleeper = Task { try await connection.query("SELECT pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            sleeper.cancel()
            let outcome = await sleeper.result
            let error = try #require(outcome.failure as? PostgresError)
            #expect(error.code == .queryCanceled)
            #expect(clock.now - started < .seconds(10))
            // The connection survives and serves the next statement.
            let rows = try await connection.query("SELECT 1")
            #expect(try rows[0].decode(Int.self, at: 0) == 1)
            await connection.close()
        }
    }

    @Test func aTaskCancelledBeforeItsTurnNeverRuns() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript("CREATE TABLE marks (n int)")
            let blocker = Task { try await connection.query("SELECT pg_sleep(0.5)") }
            try await Task.sleep(for: .milliseconds(100))
            let queued = Task { try await connection.query("INSERT INTO marks VALUES (1)") }
            queued.cancel()
            _ = await queued.result
            _ = try await blocker.value
            let rows = try await connection.query("SELECT count(*) FROM marks")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
            await connection.close()
        }
    }

    @Test func statementTimeoutEndsLongQueries() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConfiguration(url: database.ownerURL, statementTimeout: .milliseconds(200)))
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT pg_sleep(5)") }
            #expect(error?.code == .queryCanceled)
            #expect(error?.message.contains("statement timeout") == true)
            await connection.close()
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
