import Foundation
import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

/// Ids the database makes sort by time, like the ones the services make, so bulk writes append to
/// their keys' indexes instead of touching a random page for every row.
@Suite("Schema: ids the database makes are time-ordered")
struct TimeOrderedIdDefaultTests {
    @Test func noIdColumnDefaultsToARandomUUID() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            let defaults = try await connection.query(
                """
                SELECT c.relname || '.' || a.attname, pg_get_expr(d.adbin, d.adrelid)
                FROM pg_attrdef d
                JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND a.atttypid = 'uuid'::regtype AND NOT c.relispartition
                ORDER BY 1
                """)
            let expressions = try defaults.map {
                (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1))
            }
            #expect(expressions.count >= 24)
            let random = expressions.filter { !$0.1.contains("hearth_time_ordered_uuid()") }.map(\.0)
            #expect(random.isEmpty, "columns whose uuid default is not time-ordered: \(random)")
            await connection.close()
        }
    }

    @Test func idsAreVersion7AndSortByTheMillisecondTheyWereMade() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            let rows = try await connection.query(
                """
                SELECT hearth_time_ordered_uuid(), (SELECT pg_sleep(0.005)) IS NULL, hearth_time_ordered_uuid(),
                       floor(extract(epoch FROM clock_timestamp()) * 1000)::int8
                """)
            let first = try rows[0].decode(UUID.self, at: 0)
            let second = try rows[0].decode(UUID.self, at: 2)
            let now = try rows[0].decode(Int64.self, at: 3)
            for id in [first, second] {
                let text = id.uuidString.lowercased()
                #expect(Array(text)[14] == "7", "version nibble of \(text)")
                #expect("89ab".contains(Array(text)[19]), "variant of \(text)")
            }
            #expect(first.uuidString.lowercased() < second.uuidString.lowercased())
            let millis = Int64(second.uuidString.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
            #expect(millis.map { abs(now - $0) < 1_000 } == true, "time bits \(String(describing: millis)), now \(now)")
            await connection.close()
        }
    }
}
