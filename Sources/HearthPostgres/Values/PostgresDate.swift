/// A calendar date without time or zone (`date`), counted in days from 2000-01-01 as PostgreSQL does.
public struct PostgresDate: Sendable, Hashable, Comparable, CustomStringConvertible, PostgresArrayElement {
    public static var postgresArrayType: PostgresTypeOID { .dateArray }

    /// Days since 2000-01-01; `Int32.max`/`.min` are PostgreSQL's ±infinity.
    public var daysSince2000: Int32

    public init(daysSince2000: Int32) { self.daysSince2000 = daysSince2000 }

    /// A proleptic Gregorian date; `nil` when the month or day do not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil, shifted from 1970 to 2000.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days1970 = era * 146_097 + dayOfEra - 719_468
        guard let days = Int32(exactly: days1970 - 10_957) else { return nil }
        daysSince2000 = days
    }

    /// Year, month and day of this date.
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSince2000) + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var description: String {
        switch daysSince2000 {
        case .max: return "infinity"
        case .min: return "-infinity"
        default:
            let (year, month, day) = components
            func padded(_ n: Int, _ width: Int) -> String {
                let digits = String(n)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.daysSince2000 < rhs.daysSince2000 }

    public static var postgresType: PostgresTypeOID { .date }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(daysSince2000) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .date else { throw cell.mismatch(PostgresDate.self) }
        var reader = ByteReader(bytes)
        guard bytes.count == 4, let days = reader.read(Int32.self) else { throw cell.malformed(PostgresDate.self) }
        daysSince2000 = days
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
