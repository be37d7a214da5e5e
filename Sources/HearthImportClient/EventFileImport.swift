public import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import SwiftProtobuf

/// Imports events through ImportEvents from NDJSON (one JSON object per line; `.ndjson`,
/// `.jsonl`) or CSV with a header row. Each event names its member by `member_id` or a handle
/// (`phone`, `wechat`, `qq`, `dingtalk`, `email`), and carries `kind`, `occurred_at` (ISO 8601
/// with a zone), `idempotency_key` and, as its kind needs, `amount_fen`, `community_id`,
/// `campaign_id`, `feedback_status`, `resolves_idempotency_key` and (NDJSON) `properties`.
public enum EventFileImport {
    public struct Outcome: Sendable {
        public var rowsRead: Int64
        public var accepted: Int64
        /// Already recorded (same idempotency key): a re-run of the same file is all duplicates.
        public var duplicate: Int64
        public var rejected: Int64
        public var dryRun: Bool
    }

    public static func run<Transport: ClientTransport>(
        file: URL,
        client: Hearth_Member_V1_MemberService.Client<Transport>,
        dryRun: Bool,
        callOptions: CallOptions = .defaults,
        batchSize: Int = 2_000,
        onProgress: @escaping @Sendable (FileImportProgress) -> Void = { _ in },
        onRejected: @escaping @Sendable ([Hearth_Member_V1_RejectedRow]) -> Void
    ) async throws -> Outcome {
        let isJSON = ["ndjson", "jsonl", "json"].contains(file.pathExtension.lowercased())
        if !isJSON {
            guard let header = try CSVRecordReader(url: file).next() else {
                throw MemberCSVLayoutError(message: "\(file.path) is empty: it has no header row")
            }
            _ = try EventCSVSource.checkHeader(header.fields)
        }
        var options = Hearth_Member_V1_EventImportOptions()
        options.dryRun = dryRun
        let first = Hearth_Member_V1_ImportEventsRequest.with { $0.options = options }
        let (summary, progress) = try await FileImportStream.run(
            file: file,
            openSource: { () throws -> any FileRowSource<Hearth_Member_V1_EventImportRow> in
                isJSON ? try EventNDJSONSource(url: file) : try EventCSVSource(url: file)
            },
            options: first,
            batch: { rows in .with { $0.batch.rows = rows } },
            batchSize: batchSize,
            answer: {
                (message: Hearth_Member_V1_ImportEventsResponse) -> ImportAnswer<Hearth_Member_V1_EventImportSummary> in
                switch message.item {
                case .progress(let progress): .progress(staged: progress.rowsStaged)
                case .rejects(let rejects): .rejects(rejects.rows)
                case .summary(let summary): .summary(summary)
                case nil: .nothing
                }
            },
            onProgress: onProgress, onRejected: onRejected,
            call: { producer, onResponse in
                try await client.importEvents(options: callOptions, requestProducer: producer, onResponse: onResponse)
            })
        return Outcome(
            rowsRead: progress.rowsRead, accepted: summary.accepted, duplicate: summary.duplicate,
            rejected: summary.rejected + progress.refusedHere, dryRun: summary.dryRun)
    }
}

/// Maps one event's named values (from a CSV row or a JSON object) to an import row.
enum EventRowMapping {
    static let handles: [(String, Hearth_Member_V1_IdentityKind)] = [
        ("phone", .phone), ("wechat", .wechat), ("qq", .qq), ("dingtalk", .dingtalk), ("email", .email),
    ]
    static let fields = Set(
        [
            "member_id", "kind", "occurred_at", "amount_fen", "community_id", "campaign_id", "idempotency_key",
            "feedback_status", "resolves_idempotency_key", "properties",
        ] + handles.map(\.0))
    static let kinds: [String: Hearth_Common_V1_EventKind] = [
        "message": .message, "check_in": .checkIn, "share": .share, "referral": .referral, "purchase": .purchase,
        "campaign_participation": .campaignParticipation, "visit": .visit, "feedback": .feedback, "join": .join,
        "leave": .leave,
    ]

