public import Foundation
public import GRPCCore
public import HearthProtos
import Synchronization
import SwiftProtobuf

/// Imports a member CSV through ImportMembers: reads the file in constant memory, sends its rows
/// in batches while the service's progress and rejects stream back, and hands every refused row,
/// the file's own and the service's, to `onRejected`.
public enum MemberFileImport {
    /// How far an import got, for a progress bar.
    public struct Progress: Sendable {
        public var bytesRead: Int64 = 0
        public var totalBytes: Int64 = 0
        public var rowsRead: Int64 = 0
        /// Rows the service accepted into staging.
        public var rowsStaged: Int64 = 0
        /// Rows refused so far, by the file check here and by the service.
        public var rowsRejected: Int64 = 0
        /// All rows are sent; the service is matching and writing them.
        public var applying = false
        /// Rows refused here before sending (bad encoding, wrong field count, unknown values).
        var refusedHere: Int64 = 0
    }

    /// The progress both halves of the call update: the sender and the reader of answers.
    private final class SharedProgress: Sendable {
        let state: Mutex<Progress>
        init(_ progress: Progress) { state = Mutex(progress) }
    }

    /// What the import did, with the rows refused before they were sent counted in.
    public struct Outcome: Sendable {
        public var rowsRead: Int64
        public var inserted: Int64
        public var updated: Int64
        public var unchanged: Int64
        public var rejected: Int64
        public var dryRun: Bool
        /// Header names that match no field; their values were not imported.
        public var unknownColumns: [String]
    }

    /// Rows per message: small enough to keep messages near 200 KiB, big enough to amortise a call.
    public static let defaultBatchSize = 2_000

    /// Imports `file`. Fails before calling the service when the file cannot be read or its header
    /// names no handle (a ``MemberCSVLayoutError``).
    public static func run<Transport: ClientTransport>(
        file: URL,
        client: Hearth_Member_V1_MemberService.Client<Transport>,
        dryRun: Bool,
        callOptions: CallOptions = .defaults,
        batchSize: Int = defaultBatchSize,
        onProgress: @escaping @Sendable (Progress) -> Void = { _ in },
        onRejected: @escaping @Sendable ([Hearth_Member_V1_RejectedRow]) -> Void
    ) async throws -> Outcome {
        let header = try CSVRecordReader(url: file).next()
        guard let header else { throw MemberCSVLayoutError(message: "\(file.path) is empty: it has no header row") }
        let layout = try MemberCSVLayout(header: header.fields)
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        let progress = SharedProgress(Progress(totalBytes: totalBytes))
        let batchSize = max(1, min(batchSize, 5_000))
        let summary = try await client.importMembers(
            options: callOptions,
            requestProducer: { writer in
                var options = Hearth_Member_V1_MemberImportOptions()
                options.dryRun = dryRun
                options.fields = layout.fieldMask
                try await writer.write(.with { $0.options = options })
                let reader = try CSVRecordReader(url: file)
                _ = try reader.next()  // the header, read above
                var batch = Hearth_Member_V1_MemberImportBatch()
                var refused: [Hearth_Member_V1_RejectedRow] = []
                func send() async throws {
                    let snapshot = progress.state.withLock { state in
                        state.bytesRead = reader.bytesRead
                        state.rowsRejected += Int64(refused.count)
                        state.refusedHere += Int64(refused.count)
                        return state
                    }
                    if !refused.isEmpty { onRejected(refused) }
                    refused.removeAll()
                    onProgress(snapshot)
                    guard !batch.rows.isEmpty else { return }
                    try await writer.write(.with { $0.batch = batch })
                    batch.rows.removeAll(keepingCapacity: true)
                }
                while let record = try readRecord(reader, refused: &refused) {
                    progress.state.withLock { $0.rowsRead += 1 }
                    switch layout.row(record) {
                    case .success(let row): batch.rows.append(row)
                    case .failure(let rejection): refused.append(rejectedRow(rejection))
                    }
                    if batch.rows.count >= batchSize { try await send() }
                }
                try await send()
                onProgress(progress.state.withLock { state in
                    state.applying = true
                    return state
                })
            },
            onResponse: { response in
                var summary: Hearth_Member_V1_MemberImportSummary?
                for try await message in response.messages {
                    switch message.item {
                    case .progress(let server):
                        let snapshot = progress.state.withLock { state in
                            state.rowsStaged = server.rowsStaged
                            return state
                        }
                        onProgress(snapshot)
                    case .rejects(let rejects):
                        progress.state.withLock { $0.rowsRejected += Int64(rejects.rows.count) }
                        onRejected(rejects.rows)
                    case .summary(let last): summary = last
                    case nil: break
                    }
                }
                guard let summary else {
                    throw RPCError(code: .internalError, message: "the service ended the import without a summary")
                }
                return summary
            })
        let final = progress.state.withLock { $0 }
        return Outcome(
            rowsRead: final.rowsRead, inserted: summary.inserted, updated: summary.updated,
            unchanged: summary.unchanged, rejected: summary.rejected + final.refusedHere, dryRun: summary.dryRun,
            unknownColumns: layout.unknownColumns)
    }

    /// The next record; an unterminated quote ends the file as one refused row instead of an error,
    /// so the rows before it still import.
    private static func readRecord(
        _ reader: CSVRecordReader, refused: inout [Hearth_Member_V1_RejectedRow]
    ) throws -> CSVRecord? {
        do {
            return try reader.next()
        } catch let error as CSVUnterminatedQuote {
            var row = Hearth_Member_V1_RejectedRow()
            row.rowNumber = error.rowNumber
            row.reasonCode = "quote_unterminated"
            row.reason = "a quoted field opened on line \(error.line) is never closed; the rest of the file was not read"
            refused.append(row)
            return nil
        }
    }

    static func rejectedRow(_ rejection: CSVRowRejection) -> Hearth_Member_V1_RejectedRow {
        var row = Hearth_Member_V1_RejectedRow()
        row.rowNumber = rejection.rowNumber
        row.field = rejection.field ?? ""
        row.reasonCode = rejection.code
        row.reason = rejection.reason
        return row
    }
}
