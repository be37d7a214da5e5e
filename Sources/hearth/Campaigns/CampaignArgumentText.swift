import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos

/// Reading the values `hearth campaigns create` takes (spans, instants, days, money) and writing
/// them back the same way; every refusal is a ValidationError (exit 2) naming the option and the
/// problem.
enum CampaignArgumentText {
    // MARK: Spans

    /// Seconds of a span such as `2h`, `90m`, `1h30m`, `1d`, `45s` or `0`: whole numbers, each of
    /// the units d, h, m and s at most once and in that order. `nil` if it is not one.
    static func spanSeconds(_ text: Substring) -> Int64? {
        if text == "0" { return 0 }
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        let order: [Character] = ["d", "h", "m", "s"]
        var total: Int64 = 0
        var digits = ""
        var lastUnit = -1
        for character in text {
            if character.isASCII && character.isNumber {
                guard digits.count < 9 else { return nil }
                digits.append(character)
            } else if let unit = units[character], let rank = order.firstIndex(of: character), rank > lastUnit,
                let count = Int64(digits)
            {
                total += count * unit
                lastUnit = rank
                digits = ""
            } else {
                return nil
            }
        }
        return digits.isEmpty && lastUnit >= 0 ? total : nil
    }

    /// `7200` → `2h`, `5400` → `1h30m`, `0` → `0m`; negative spans lead with `-`.
    static func span(seconds: Int64) -> String {
        guard seconds != 0 else { return "0m" }
        var rest = seconds.magnitude
        var text = seconds < 0 ? "-" : ""
        let units: [(name: String, size: UInt64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        for (unit, size) in units where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    // MARK: Instants

    /// An instant in ISO 8601 with an offset (`2026-05-01T20:00:00+08:00`, `…Z`), or without one
    /// (`2026-05-01T20:00`, `2026-05-01 20:00`, `2026-05-01`) read in `timeZone`.
    static func instant(_ text: String, option: String, timeZone: String?) throws -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        guard let parts = localParts(text) else {
            throw ValidationError(
                "\(option) \"\(text)\" is not a date and time; write e.g. 2026-05-01T20:00:00+08:00, or "
                    + "2026-05-01T20:00 with --time-zone")
        }
        guard let timeZone, let zone = TimeZone(identifier: timeZone) else {
            throw ValidationError(
                "\(option) \"\(text)\" has no UTC offset; add one (2026-05-01T20:00:00+08:00) or give --time-zone")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == parts.day else {
            throw ValidationError("\(option) \"\(text)\" is not a day of the calendar")
        }
        return date
    }

    /// `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM` or `HH:MM:SS`.
    private static func localParts(_ text: String) -> DateComponents? {
        let pieces = text.split(omittingEmptySubsequences: false) { $0 == "T" || $0 == " " }
        guard (1...2).contains(pieces.count) else { return nil }
        let date = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        if pieces.count == 2 {
            let time = pieces[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(time.count), let hour = time[0], let minute = time[1], (0...23).contains(hour),
                (0...59).contains(minute)
            else { return nil }
            let second = time.count == 3 ? time[2] : 0
            guard let second, (0...59).contains(second) else { return nil }
            parts.hour = hour
            parts.minute = minute
            parts.second = second
        }
        return parts
    }

    /// `date` in ISO 8601 to the second, with the offset of `zone` (UTC when `nil`).
    static func timestamp(_ date: Date, in zone: TimeZone?) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(timeZone: zone ?? TimeZone(secondsFromGMT: 0)!).year().month().day()
                .time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    // MARK: Days

    /// `thu,fri`: names (`mon` … `sun`, in full or in three letters) or ISO numbers (1 Monday … 7 Sunday).
    static func weekdays(_ text: String) throws -> [Hearth_Campaign_V1_DayOfWeek] {
        let names: [String: Hearth_Campaign_V1_DayOfWeek] = [
            "mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday, "fri": .friday, "sat": .saturday,
            "sun": .sunday,
        ]
        var days: [Hearth_Campaign_V1_DayOfWeek] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.trimmingCharacters(in: .whitespaces).lowercased()
            let full = Weekday.allCases.first { $0.rawValue == word }.map { String($0.rawValue.prefix(3)) }
            let day = names[full ?? word] ?? Int(word).flatMap { Hearth_Campaign_V1_DayOfWeek(rawValue: $0) }
            guard let day, day != .unspecified, (1...7).contains(day.rawValue) else {
                throw ValidationError(
                    "--weekly: \"\(item)\" is not a day of the week; write e.g. thu or thu,fri (mon … sun)")
            }
            if !days.contains(day) { days.append(day) }
        }
        return days
    }

    /// `1,15,last`: days 1 to 31 (a shorter month runs on its last day instead) or `last`.
    static func daysOfMonth(_ text: String) throws -> [Int32] {
        var days: [Int32] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.trimmingCharacters(in: .whitespaces).lowercased()
            let day: Int32? =
                word == "last" || word == "-1" ? -1 : Int32(word).flatMap { (1...31).contains($0) ? $0 : nil }
            guard let day else {
                throw ValidationError("--monthly: \"\(item)\" is not a day of the month; write 1 to 31 or last")
            }
            if !days.contains(day) { days.append(day) }
        }
        return days
    }

    static func localTime(_ text: String, option: String) throws -> Hearth_Common_V1_LocalTime {
        do throws(DomainError) {
            let time = try LocalTime(parsing: text)
            var message = Hearth_Common_V1_LocalTime()
            message.hour = Int32(time.hour)
            message.minute = Int32(time.minute)
            return message
        } catch {
            throw ValidationError("\(option): \(error.message)")
        }
    }

    // MARK: Money

    /// Fen of an amount in yuan: `50000`, `50000.5`, `50000.00` (no separators, at most two decimals).
    static func fen(yuan text: String, option: String) throws -> Int64 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 15, parts.allSatisfy(isDigits),
            parts.count == 1 || (1...2).contains(parts[1].count), let whole = Int64(parts[0])
        else {
            throw ValidationError("\(option) \"\(text)\" is not an amount in yuan; write e.g. 50000 or 50000.00")
        }
        let fraction = parts.count == 2 ? String(parts[1]) + (parts[1].count == 1 ? "0" : "") : "00"
        return whole * 100 + (Int64(fraction) ?? 0)
    }
}
