/// A five-field cron expression (`minute hour day-of-month month day-of-week`), read in the
/// campaign's time zone: for schedules weekly and monthly recurrences cannot say ("10:00 on
/// weekdays", "every 15 minutes from 9 to 11 on the 1st and the 15th").
///
/// The classic (Vixie) cron language:
/// - each field is `*` or a comma-separated list of items; an item is a value, a range `a-b`, or
///   either of those or `*` followed by a step `/n` (`a/n` runs from `a` to the field's end);
/// - minute 0–59, hour 0–23, day of month 1–31, month 1–12 or `JAN`–`DEC`, day of week 0–7 or
///   `SUN`–`SAT` (0 and 7 are both Sunday); names in any case;
/// - when both day fields are restricted, a day matches if **either** matches (`0 9 1 * MON` runs
///   on the 1st and on every Monday); when one of them starts with `*`, only the other decides.
///
/// Unlike a monthly schedule, a day of month the month does not have is skipped, as in cron
/// (`0 9 31 * *` runs in the seven long months only); an expression that can never run
/// (`0 9 30 2 *`) is refused. Times that DST skips or repeats follow ``CampaignSchedule``'s rules.
public struct CronExpression: Hashable, Sendable, CustomStringConvertible {
    /// The five fields, in order.
    public enum Field: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case minute = 1
        case hour
        case dayOfMonth
        case month
        case dayOfWeek

        public var description: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// The values a field accepts (day of week: 7 is Sunday again).
        var bounds: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// Where `*` and an open step end: Saturday for days of the week, so Sunday is not counted twice.
        var lastValue: Int { self == .dayOfWeek ? 6 : bounds.upperBound }

