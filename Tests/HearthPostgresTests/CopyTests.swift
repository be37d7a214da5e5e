import Foundation
import HearthPostgres
import HearthTestSupport
import Testing

@Suite("COPY FROM STDIN")
struct CopyTests {
    /// Text that breaks naive COPY writers: every escape, NULL look-alikes, multi-byte UTF-8.
    static let nastyTexts = [
        "tab\there", "line\nbreak", "carriage\rreturn", "crlf\r\n", "back\\slash", "\\N", "\\.", "",
        "四川省成都市", "emoji 🧧🐉", "quote \" and ' both", "comma, semicolon;", "trailing space ",
        String(repeating: "宽", count: 3000),
    ]

    @Test func copiesHundredThousandRowsWithNastyText() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            // 100,000 rows of up to 9 KB: no statement timeout on a machine busy with the other suites.
            try await connection.executeScript(
                "SET statement_timeout = 0; CREATE TABLE imported (n bigint PRIMARY KEY, label text, note text)")
            let total = 100_000
            let stored = try await connection.copyIn("COPY imported (n, label, note) FROM STDIN") { writer in
                for n in 0..<total {
                    writer.field(n)
                    writer.field(Self.nastyTexts[n % Self.nastyTexts.count])
                    writer.field(n % 7 == 0 ? nil : "note \(n)")
                    try await writer.endRow()
                }
            }
            #expect(stored == total)
            let summary = try await connection.query(
                "SELECT count(*), count(note), sum(n)::int8 FROM imported")
            #expect(try summary[0].decode(Int.self, at: 0) == total)
            #expect(try summary[0].decode(Int.self, at: 1) == total - (total + 6) / 7)
            #expect(try summary[0].decode(Int.self, at: 2) == total * (total - 1) / 2)
            // Every nasty text arrived byte for byte.
            for (index, text) in Self.nastyTexts.enumerated() {
                let rows = try await connection.query("SELECT label FROM imported WHERE n = \(index)")
                #expect(try rows[0].decode(String.self, at: 0) == text)
            }
            let negative = try await connection.copyIn("COPY imported (n, label) FROM STDIN") { writer in
                writer.field(-5)
                writer.field("negative")
                try await writer.endRow()
            }
            #expect(negative == 1)
            await connection.close()
        }
    }

    @Test func aThrowingWriterLeavesNoRowsAndTheConnectionUsable() async throws {
        struct Stop: Error {}
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript("CREATE TABLE imported (n bigint PRIMARY KEY)")
            await #expect(throws: Stop.self) {
                try await connection.copyIn("COPY imported FROM STDIN") { writer in
                    for n in 0..<50_000 {
                        writer.field(n)
                        try await writer.endRow()
                    }
                    throw Stop()
                }
            }
            let rows = try await connection.query("SELECT count(*) FROM imported")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
            await connection.close()
        }
    }

    @Test func badDataFailsTheWholeCopyWithTheServerError() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            try await connection.executeScript("CREATE TABLE imported (n bigint PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await connection.copyIn("COPY imported FROM STDIN") { writer in
                    try await writer.row(["1"])
                    try await writer.row(["1"])  // duplicate key
                }
            }
            #expect(error?.code == .uniqueViolation)
            let rows = try await connection.query("SELECT count(*) FROM imported")
            #expect(try rows[0].decode(Int.self, at: 0) == 0)
            await connection.close()
        }
    }
}
