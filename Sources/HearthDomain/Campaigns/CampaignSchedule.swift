public import Foundation

/// When a campaign's occurrences happen: once, weekly, monthly or by a cron expression, each lasting
/// ``duration``, on the clocks of one IANA time zone.
///
/// Times are wall-clock times in the zone, so "Thursdays at 19:00" is 19:00 for the members in
/// winter and in summer. Where DST gets in the way the rules are those of the wire's `Schedule`:
/// - a time that does not exist (the hour skipped in spring) moves forward to the first instant
///   after the gap (02:30 → 03:00 on the US spring-forward day);
/// - a time that exists twice (the hour repeated in autumn) takes the first of the two;
/// - occurrences that land on the same instant that way (a cron at 02:00 and 02:30 on the
///   spring-forward day) run once, under the earlier key.
///
/// Month ends: a monthly day the month does not have falls on its last day (see ``DayOfMonth``);
/// a cron expression skips it, as cron does (see ``CronExpression``).
public struct CampaignSchedule: Hashable, Sendable {
    public enum Recurrence: Hashable, Sendable {
        /// A single occurrence at this instant.
        case once(at: Date)
        /// On each of these days of the week at this local time.
        case weekly(days: Set<Weekday>, at: LocalTime)
        /// On each of these days of the month at this local time.
        case monthly(days: [DayOfMonth], at: LocalTime)
        case cron(CronExpression)
    }

    /// The longest an occurrence may last: a year.
    public static let maximumDuration = Duration.seconds(366 * 86_400)

    public var recurrence: Recurrence
    /// How long each occurrence's live phase lasts; more than zero.
    public var duration: Duration
    /// An IANA zone such as `Asia/Shanghai`; `nil`: the tenant's.
    public var timeZoneIdentifier: String?

    public init(_ recurrence: Recurrence, duration: Duration, timeZoneIdentifier: String? = nil) {
        self.recurrence = recurrence
        self.duration = duration
        self.timeZoneIdentifier = timeZoneIdentifier
    }

    /// Checks what the schedule itself can tell; ``expand(from:to:timeZone:messages:limit:)`` checks
    /// it again.
    public func validate() throws(DomainError) {
        guard duration > .zero else {
            throw DomainError(
                code: .invalidArgument,
                message: "an occurrence needs a duration (how long its live phase lasts) of more than zero")
        }
        guard duration <= Self.maximumDuration else {
            throw DomainError(code: .invalidArgument, message: "an occurrence lasts at most 366 days")
        }
        if let timeZoneIdentifier {
            _ = try Self.timeZone(named: timeZoneIdentifier)
        }
        switch recurrence {
        case .once, .cron:
            break
        case .weekly(let days, _):
            guard !days.isEmpty else {
                throw DomainError(
                    code: .invalidArgument, message: "a weekly schedule needs at least one day of the week")
            }
        case .monthly(let days, _):
            guard !days.isEmpty else {
                throw DomainError(
                    code: .invalidArgument, message: "a monthly schedule needs at least one day of the month")
            }
            for case .day(let day) in days where !(1...31).contains(day) {
                throw DomainError(
                    code: .invalidArgument,
                    message: "day \(day) of a month does not exist; use 1 to 31, or \"last\" for the last day")
            }
        }
    }

    /// Whether occurrences repeat (anything but ``Recurrence/once(at:)``): those need a period to
    /// fall in.
    public var isRecurring: Bool {
        if case .once = recurrence { return false }
        return true
    }

    /// The zone occurrences are read in: the schedule's own, else `tenantDefault`.
    public func timeZone(tenantDefault: TimeZone) throws(DomainError) -> TimeZone {
        guard let timeZoneIdentifier else { return tenantDefault }
        return try Self.timeZone(named: timeZoneIdentifier)
    }

    /// The zone with an IANA name, refusing names the time-zone database does not know.
    public static func timeZone(named identifier: String) throws(DomainError) -> TimeZone {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else {
            throw DomainError(
                code: .invalidArgument,
                message: "unknown time zone \"\(identifier)\"; use an IANA name such as Asia/Shanghai")
        }
        return zone
    }
}
