import HearthPostgres
import Testing

@Suite("Value coding without a server")
struct ValueCodingTests {
    @Test func datesConvertBothWaysAcrossTheCalendar() {
        #expect(PostgresDate(year: 2000, month: 1, day: 1)?.daysSince2000 == 0)
        #expect(PostgresDate(year: 1999, month: 12, day: 31)?.daysSince2000 == -1)
        #expect(PostgresDate(year: 2000, month: 3, day: 1)?.daysSince2000 == 60)  // 2000 is a leap year
        #expect(PostgresDate(year: 2023, month: 2, day: 29) == nil)
        #expect(PostgresDate(year: 2024, month: 13, day: 1) == nil)
        for days in stride(from: Int32(-800_000), through: 800_000, by: 997) {
            let date = PostgresDate(daysSince2000: days)
            let (year, month, day) = date.components
            #expect(PostgresDate(year: year, month: month, day: day) == date)
        }
        #expect(PostgresDate(year: 2026, month: 11, day: 24)?.description == "2026-11-24")
    }

    @Test func numericTextIsValidated() {
        for good in ["0", "-1", "+2", "3.25", ".5", "5.", "NaN", "Infinity", "-Infinity"] {
            #expect(PostgresNumeric(good) != nil, "\(good)")
        }
        for bad in ["", "-", ".", "1e3", "1,000", "١٢", "12.3.4", "nan"] {
            #expect(PostgresNumeric(bad) == nil, "\(bad)")
        }
    }

    @Test func queriesBindInterpolatedValuesAsParameters() {
        let phone = "+86 138'; DROP TABLE members; --"
        let query: PostgresQuery = "SELECT * FROM members WHERE phone = \(phone) AND vip_tier >= \(Int16(2))"
        #expect(query.sql == "SELECT * FROM members WHERE phone = $1 AND vip_tier >= $2")
        #expect(query.binds.count == 2)
        #expect(query.binds[0].bytes == Array(phone.utf8))
        #expect(query.binds[1].type == .int2)
        let missing: String? = nil
        let withNull: PostgresQuery = "SELECT \(missing)"
        #expect(withNull.binds[0].bytes == nil)
        #expect(withNull.binds[0].type == .text)
    }
}
