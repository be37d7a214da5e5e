public import Foundation

/// One run of a campaign: each Thursday of a recurring activity; a one-off campaign has one.
///
/// Named by ``key``, the local date and time it was scheduled for ("2026-11-26T19:00"), which
/// stays the same however often the schedule is expanded again, so re-planning finds the
/// occurrences it made before instead of adding new ones. The key is the *scheduled* wall time: an
/// occurrence at 02:30 on a day DST skips keeps the key `…T02:30` while it starts at 03:00.
public struct CampaignOccurrence: Hashable, Sendable {
    public var localStart: LocalDateTime
    public var startsAt: Date
    /// `startsAt` plus the schedule's duration (elapsed time).
    public var endsAt: Date
    /// When each phase message goes out, earliest first (the `phases` column): empty until computed
    /// with ``phaseTimes(for:in:)`` for the campaign's messages.
    public var phases: [CampaignPhaseTime]

    public init(localStart: LocalDateTime, startsAt: Date, endsAt: Date, phases: [CampaignPhaseTime] = []) {
        self.localStart = localStart
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.phases = phases
    }

    /// `2026-11-26T19:00`.
    public var key: String { localStart.description }

    /// Whether the occurrence has started and not yet ended at `instant`.
    public func isInProgress(at instant: Date) -> Bool {
        startsAt <= instant && instant < endsAt
    }

    /// When each of `messages` goes out for this occurrence, earliest first (messages due at the same
    /// instant keep their order).
    ///
    /// Offsets count elapsed time from the start (the review phase: from the end). Day-and-time
    /// timings count local days in `timeZone` from the occurrence's local date (the review phase:
    /// the local date of its end) and keep the wall-clock time across DST, so "the day before at
    /// 10:00" is 10:00 local even on the weekend the clocks change; a time DST skips moves forward and
    /// a repeated one takes its first instance, as for occurrences.
    public func phaseTimes(for messages: [PhaseMessage], in timeZone: TimeZone) -> [CampaignPhaseTime] {
        var times: [CampaignPhaseTime] = []
        for (index, message) in messages.enumerated() {
            let isReview = message.phase == .review
            let at: Date
            switch message.timing {
            case .offset(let offset):
                at = (isReview ? endsAt : startsAt).addingTimeInterval(offset.elapsedTimeInterval)
            case .dayTime(let dayOffset, let time):
                let day = isReview ? timeZone.wallClock(at: endsAt).day : localStart.date.dayNumber
                at = timeZone.instant(at: WallClock(day: day + dayOffset, minuteOfDay: time.minuteOfDay))
            }
            times.append(CampaignPhaseTime(phase: message.phase, at: at, messageIndex: index))
        }
        return times.sorted { ($0.at, $0.messageIndex) < ($1.at, $1.messageIndex) }
    }
}