        var names: [String: Int] {
            switch self {
            case .month:
                [
                    "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10,
                    "NOV": 11, "DEC": 12,
                ]
            case .dayOfWeek: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
            default: [:]
            }
        }
    }

    /// Most characters accepted: far more than any sensible expression, little enough to store.
    public static let maximumLength = 200

    /// The expression with its fields separated by single spaces.
    public let text: String
    let minutes: [Int]
    let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 (Sunday) to 6 (Saturday).
    let daysOfWeek: Set<Int>
    /// Whether the field starts with `*`, which decides how the two day fields combine.
    let dayOfMonthIsStar: Bool
    let dayOfWeekIsStar: Bool

    /// Parses `text`, refusing it with the column and field of the first problem.
    public init(_ text: String) throws(CronExpressionError) {
        let fields = try Self.split(text)
        var sets: [Set<Int>] = []
        for (index, field) in Field.allCases.enumerated() {
            let values = try Self.values(of: fields[index].text, column: fields[index].column, in: field)
            sets.append(values)
        }
        self.text = fields.map(\.text).joined(separator: " ")
        minutes = sets[0].sorted()
        hours = sets[1].sorted()
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = sets[4]
        dayOfMonthIsStar = fields[2].text.hasPrefix("*")
        dayOfWeekIsStar = fields[4].text.hasPrefix("*")
        if !dayOfMonthIsStar && dayOfWeekIsStar {
            // Only the day of month decides: at least one of its days must exist in a month it names.
            let longest = months.map { CalendarDate.numberOfDays(inMonth: $0, year: 2_000) }.max() ?? 31
            if let earliest = daysOfMonth.min(), earliest > longest {
                throw CronExpressionError(
                    field: .dayOfMonth, column: fields[2].column,
                    message: "the expression never runs: no month it names has day \(earliest)")
            }
        }
    }

    public var description: String { text }

    /// Whether the expression runs on `date` (at ``timesOfDay``).
    func runs(on date: CalendarDate) -> Bool {
        guard months.contains(date.month) else { return false }
        let dayOfMonthMatches = daysOfMonth.contains(date.day)
        let dayOfWeekMatches = daysOfWeek.contains(date.weekday.isoNumber % 7)
        if dayOfMonthIsStar || dayOfWeekIsStar { return dayOfMonthMatches && dayOfWeekMatches }
        return dayOfMonthMatches || dayOfWeekMatches
    }

    /// The times of day it runs at, earliest first.
    var timesOfDay: [LocalTime] {
        hours.flatMap { hour in minutes.map { LocalTime(uncheckedHour: hour, minute: $0) } }
    }

    // MARK: Parsing

    private struct FieldText {
        var text: String
        /// 1-based, in Unicode scalars.
        var column: Int
    }

    private static func split(_ text: String) throws(CronExpressionError) -> [FieldText] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maximumLength else {
            throw CronExpressionError(
                field: nil, column: maximumLength + 1,
                message: "a cron expression has at most \(maximumLength) characters; this one has \(scalars.count)")
        }
        var fields: [FieldText] = []
        var index = 0
        while index < scalars.count {
            if scalars[index].properties.isWhitespace {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
            var field = String.UnicodeScalarView()
            field.append(contentsOf: scalars[start..<index])
            fields.append(FieldText(text: String(field), column: start + 1))
        }
        let expected = "five fields (minute hour day-of-month month day-of-week), e.g. \"0 10 * * 1-5\""
        if fields.isEmpty {
            throw CronExpressionError(field: nil, column: 1, message: "a cron expression needs \(expected)")
        }
        if fields.count > 5 {
            throw CronExpressionError(
                field: nil, column: fields[5].column,
                message:
                    "a cron expression has \(expected); this one has \(fields.count) (seconds and years are not supported)"
            )
        }
        if fields.count < 5 {
            throw CronExpressionError(
                field: nil, column: scalars.count + 1,
                message: "a cron expression has \(expected); this one has only \(fields.count)")
        }
        return fields
    }

    private static func values(of text: String, column: Int, in field: Field) throws(CronExpressionError) -> Set<Int> {
        var result = Set<Int>()
        var itemColumn = column
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw CronExpressionError(
                    field: field, column: itemColumn, message: "an empty item in the list; remove the extra comma")
            }
            let values = try Self.values(ofItem: item, column: itemColumn, in: field)
            result.formUnion(values)
            itemColumn += item.unicodeScalars.count + 1
        }
        return result
    }

    private static func values(ofItem item: Substring, column: Int, in field: Field) throws(CronExpressionError) -> Set<
        Int
    > {
        if item == "?" || item == "L" || item.hasSuffix("W") || item.firstIndex(of: "#") != nil {
            throw CronExpressionError(
                field: field, column: column,
                message: "\"\(item)\" is not classic cron (Quartz syntax); use *, numbers, ranges, lists and steps")
        }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw CronExpressionError(
                field: field, column: column, message: "one step per item, e.g. */15, not \"\(item)\"")
        }
        var step = 1
        if parts.count == 2 {
            let stepColumn = column + parts[0].unicodeScalars.count + 1
            let count = field.lastValue - field.bounds.lowerBound + 1
            guard let parsed = Self.number(parts[1]), (1...count).contains(parsed) else {
                throw CronExpressionError(
                    field: field, column: stepColumn,
                    message: "a step is a whole number from 1 to \(count), not \"\(parts[1])\"")
            }
            step = parsed
        }
        let range = parts[0]
        let lower: Int
        let upper: Int
        if range == "*" {
            lower = field.bounds.lowerBound
            upper = field.lastValue
        } else {
            let ends = range.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2 else {
                throw CronExpressionError(
                    field: field, column: column, message: "a range has two ends, e.g. 1-5, not \"\(range)\"")
            }
            lower = try value(ends[0], column: column, in: field)
            if ends.count == 2 {
                upper = try value(ends[1], column: column + ends[0].unicodeScalars.count + 1, in: field)
                guard lower <= upper else {
                    throw CronExpressionError(
                        field: field, column: column,
                        message: "the range \(range) runs backwards; write the smaller end first")
                }
            } else {
                upper = parts.count == 2 ? max(lower, field.lastValue) : lower
            }
        }
        var result = Set<Int>()
        for value in stride(from: lower, through: upper, by: step) {
            result.insert(field == .dayOfWeek ? value % 7 : value)
        }
        return result
    }

    private static func value(_ text: Substring, column: Int, in field: Field) throws(CronExpressionError) -> Int {
        if let number = Self.number(text) {
            guard field.bounds.contains(number) else {
                throw CronExpressionError(
                    field: field, column: column,
                    message: "\(field) \(number) is outside \(field.bounds.lowerBound)-\(field.bounds.upperBound)")
            }
            return number
        }
        if let named = field.names[text.uppercased()] { return named }
        let expected =
            field.names.isEmpty
            ? "a number" : "a number or a name such as \(field == .month ? "JAN" : "MON")"
        let found = text.isEmpty ? "nothing" : "\"\(text)\""
        throw CronExpressionError(
            field: field, column: column, message: "expected \(expected) or *, found \(found)")
    }

    /// Plain ASCII digits only (no signs, no spaces); `nil` otherwise.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 4, text.unicodeScalars.allSatisfy({ (48...57).contains($0.value) }) else {
            return nil
        }
        return Int(text)
    }
}
