import Foundation

/// The stored form (the `schedule` column), stable across releases:
///
/// ```json
/// {"kind": "weekly", "days": ["thursday"], "start_time": "19:00", "duration_seconds": 7200, "time_zone": "Asia/Shanghai"}
/// {"kind": "monthly", "days_of_month": [31, -1], "start_time": "10:00", "duration_seconds": 3600}
/// {"kind": "cron", "cron": "0 10 * * 1-5", "duration_seconds": 1800}
/// {"kind": "once", "at": <date>, "duration_seconds": 86400}
/// ```
///
/// `at` uses the encoder's date strategy; `duration_seconds` is whole seconds; a missing
/// `time_zone` means the tenant's. Decoding checks the shape and parses the cron expression; call
/// ``CampaignSchedule/validate()`` for the rest.
extension CampaignSchedule: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind
        case at
        case days
        case daysOfMonth = "days_of_month"
        case startTime = "start_time"
        case cron
        case durationSeconds = "duration_seconds"
        case timeZone = "time_zone"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let recurrence: Recurrence
        switch kind {
        case "once":
            let instant = try container.decode(Date.self, forKey: .at)
            recurrence = .once(at: instant)
        case "weekly":
            let days = try container.decode([Weekday].self, forKey: .days)
            let time = try container.decode(LocalTime.self, forKey: .startTime)
            recurrence = .weekly(days: Set(days), at: time)
        case "monthly":
            let numbers = try container.decode([Int].self, forKey: .daysOfMonth)
            var days: [DayOfMonth] = []
            for number in numbers {
                guard let day = DayOfMonth(number: number) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .daysOfMonth, in: container,
                        debugDescription: "a day of the month is 1 to 31, or -1 for the last day, not \(number)")
                }
                days.append(day)
            }
            let time = try container.decode(LocalTime.self, forKey: .startTime)
            recurrence = .monthly(days: days, at: time)
        case "cron":
            let text = try container.decode(String.self, forKey: .cron)
            do throws(CronExpressionError) {
                let expression = try CronExpression(text)
                recurrence = .cron(expression)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .cron, in: container, debugDescription: error.description)
            }
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "a schedule's kind is once, weekly, monthly or cron, not \"\(kind)\"")
        }
        let seconds = try container.decode(Int64.self, forKey: .durationSeconds)
        let zone = try container.decodeIfPresent(String.self, forKey: .timeZone)
        self.init(recurrence, duration: .seconds(seconds), timeZoneIdentifier: zone)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch recurrence {
        case .once(let instant):
            try container.encode("once", forKey: .kind)
            try container.encode(instant, forKey: .at)
        case .weekly(let days, let time):
            try container.encode("weekly", forKey: .kind)
            try container.encode(days.sorted(), forKey: .days)
            try container.encode(time, forKey: .startTime)
        case .monthly(let days, let time):
            try container.encode("monthly", forKey: .kind)
            try container.encode(days.map(\.number), forKey: .daysOfMonth)
            try container.encode(time, forKey: .startTime)
        case .cron(let expression):
            try container.encode("cron", forKey: .kind)
            try container.encode(expression.text, forKey: .cron)
        }
        try container.encode(duration.components.seconds, forKey: .durationSeconds)
        try container.encodeIfPresent(timeZoneIdentifier, forKey: .timeZone)
    }
}
