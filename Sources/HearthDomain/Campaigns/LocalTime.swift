/// A wall-clock time of day to the minute ("19:00"), read in a campaign's or tenant's time zone.
///
/// Schedules say "every Thursday at 19:00" and mean 19:00 on the clocks of the people in the group,
/// whatever the offset from UTC is that day; ``LocalDateTime`` and the schedule turn it into an
/// instant only once the day and the zone are known.
public struct LocalTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 0 to 23.
    public let hour: Int
    /// 0 to 59.
    public let minute: Int

    /// Refuses an hour outside 0–23 or a minute outside 0–59.
    public init(hour: Int, minute: Int = 0) throws(DomainError) {
        guard (0...23).contains(hour), (0...59).contains(minute) else {
            throw DomainError(
                code: .invalidArgument,
                message: "a time of day has an hour from 0 to 23 and a minute from 0 to 59, not \(hour):\(minute)")
        }
        self.init(uncheckedHour: hour, minute: minute)
    }

    /// Reads `19:00` or `9:05` (24-hour clock; seconds are not accepted: schedules run to the minute).
    public init(parsing text: String) throws(DomainError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else {
            throw DomainError(
                code: .invalidArgument,
                message: "write a time of day as HH:MM on a 24-hour clock, e.g. 19:00, not \"\(text)\"")
        }
        try self.init(hour: hour, minute: minute)
    }

    /// For values known to be in range.
    init(uncheckedHour hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// 00:00.
    public static let midnight = LocalTime(uncheckedHour: 0, minute: 0)

    /// Minutes since midnight, 0 to 1,439.
    public var minuteOfDay: Int { hour * 60 + minute }

    /// `19:00`, `09:05`.
    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }
}

extension LocalTime: Codable {
    /// Decodes the text form, `"19:00"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do throws(DomainError) {
            self = try LocalTime(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the text form, `"19:00"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
