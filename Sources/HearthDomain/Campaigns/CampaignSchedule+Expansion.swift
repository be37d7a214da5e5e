public import Foundation

extension CampaignSchedule {
    /// The most occurrences one expansion makes: a schedule that makes more (a cron expression
    /// running every minute for a year) is a mistake, and its occurrences would flood the outbox.
    public static let maximumOccurrences = 10_000

    /// The earliest and latest instants a period may reach: 1900-01-01 and 3000-01-01 (UTC), far
    /// outside any campaign and well inside the calendar arithmetic's range.
    public static let supportedInstants =
        Date(timeIntervalSince1970: -2_208_988_800)...Date(timeIntervalSince1970: 32_503_680_000)

    /// The occurrences that start in `[start, end)`, earliest first, each with its key and, when
    /// `messages` are given, its phase times.
    ///
    /// Deterministic: the same schedule, period and zone give the same occurrences and keys, so
    /// expanding again (after an edit, or on another replica) is idempotent. Throws
    /// `invalidArgument` for an invalid schedule, an empty or out-of-range period, or more than
    /// `limit` occurrences.
    public func expand(
        from start: Date, to end: Date, timeZone: TimeZone, messages: [PhaseMessage] = [],
        limit: Int = CampaignSchedule.maximumOccurrences
    ) throws(DomainError) -> [CampaignOccurrence] {
        try validate()
        guard start < end else {
            throw DomainError(code: .invalidArgument, message: "a period must end after it starts")
        }
        guard Self.supportedInstants.contains(start), Self.supportedInstants.contains(end) else {
            throw DomainError(code: .invalidArgument, message: "a period must lie between the years 1900 and 3000")
        }
        var occurrences: [CampaignOccurrence] = []
        var seen = Set<Date>()
        func add(_ local: LocalDateTime, at instant: Date) throws(DomainError) {
            guard start <= instant, instant < end, seen.insert(instant).inserted else { return }
            guard occurrences.count < limit else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "the schedule makes more than \(limit) occurrences in the period; shorten the period "
                        + "or schedule fewer occurrences")
            }
            let ends = instant.addingTimeInterval(duration.elapsedTimeInterval)
            occurrences.append(CampaignOccurrence(localStart: local, startsAt: instant, endsAt: ends))
        }
        if case .once(let instant) = recurrence {
            if let local = timeZone.localDateTime(at: instant) { try add(local, at: instant) }
        } else {
            let firstDay = timeZone.wallClock(at: start).day - 1
            let lastDay = timeZone.wallClock(at: end).day + 1
            for dayNumber in firstDay...lastDay {
                guard let date = CalendarDate(dayNumber: dayNumber) else { continue }
                for time in timesOfDay(on: date) {
                    let instant = timeZone.instant(at: WallClock(date: date, time: time))
                    try add(LocalDateTime(date: date, time: time), at: instant)
                }
            }
        }
        occurrences.sort { $0.startsAt < $1.startsAt }
        if !messages.isEmpty {
            for index in occurrences.indices {
                occurrences[index].phases = occurrences[index].phaseTimes(for: messages, in: timeZone)
            }
        }
        return occurrences
    }

    /// ``expand(from:to:timeZone:messages:limit:)`` over a campaign's period.
    public func expand(
        in period: CampaignPeriod, timeZone: TimeZone, messages: [PhaseMessage] = [],
        limit: Int = CampaignSchedule.maximumOccurrences
    ) throws(DomainError) -> [CampaignOccurrence] {
        try expand(from: period.start, to: period.end, timeZone: timeZone, messages: messages, limit: limit)
    }

    /// The local times a recurring schedule runs at on `date` (none for a one-off).
    func timesOfDay(on date: CalendarDate) -> [LocalTime] {
        switch recurrence {
        case .once:
            return []
        case .weekly(let days, let time):
            return days.contains(date.weekday) ? [time] : []
        case .monthly(let days, let time):
            return days.contains { $0.falls(on: date) } ? [time] : []
        case .cron(let expression):
            return expression.runs(on: date) ? expression.timesOfDay : []
        }
    }
}
