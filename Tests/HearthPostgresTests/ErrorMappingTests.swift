import HearthPostgres
import HearthTestSupport
import Testing

@Suite("SQLSTATE maps to Hearth error codes")
struct ErrorMappingTests {
    @Test(arguments: [
        ("23505", PostgresError.Code.uniqueViolation), ("23503", .foreignKeyViolation), ("23514", .checkViolation),
        ("23502", .notNullViolation), ("40001", .serializationFailure), ("40P01", .deadlockDetected),
        ("57014", .queryCanceled), ("08006", .connectionLost), ("57P01", .connectionLost),
        ("42501", .insufficientPrivilege),
        ("22P02", .invalidValue), ("42P01", .invalidStatement), ("XX000", .server),
    ])
    func codeForSQLState(sqlState: String, code: PostgresError.Code) {
        #expect(PostgresError.Code(sqlState: sqlState) == code)
    }

    @Test func serverErrorsCarryTheirDiagnostics() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript(
                """
                CREATE TABLE parent (id int PRIMARY KEY);
                CREATE TABLE child (
                    id int PRIMARY KEY,
                    parent_id int REFERENCES parent (id),
                    amount int NOT NULL CONSTRAINT amount_positive CHECK (amount > 0)
                );
                INSERT INTO parent VALUES (1);
                INSERT INTO child VALUES (1, 1, 5);
                """)
            let duplicate = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO child VALUES (\(1), \(1), \(5))")
            }
            #expect(duplicate?.code == .uniqueViolation)
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.constraint == "child_pkey")
            #expect(duplicate?.detail?.contains("(id)=(1)") == true)
            #expect(duplicate?.table == "child")

            let orphan = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO child VALUES (\(2), \(99), \(5))")
            }
            #expect(orphan?.code == .foreignKeyViolation)
            let negative = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO child VALUES (\(3), \(1), \(-5))")
            }
            #expect(negative?.code == .checkViolation)
            #expect(negative?.constraint == "amount_positive")
            let missing = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO child (id, parent_id) VALUES (\(4), \(1))")
            }
            #expect(missing?.code == .notNullViolation)
            #expect(missing?.column == "amount")
            let syntax = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
            #expect(syntax?.code == .invalidStatement)
            let badValue = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT \("not a number")::int")
            }
            #expect(badValue?.code == .invalidValue)
            let nul = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT \("nul\u{0}byte")::text")
            }
            #expect(nul?.code == .invalidValue)

            // The connection is still usable after every error.
            let rows = try await connection.query("SELECT count(*) FROM child")
            #expect(try rows[0].decode(Int.self, at: 0) == 1)
            await connection.close()
        }
    }

    @Test func deadlocksAndSerializationFailuresAreRetried() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = database.pool(owner: true, maximumConnections: 8)
            try await pool.query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
            try await pool.query("INSERT INTO counter VALUES (1, 0)")
            // Serializable read-modify-write from many tasks: conflicts happen, retries absorb them.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await pool.withTransaction(isolation: .serializable, maxAttempts: 50) { connection in
                            let rows = try await connection.query("SELECT n FROM counter WHERE id = 1")
                            let n = try rows[0].decode(Int.self, at: 0)
                            try await connection.query("UPDATE counter SET n = \(n + 1) WHERE id = 1")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await pool.query("SELECT n FROM counter")
            #expect(try rows[0].decode(Int.self, at: 0) == 16)
            await pool.close()
        }
    }
}
