import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

/// The database's own check on tags and interests (`hearth_valid_labels`), which every member
/// insert and update runs: 1 to 64 characters each, no NULL elements, at most 256 labels.
@Suite("Schema: the label check of tags and interests")
struct LabelCheckTests {
    static let cases: [(array: String, valid: Bool)] = [
        ("'{}'::text[]", true),
        ("ARRAY['core', 'vip', '会员']", true),
        ("ARRAY[repeat('x', 64)]", true),
        ("ARRAY[repeat('字', 64)]", true),
        ("(SELECT array_agg(i::text) FROM generate_series(1, 256) i)", true),
        ("NULL::text[]", false),
        ("ARRAY['']", false),
        ("ARRAY['core', NULL]", false),
        ("ARRAY[repeat('x', 65)]", false),
        ("(SELECT array_agg(i::text) FROM generate_series(1, 257) i)", false),
        ("ARRAY[ARRAY['a', 'b'], ARRAY['c', '']]", false),
    ]

    @Test func acceptsExactlyTheLabelsTheRuleAllows() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(owner: true)
            for (array, valid) in Self.cases {
                let rows = try await connection.query(PostgresQuery("SELECT hearth_valid_labels(\(unescaped: array))"))
                let answer = try rows[0].decode(Bool.self, at: 0)
                #expect(answer == valid, "hearth_valid_labels(\(array))")
            }
            await connection.close()
        }
    }
}
