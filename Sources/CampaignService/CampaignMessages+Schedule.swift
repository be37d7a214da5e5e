import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Schedules, phase messages and the times in them, both ways. Durations and offsets are whole
/// seconds (the stored form keeps no fractions), so a wire duration with nanos is refused rather
/// than silently rounded.
extension CampaignMessages {
    // MARK: Domain to messages

    static func schedule(_ schedule: CampaignSchedule) -> Hearth_Campaign_V1_Schedule {
        var message = Hearth_Campaign_V1_Schedule()
        switch schedule.recurrence {
        case .once(let instant):
            message.onceAt = Google_Protobuf_Timestamp(date: instant)
        case .weekly(let days, let time):
            var weekly = Hearth_Campaign_V1_WeeklyRecurrence()
            weekly.days = days.sorted().map { dayOfWeek($0) }
            weekly.startTime = localTime(time)
            message.weekly = weekly
        case .monthly(let days, let time):
            var monthly = Hearth_Campaign_V1_MonthlyRecurrence()
            monthly.daysOfMonth = days.map { Int32($0.number) }
            monthly.startTime = localTime(time)
            message.monthly = monthly
        case .cron(let expression):
            message.cron = expression.text
        }
        message.duration = Google_Protobuf_Duration(rounding: schedule.duration)
        message.timeZone = schedule.timeZoneIdentifier ?? ""
        return message
    }

    static func phaseMessage(_ message: PhaseMessage) -> Hearth_Campaign_V1_PhaseMessage {
        var result = Hearth_Campaign_V1_PhaseMessage()
        result.phase = phase(message.phase)
        switch message.timing {
        case .offset(let offset):
            result.offset = Google_Protobuf_Duration(rounding: offset)
        case .dayTime(let dayOffset, let time):
            var dayTime = Hearth_Campaign_V1_DayOffsetTime()
            dayTime.dayOffset = Int32(clamping: dayOffset)
            dayTime.time = localTime(time)
            result.dayTime = dayTime
        }
        result.text = message.text
        result.smsTemplateID = message.smsTemplateID ?? ""
        result.templateParams = message.templateParams
        result.channels = message.channels.map { channel($0) }
        return result
    }

    static func localTime(_ time: LocalTime) -> Hearth_Common_V1_LocalTime {
        var message = Hearth_Common_V1_LocalTime()
        message.hour = Int32(time.hour)
        message.minute = Int32(time.minute)
        return message
    }

    // MARK: Messages to domain

    /// A schedule as the wire gives it under `field` (e.g. `spec.schedule`): one recurrence, a
    /// duration above zero and at most 366 days, and an IANA zone or none (the tenant's).
    static func schedule(_ message: Hearth_Campaign_V1_Schedule, field: String) throws(RPCError) -> CampaignSchedule {
        let recurrence: CampaignSchedule.Recurrence
        switch message.recurrence {
        case nil:
            throw missing(
                "\(field).recurrence", "\(field) needs a recurrence: once_at, weekly, monthly or cron")
        case .onceAt(let timestamp):
            let instant = timestamp.date
            guard CampaignSchedule.supportedInstants.contains(instant) else {
                throw outOfRange("\(field).once_at", "\(field).once_at must lie between the years 1900 and 3000")
            }
            recurrence = .once(at: instant)
        case .weekly(let weekly):
            guard !weekly.days.isEmpty else {
                throw missing("\(field).weekly.days", "a weekly schedule needs at least one day of the week")
            }
            var days: Set<Weekday> = []
            for (index, value) in weekly.days.enumerated() {
                let dayField = "\(field).weekly.days[\(index)]"
                guard let day = try weekday(value, field: dayField) else {
                    throw missing(dayField, "\(dayField) is UNSPECIFIED; name a day from monday to sunday")
                }
                days.insert(day)
            }
            let time = try startTime(weekly.startTime, given: weekly.hasStartTime, field: "\(field).weekly.start_time")
            recurrence = .weekly(days: days, at: time)
        case .monthly(let monthly):
            guard !monthly.daysOfMonth.isEmpty else {
                throw missing(
                    "\(field).monthly.days_of_month", "a monthly schedule needs at least one day of the month")
            }
            var days: [DayOfMonth] = []
            for (index, number) in monthly.daysOfMonth.enumerated() {
                guard let day = DayOfMonth(number: Int(number)) else {
                    throw outOfRange(
                        "\(field).monthly.days_of_month[\(index)]",
                        "a day of the month is 1 to 31, or -1 for the last day, not \(number)")
                }
                if !days.contains(day) { days.append(day) }
            }
            let time = try startTime(
                monthly.startTime, given: monthly.hasStartTime, field: "\(field).monthly.start_time")
            recurrence = .monthly(days: days, at: time)
        case .cron(let text):
            do throws(CronExpressionError) {
                recurrence = .cron(try CronExpression(text))
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: "\(field).cron: \(DomainError(error).message)",
                    reason: "cron_invalid", fields: ["\(field).cron": error.description],
                    position: (line: 1, column: error.column))
            }
        }

