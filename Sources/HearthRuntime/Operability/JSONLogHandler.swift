public import Foundation
public import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line (to stderr by default), so a log shipper
/// reads every event without parsing prose: `ts` (ISO 8601 UTC, milliseconds), `level`, `label`,
/// `message`, then the metadata flattened (`request_id` first, the rest by key; nested
/// dictionaries as `parent.child`).
///
/// Nothing secret and no whole phone number reaches the line: values of keys named like a secret,
/// token, password or authorization become `[redacted]`, and phone numbers anywhere in the message
/// or a value are masked (see ``mask(_:)``).
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let output: @Sendable (String) -> Void
    let now: @Sendable () -> Date

    /// `output` receives each line with its trailing newline; `now` stamps it (both injectable for tests).
    public init(
        label: String,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        output: @escaping @Sendable (String) -> Void = { JSONLogHandler.writeToStandardError($0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.output = output
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        output(
            Self.render(
                timestamp: now(), level: event.level, label: label, message: event.message.description,
                metadata: merged) + "\n")
    }

    // MARK: - Rendering

    /// Fields every line starts with; metadata under one of these names moves to `meta.NAME`.
    private static let reservedKeys: Set<String> = ["ts", "level", "label", "message"]
    /// The request id correlates lines across processes, so it is kept exactly as sent.
    private static let requestIDKey = "request_id"
    /// A key containing any of these (case-insensitively) has its value replaced by `[redacted]`.
    private static let secretKeyParts = [
        "secret", "token", "password", "passwd", "authorization", "api_key", "apikey",
    ]

    /// One event as a JSON object on one line (no trailing newline).
    public static func render(
        timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var fields: [(key: String, value: Field)] = []
        for (key, value) in metadata {
            flatten(key: reservedKeys.contains(key) ? "meta.\(key)" : key, value: value, into: &fields)
        }
        fields.sort { lhs, rhs in
            if (lhs.key == requestIDKey) != (rhs.key == requestIDKey) { return lhs.key == requestIDKey }
            return lhs.key < rhs.key
        }
        var line = "{"
        appendMember("ts", .text(iso8601(timestamp)), to: &line, first: true)
        appendMember("level", .text(level.rawValue), to: &line)
        appendMember("label", .text(label), to: &line)
        appendMember("message", .text(mask(message)), to: &line)
        for field in fields {
            appendMember(field.key, field.value, to: &line)
        }
        line += "}"
        return line
    }

    /// What one flattened metadata entry renders as.
    private enum Field {
        case text(String)
        case list([String])
    }

    private static func flatten(
        key: String, value: Logger.MetadataValue, into fields: inout [(key: String, value: Field)]
    ) {
        if isSecret(key) {
            fields.append((key: key, value: .text("[redacted]")))
            return
        }
        switch value {
        case .string(let text):
            fields.append((key: key, value: .text(key == requestIDKey ? text : mask(text))))
        case .stringConvertible(let convertible):
            let text = convertible.description
            fields.append((key: key, value: .text(key == requestIDKey ? text : mask(text))))
        case .dictionary(let nested):
            for (child, childValue) in nested {
                flatten(key: "\(key).\(child)", value: childValue, into: &fields)
            }
        case .array(let elements):
            fields.append((key: key, value: .list(elements.map { mask($0.description) })))
        }
    }

    private static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretKeyParts.contains { lowered.contains($0) }
    }

    private static func appendMember(_ key: String, _ value: Field, to line: inout String, first: Bool = false) {
        if !first { line += "," }
        appendJSONString(key, to: &line)
        line += ":"
        switch value {
        case .text(let text):
            appendJSONString(text, to: &line)
        case .list(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                appendJSONString(item, to: &line)
            }
            line += "]"
        }
    }

    private static func appendJSONString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// `2023-11-14T22:13:20.123Z`: UTC, milliseconds, computed without a formatter or locale.
    static func iso8601(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = floorDivide(milliseconds, 1000)
        let millisecond = milliseconds - seconds * 1000
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(secondOfDay / 3600, 2)):"
            + "\(padded(secondOfDay % 3600 / 60, 2)):\(padded(secondOfDay % 60, 2)).\(padded(millisecond, 3))Z"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    // MARK: - Phone masking

    /// Masks every phone number in `value`, leaving the rest as it was: an international number
    /// (`+` and 8–15 digits), a mainland mobile (`1[3-9]` and 9 more digits, 11 in all) or one
    /// written with its country code but no `+` (`861[3-9]…`, 13 digits). The first digits (3 to
    /// 6, fewer for very short numbers so at least 4 are always hidden) and the last 4 stay:
    /// `+8613800138000` → `+86138****8000`, `13800138000` → `138****8000`.
    public static func mask(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard bytes.contains(where: isDigit) else { return value }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            let run = bytes[index..<end]
            let international = index > 0 && bytes[index - 1] == UInt8(ascii: "+") && (8...15).contains(run.count)
            if international || isMainlandMobile(run) {
                output.append(contentsOf: masked(run))
            } else {
                output.append(contentsOf: run)
            }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isMainlandMobile(_ run: ArraySlice<UInt8>) -> Bool {
        let digits = Array(run)
        func mobile(from start: Int) -> Bool {
            digits[start] == UInt8(ascii: "1") && digits[start + 1] >= UInt8(ascii: "3")
        }
        switch digits.count {
        case 11: return mobile(from: 0)
        case 13: return digits[0] == UInt8(ascii: "8") && digits[1] == UInt8(ascii: "6") && mobile(from: 2)
        default: return false
        }
    }

    private static func masked(_ run: ArraySlice<UInt8>) -> [UInt8] {
        let digits = Array(run)
        let kept = min(6, max(0, digits.count - 8))
        let hidden = digits.count - kept - 4
        return Array(digits.prefix(kept)) + Array(repeating: UInt8(ascii: "*"), count: hidden) + Array(digits.suffix(4))
    }

    // MARK: - Output

    /// Serialises writers so lines from concurrent tasks never interleave.
    private static let standardErrorLock = Mutex(())

    /// Writes `line` to stderr in full (retrying short writes); a closed stderr drops it quietly.
    public static func writeToStandardError(_ line: String) {
        let bytes = Array(line.utf8)
        standardErrorLock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = write(2, base + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