    static func row(
        _ values: [String: String], properties: Google_Protobuf_Struct?, number: Int64
    ) -> FileRow<Hearth_Member_V1_EventImportRow> {
        func refuse(_ field: String?, _ code: String, _ reason: String) -> FileRow<Hearth_Member_V1_EventImportRow> {
            .refused(FileImportStream.rejectedRow(number, field: field, code: code, reason: reason))
        }
        func value(_ name: String) -> String? {
            guard let text = values[name]?.trimmedOfWhitespace, !text.isEmpty else { return nil }
            return text
        }
        var event = Hearth_Member_V1_EventInput()
        if let id = value("member_id") {
            event.memberID = id
        } else if let (name, kind) = handles.first(where: { value($0.0) != nil }) {
            event.identity = .with {
                $0.kind = kind
                $0.value = value(name)!
            }
        } else {
            return refuse(
                "member_id", "member_missing", "the event names no member_id, phone, wechat, qq, dingtalk or email")
        }
        guard let kindText = value("kind") else { return refuse("kind", "kind_missing", "the event has no kind") }
        guard let kind = kinds[kindText.lowercased()] else {
            return refuse(
                "kind", "kind_unknown",
                "kind \"\(kindText)\" is not one of \(kinds.keys.sorted().joined(separator: ", "))")
        }
        event.kind = kind
        guard let at = value("occurred_at") else {
            return refuse("occurred_at", "occurred_at_missing", "the event has no occurred_at")
        }
        guard let date = parseDate(at) else {
            return refuse(
                "occurred_at", "occurred_at_invalid",
                "occurred_at \"\(at)\" is not an ISO 8601 time with a zone, e.g. 2026-11-20T14:30:00+08:00")
        }
        event.occurredAt = Google_Protobuf_Timestamp(date: date)
        if let amount = value("amount_fen") {
            guard let fen = Int64(amount) else {
                return refuse("amount_fen", "amount_invalid", "amount_fen \"\(amount)\" is not a whole number of fen")
            }
            event.amountFen = fen
        }
        guard let key = value("idempotency_key") else {
            return refuse(
                "idempotency_key", "idempotency_key_missing",
                "the event has no idempotency_key (an order or message id), so a re-run could count it twice")
        }
        event.idempotencyKey = key
        event.communityID = value("community_id") ?? ""
        event.campaignID = value("campaign_id") ?? ""
        event.resolvesIdempotencyKey = value("resolves_idempotency_key") ?? ""
        switch value("feedback_status")?.lowercased() {
        case nil: break
        case "open": event.feedbackStatus = .open
        case "resolved": event.feedbackStatus = .resolved
        case let other?:
            return refuse(
                "feedback_status", "feedback_status_unknown", "feedback_status \"\(other)\" is not open or resolved")
        }
        if let properties { event.properties = properties }
        return .row(
            .with {
                $0.rowNumber = number
                $0.event = event
            })
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text) ?? withFraction.date(from: text)
    }
}

/// Events from a CSV file with a header row naming the fields.
final class EventCSVSource: FileRowSource {
    private let reader: CSVRecordReader
    private let header: [String]
    private var ended = false

    init(url: URL) throws {
        reader = try CSVRecordReader(url: url)
        header = try Self.checkHeader(try reader.next()?.fields ?? [])
    }

    /// The header's names, lowercased; fails when it names neither a kind nor a member.
    static func checkHeader(_ fields: [String]) throws -> [String] {
        try MemberCSVLayoutError.refuseNonUTF8(fields)
        let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names.contains("kind"),
            names.contains(where: { $0 == "member_id" || EventRowMapping.handles.map(\.0).contains($0) })
        else {
            throw MemberCSVLayoutError(
                message:
                    "an event CSV needs a kind column and a member_id, phone, wechat, qq, dingtalk or email column; "
                    + "found: \(fields.joined(separator: ", "))")
        }
        return names
    }

    var bytesRead: Int64 { reader.bytesRead }

