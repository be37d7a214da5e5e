import Foundation
import HearthPostgres
import HearthTestSupport
import Testing

@Suite("Types round-trip through binary parameters and results")
struct TypeRoundTripTests {
    /// Sends `value` as a parameter, selects it back and decodes it.
    func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ value: T, cast: String, on connection: PostgresConnection
    ) async throws -> T {
        let rows = try await connection.query("SELECT \(value)\(unescaped: "::" + cast)")
        return try rows[0].decode(T.self, at: 0)
    }

    @Test func scalarsRoundTrip() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            for value in [true, false] { #expect(try await roundTrip(value, cast: "bool", on: connection) == value) }
            for value in [Int16.min, -1, 0, Int16.max] {
                #expect(try await roundTrip(value, cast: "int2", on: connection) == value)
            }
            for value in [Int32.min, 0, Int32.max] {
                #expect(try await roundTrip(value, cast: "int4", on: connection) == value)
            }
            for value in [Int64.min, -42, 0, Int64.max] {
                #expect(try await roundTrip(value, cast: "int8", on: connection) == value)
            }
            for value in [
                0.0, -0.0, .leastNormalMagnitude, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity,
                .infinity, .pi,
            ] {
                #expect(try await roundTrip(value, cast: "float8", on: connection) == value)
            }
            #expect(try await roundTrip(Double.nan, cast: "float8", on: connection).isNaN)
            let texts = [
                "", "plain", "tab\tnew\nline\r\\back", "四川 成都 药房", "emoji 👩‍👩‍👧‍👦 🇨🇳", String(repeating: "长", count: 100_000),
            ]
            for value in texts { #expect(try await roundTrip(value, cast: "text", on: connection) == value) }
            let uuid = UUID()
            #expect(try await roundTrip(uuid, cast: "uuid", on: connection) == uuid)
            let bytes = Data((0...255).map { UInt8($0) } + [0, 0, 255])
            #expect(try await roundTrip(bytes, cast: "bytea", on: connection) == bytes)
            #expect(try await roundTrip(Data(), cast: "bytea", on: connection) == Data())
            await connection.close()
        }
    }

    @Test func timesAndDatesRoundTrip() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let instants = [
                Date(timeIntervalSince1970: 0),
                Date(timeIntervalSince1970: 946_684_800),  // PostgreSQL's epoch
                Date(timeIntervalSince1970: 946_684_799.999_999),  // just before it
                Date(timeIntervalSince1970: 1_790_000_000.123_456),
                Date(timeIntervalSince1970: -2_208_988_800),  // 1900-01-01
            ]
            for instant in instants {
                let back = try await roundTrip(instant, cast: "timestamptz", on: connection)
                #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
            }
            let infinity = try await connection.query("SELECT 'infinity'::timestamptz, '-infinity'::timestamptz")
            #expect(try infinity[0].decode(Date.self, at: 0) == .distantFuture)
            #expect(try infinity[0].decode(Date.self, at: 1) == .distantPast)

            let dates = [
                PostgresDate(year: 2000, month: 1, day: 1)!, PostgresDate(year: 1999, month: 12, day: 31)!,
                PostgresDate(year: 2024, month: 2, day: 29)!, PostgresDate(year: 1, month: 1, day: 1)!,
                PostgresDate(year: 9999, month: 12, day: 31)!,
            ]
            for date in dates {
                #expect(try await roundTrip(date, cast: "date", on: connection) == date)
                let text = try await connection.query("SELECT \(date)::date::text")
                #expect(try text[0].decode(String.self, at: 0) == date.description)
            }
            await connection.close()
        }
    }

    @Test func numericsKeepEveryDigit() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let literals = [
                "0", "1", "-1", "0.0001", "-0.5", "10000", "12345678901234567890123456789012345678901234567890",
                "3.14159265358979323846264338327950288419716939937510", "-99999999.00000001", "100.10", "NaN",
            ]
            for literal in literals {
                let numeric = try #require(PostgresNumeric(literal))
                let back = try await roundTrip(numeric, cast: "numeric", on: connection)
                let serverText = try await connection.query("SELECT \(numeric)::numeric::text")
                #expect(back.description == (try serverText[0].decode(String.self, at: 0)))
            }
            let decimal = try await roundTrip(Decimal(string: "-1234.5678")!, cast: "numeric", on: connection)
            #expect(decimal == Decimal(string: "-1234.5678")!)
            #expect(PostgresNumeric("1e5") == nil)
            #expect(PostgresNumeric("12.3.4") == nil)
            await connection.close()
        }
    }

    @Test func arraysAndJSONRoundTrip() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            for tags in [[], ["vip"], ["", "核心", "a\"b", "with,comma", "{brace}", "NULL"]] {
                #expect(try await roundTrip(tags, cast: "text[]", on: connection) == tags)
            }
            #expect(
                try await roundTrip([Int64.min, 0, Int64.max], cast: "int8[]", on: connection) == [
                    Int64.min, 0, Int64.max,
                ])
            let ids = [UUID(), UUID()]
            #expect(try await roundTrip(ids, cast: "uuid[]", on: connection) == ids)

            struct Profile: Codable, Equatable {
                var name: String
                var tags: [String]
                var spend: Int
            }
            let profile = Profile(name: "王小明 🌶", tags: ["vip", "四川"], spend: 12_345)
            let json = try PostgresJSONB(encoding: profile)
            let back = try await roundTrip(json, cast: "jsonb", on: connection)
            #expect(try back.decode(Profile.self) == profile)
            let extracted = try await connection.query("SELECT (\(json)::jsonb)->>'name'")
            #expect(try extracted[0].decode(String.self, at: 0) == "王小明 🌶")
            await connection.close()
        }
    }

    @Test func nullsDecodeAsOptionalsAndFailClearlyOtherwise() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await database.connect(owner: true)
            let missing = PostgresBind(type: .text, bytes: nil)
            let rows = try await connection.query("SELECT \(bind: missing)::text AS nickname, NULL::int8 AS spend")
            #expect(try rows[0].decode(String?.self, named: "nickname") == nil)
            #expect(try rows[0].decode(Int?.self, at: 1) == nil)
            let error = #expect(throws: PostgresError.self) { try rows[0].decode(String.self, named: "nickname") }
            #expect(error?.code == .decodingFailed)
            #expect(error?.message.contains("nickname") == true)

            let typed = try await connection.query("SELECT 42::int4 AS n")
            #expect(throws: PostgresError.self) { try typed[0].decode(Bool.self, at: 0) }
            #expect(try typed[0].decode(Int.self, named: "n") == 42)
            let narrow = try await connection.query("SELECT 100000::int4")
            let overflow = #expect(throws: PostgresError.self) { try narrow[0].decode(Int16.self, at: 0) }
            #expect(overflow?.message.contains("out of range") == true)
            await connection.close()
        }
    }
}