        guard message.hasDuration else {
            throw missing("\(field).duration", "\(field) needs a duration: how long each occurrence's live phase lasts")
        }
        let duration = try wholeSeconds(message.duration, field: "\(field).duration")
        guard duration > .zero, duration <= CampaignSchedule.maximumDuration else {
            throw outOfRange(
                "\(field).duration", "an occurrence lasts more than zero seconds and at most 366 days")
        }

        var timeZone: String?
        if !message.timeZone.isEmpty {
            do throws(DomainError) {
                _ = try CampaignSchedule.timeZone(named: message.timeZone)
            } catch {
                throw invalid(error, field: "\(field).time_zone", reason: "time_zone_invalid")
            }
            timeZone = message.timeZone
        }

        let schedule = CampaignSchedule(recurrence, duration: duration, timeZoneIdentifier: timeZone)
        do throws(DomainError) {
            try schedule.validate()
        } catch {
            throw invalid(error, field: field, reason: "schedule_invalid")
        }
        return schedule
    }

    /// A phase message as the wire gives it under `field` (e.g. `spec.messages[2]`): a phase, a
    /// timing, a text or an SMS template, and channels that narrow the campaign's.
    static func phaseMessage(_ message: Hearth_Campaign_V1_PhaseMessage, field: String) throws(RPCError)
        -> PhaseMessage
    {
        guard let phase = try campaignPhase(message.phase, field: "\(field).phase") else {
            throw missing("\(field).phase", "\(field) needs a phase: announce, warm_up, live or review")
        }
        let timing: PhaseTiming
        switch message.timing {
        case nil:
            throw missing(
                "\(field).timing",
                "say when \(field) goes out: an offset (e.g. -2h before the start) or a day_time (e.g. the day "
                    + "before at 10:00)")
        case .offset(let offset):
            timing = .offset(try wholeSeconds(offset, field: "\(field).offset"))
        case .dayTime(let dayTime):
            let time = try startTime(dayTime.time, given: dayTime.hasTime, field: "\(field).day_time.time")
            timing = .dayTime(dayOffset: Int(dayTime.dayOffset), at: time)
        }
        let result = PhaseMessage(
            phase: phase, timing: timing, text: message.text,
            smsTemplateID: message.smsTemplateID.isEmpty ? nil : message.smsTemplateID,
            templateParams: message.templateParams, channels: try channels(message.channels, field: "\(field).channels")
        )
        do throws(DomainError) {
            try result.validate()
        } catch {
            throw invalid(error, field: field, reason: "message_invalid")
        }
        return result
    }

    /// A required time of day: hour 0–23, minute 0–59.
    static func startTime(_ message: Hearth_Common_V1_LocalTime, given: Bool, field: String) throws(RPCError)
        -> LocalTime
    {
        guard given else { throw missing(field, "\(field) is required: a time of day such as 19:00") }
        do throws(DomainError) {
            return try LocalTime(hour: Int(message.hour), minute: Int(message.minute))
        } catch {
            throw outOfRange(field, "\(field): \(error.message)")
        }
    }

    /// A duration in whole seconds; nanos are refused rather than rounded away.
    static func wholeSeconds(_ message: Google_Protobuf_Duration, field: String) throws(RPCError) -> Duration {
        guard message.nanos == 0 else {
            throw outOfRange(field, "\(field) is in whole seconds; \(message.nanos) nanoseconds cannot be kept")
        }
        return .seconds(message.seconds)
    }
}