    func next() throws -> FileRow<Hearth_Member_V1_EventImportRow>? {
        guard !ended else { return nil }
        do {
            guard let record = try reader.next() else { return nil }
            guard !record.hasInvalidUTF8 else {
                return .refused(
                    FileImportStream.rejectedRow(
                        record.number, code: "encoding_invalid", reason: "the row is not UTF-8 text"))
            }
            guard record.fields.count == header.count else {
                return .refused(
                    FileImportStream.rejectedRow(
                        record.number, code: "column_count",
                        reason: "the row has \(record.fields.count) fields and the header \(header.count)"))
            }
            let values = Dictionary(zip(header, record.fields), uniquingKeysWith: { first, _ in first })
            return EventRowMapping.row(values, properties: nil, number: record.number)
        } catch let error as CSVUnterminatedQuote {
            ended = true
            return .refused(
                FileImportStream.rejectedRow(
                    error.rowNumber, code: "quote_unterminated",
                    reason:
                        "a quoted field opened on line \(error.line) is never closed; the rest of the file was not read"
                ))
        }
    }
}

/// Events from NDJSON: one JSON object per line; blank lines are skipped but counted.
final class EventNDJSONSource: FileRowSource {
    private let lines: LineReader

    init(url: URL) throws { lines = try LineReader(url: url) }

    var bytesRead: Int64 { lines.bytesRead }

    func next() throws -> FileRow<Hearth_Member_V1_EventImportRow>? {
        while let (number, line, valid) = try lines.next() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard valid else {
                return .refused(
                    FileImportStream.rejectedRow(
                        number, code: "encoding_invalid", reason: "line \(number) is not UTF-8 text"))
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                return .refused(
                    FileImportStream.rejectedRow(
                        number, code: "json_invalid", reason: "line \(number) is not a JSON object"))
            }
            var values: [String: String] = [:]
            for (key, value) in object where key != "properties" {
                switch value {
                case let text as String: values[key] = text
                case let number as NSNumber: values[key] = number.stringValue
                default: continue
                }
            }
            var properties: Google_Protobuf_Struct?
            if let raw = object["properties"] {
                guard JSONSerialization.isValidJSONObject(raw),
                    let data = try? JSONSerialization.data(withJSONObject: raw),
                    let parsed = try? Google_Protobuf_Struct(jsonUTF8Data: data)
                else {
                    return .refused(
                        FileImportStream.rejectedRow(
                            number, field: "properties", code: "properties_invalid",
                            reason: "properties must be a JSON object"))
                }
                properties = parsed
            }
            let unknown = object.keys.filter { !EventRowMapping.fields.contains($0) }.sorted()
            guard unknown.isEmpty else {
                return .refused(
                    FileImportStream.rejectedRow(
                        number, field: unknown[0], code: "field_unknown",
                        reason: "unknown fields \(unknown.joined(separator: ", ")); put extra facts under properties"))
            }
            return EventRowMapping.row(values, properties: properties, number: number)
        }
        return nil
    }
}

/// Lines of a UTF-8 file read in chunks, numbered from 1, without the line end; a leading
/// byte-order mark is dropped.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var number: Int64 = 0
    private var endOfFile = false
    private(set) var bytesRead: Int64 = 0

    init(url: URL) throws { handle = try FileHandle(forReadingFrom: url) }

    deinit { try? handle.close() }

    /// The next line's number, its text, and whether its bytes were valid UTF-8 (invalid ones
    /// read as U+FFFD).
    func next() throws -> (Int64, String, Bool)? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                var end = newline
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                return emit(position..<end, next: newline + 1)
            }
            if endOfFile {
                guard position < buffer.count else { return nil }
                return emit(position..<buffer.count, next: buffer.count)
            }
            let data = try handle.read(upToCount: 256 * 1024) ?? Data()
            if data.isEmpty {
                endOfFile = true
                continue
            }
            bytesRead += Int64(data.count)
            buffer.removeSubrange(0..<position)
            position = 0
            buffer.append(contentsOf: data)
        }
    }

    private func emit(_ range: Range<Int>, next: Int) -> (Int64, String, Bool) {
        var start = range.lowerBound
        if number == 0, range.count >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            start += 3
        }
        number += 1
        let bytes = buffer[start..<range.upperBound]
        let line = String(decoding: bytes, as: UTF8.self)
        position = next
        return (number, line, line.utf8.elementsEqual(bytes))
    }
}
