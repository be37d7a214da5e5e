import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// The `--message` syntax of `hearth campaigns create`: `PHASE@TIMING: TEXT`.
///
/// - PHASE: `announce`, `warm_up` (or `warm-up`), `live` or `review`.
/// - TIMING, relative to each occurrence's start (review: its end), either
///   - an offset of elapsed time: `-2h`, `-1h30m`, `-45m`, `0m`, `+30m`, `+1d` (units d, h, m, s), or
///   - a day and a wall-clock time: `-1d10:00` (the day before at 10:00), `0d18:00` (the same day at
///     18:00; `18:00` alone says the same), `+1d09:00` (the next day at 09:00).
/// - TEXT: everything after the colon that ends the timing (leading spaces dropped), with
///   placeholders such as `{{display_name}}`; `@PATH` reads it from a file.
///
/// Announcements and warm-ups go out before the start, the live message at or after it and the
/// review after the end; the phase and the timing are checked against each other here as the
/// service checks them.
enum PhaseMessageSyntax {
    static let phases: [String: CampaignPhase] = [
        "announce": .announce, "warm_up": .warmUp, "warmup": .warmUp, "live": .live, "review": .review,
    ]

    /// Reads one `--message`, refusing bad syntax with a ValidationError that says what is wrong.
    static func parse(_ argument: String) throws -> Hearth_Campaign_V1_PhaseMessage {
        func refuse(_ problem: String) -> ValidationError {
            ValidationError("--message \"\(argument)\": \(problem)")
        }
        guard let at = argument.firstIndex(of: "@") else {
            throw refuse("write PHASE@TIMING: TEXT, e.g. 'warm_up@-2h: 两小时后开抢' or 'announce@-1d10:00: 明晚八点…'")
        }
        let word = argument[..<at].trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "-", with: "_")
        guard let phase = phases[word] else {
            throw refuse("\"\(word)\" is not a phase; use announce, warm_up, live or review")
        }
        guard let read = readTiming(argument[argument.index(after: at)...]) else {
            throw refuse(
                "the timing after @ is an offset such as -2h, -1h30m, 0m or +30m, or a day and time such as "
                    + "-1d10:00 (the day before at 10:00), followed by a colon")
        }
        let (timing, afterTiming) = read
        guard afterTiming.first == ":" else {
            throw refuse("put a colon between the timing and the text, e.g. 'live@0m: 开抢啦'")
        }
        let text = afterTiming.dropFirst().drop { $0.isWhitespace }
        guard !text.isEmpty else { throw refuse("the text after the colon is empty") }
        let body = try textArgument(String(text))

        do throws(DomainError) {
            try PhaseMessage(phase: phase, timing: timing, text: body).validate()
        } catch {
            throw refuse(error.message)
        }
        var message = Hearth_Campaign_V1_PhaseMessage()
        message.phase = wirePhase(phase)
        switch timing {
        case .offset(let offset):
            message.offset = Google_Protobuf_Duration(seconds: offset.components.seconds)
        case .dayTime(let dayOffset, let time):
            var dayTime = Hearth_Campaign_V1_DayOffsetTime()
            dayTime.dayOffset = Int32(dayOffset)
            dayTime.time.hour = Int32(time.hour)
            dayTime.time.minute = Int32(time.minute)
            message.dayTime = dayTime
        }
        message.text = body
        return message
    }

    /// The timing at the start of `text` and what follows it: a day and a time (`-1d10:00`,
    /// `18:00`) when the text has one, else a span up to the next colon (`-2h`).
    private static func readTiming(_ text: Substring) -> (PhaseTiming, Substring)? {
        var rest = text
        let signed = rest.first == "-" || rest.first == "+"
        let negative = rest.first == "-"
        if signed { rest.removeFirst() }
        // A signed time needs its day: `-1d10:00`, not `-10:00`.
        if let found = dayAndTime(rest), found.days != nil || !signed {
            let count = found.days ?? 0
            return (PhaseTiming.dayTime(dayOffset: negative ? -count : count, at: found.time), found.after)
        }
        let end = rest.firstIndex(of: ":") ?? rest.endIndex
        guard let seconds = CampaignArgumentText.spanSeconds(rest[..<end]) else { return nil }
        return (PhaseTiming.offset(.seconds(negative ? -seconds : seconds)), rest[end...])
    }

    /// `[Nd]HH:MM` followed by the colon before the text; `days` is `nil` without the `Nd` part.
    private static func dayAndTime(_ text: Substring) -> (days: Int?, time: LocalTime, after: Substring)? {
        let isDigit = { (character: Character) in character.isASCII && character.isNumber }
        var rest = text
        var days: Int?
        let leading = rest.prefix(while: isDigit)
        if !leading.isEmpty, rest.dropFirst(leading.count).first == "d" {
            guard leading.count <= 3, let count = Int(leading) else { return nil }
            days = count
            rest = rest.dropFirst(leading.count + 1)
        }
        let hour = rest.prefix(while: isDigit)
        guard (1...2).contains(hour.count), rest.dropFirst(hour.count).first == ":" else { return nil }
        rest = rest.dropFirst(hour.count + 1)
        let minute = rest.prefix(2)
        guard minute.count == 2, minute.allSatisfy(isDigit) else { return nil }
        rest = rest.dropFirst(2)
        guard rest.first == ":", let time = try? LocalTime(parsing: "\(hour):\(minute)") else { return nil }
        return (days, time, rest)
    }

    /// The timing as `create` takes it: `-2h`, `+30m`, `0m`, `-1d10:00`, `0d18:00`.
    static func timingText(_ message: Hearth_Campaign_V1_PhaseMessage) -> String {
        switch message.timing {
        case .offset(let offset)?:
            return (offset.seconds > 0 ? "+" : "") + CampaignArgumentText.span(seconds: offset.seconds)
        case .dayTime(let dayTime)?:
            let sign = dayTime.dayOffset < 0 ? "-" : dayTime.dayOffset > 0 ? "+" : ""
            return "\(sign)\(dayTime.dayOffset.magnitude)d" + twoDigits(dayTime.time.hour) + ":"
                + twoDigits(dayTime.time.minute)
        case nil:
            return ""
        }
    }

    /// A message as `create` takes it, with the channels it is narrowed to, if any, in brackets:
    /// `announce@-1d10:00: 明晚八点… [sms]`.
    static func text(_ message: Hearth_Campaign_V1_PhaseMessage) -> String {
        let channels = message.channels.map { EnumArgument.text($0) }.joined(separator: ",")
        return "\(EnumArgument.text(message.phase))@\(timingText(message)): \(body(message))"
            + (channels.isEmpty ? "" : " [\(channels)]")
    }

    /// The text, or the SMS template it is sent with when it has none.
    static func body(_ message: Hearth_Campaign_V1_PhaseMessage) -> String {
        message.text.isEmpty && !message.smsTemplateID.isEmpty
            ? "(SMS template \(message.smsTemplateID))" : message.text
    }

    private static func twoDigits(_ value: Int32) -> String { (value < 10 ? "0" : "") + String(value) }

    private static func wirePhase(_ phase: CampaignPhase) -> Hearth_Campaign_V1_CampaignPhase {
        switch phase {
        case .announce: .announce
        case .warmUp: .warmUp
        case .live: .live
        case .review: .review
        }
    }
}
