import HearthPostgres
import HearthTestSupport
import Testing

@Suite("Pipeline mode")
struct PipelineTests {
    @Test func runsABatchInOneRoundTripAndReturnsEveryResult() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript("CREATE TABLE items (n int PRIMARY KEY, label text NOT NULL)")
            let inserts: [PostgresQuery] = (0..<5_000).map {
                "INSERT INTO items VALUES (\(Int32($0)), \("item \($0)"))"
            }
            let results = try await connection.pipeline(inserts)
            #expect(results.count == 5_000)
            #expect(results.allSatisfy { $0.affectedRows == 1 })
            let reads = try await connection.pipeline([
                "SELECT count(*) FROM items", "SELECT label FROM items WHERE n = \(Int32(4_999))",
            ])
            #expect(try reads[0][0].decode(Int.self, at: 0) == 5_000)
            #expect(try reads[1][0].decode(String.self, at: 0) == "item 4999")
            await connection.close()
        }
    }

    @Test func aFailingStatementRollsBackTheBatchAndNamesItsPosition() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript("CREATE TABLE items (n int PRIMARY KEY)")
            let batch: [PostgresQuery] = [
                "INSERT INTO items VALUES (1)", "INSERT INTO items VALUES (2)", "INSERT INTO items VALUES (1)",
                "INSERT INTO items VALUES (3)",
            ]
            let error = await #expect(throws: PostgresError.self) { try await connection.pipeline(batch) }
            #expect(error?.code == .uniqueViolation)
            #expect(error?.message.contains("statement 3 of 4") == true)
            let rows = try await connection.query("SELECT count(*) FROM items")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
            // Normal queries work after the pipeline.
            try await connection.query("INSERT INTO items VALUES (\(Int32(10)))")
            await connection.close()
        }
    }
}
