public import Foundation
public import GRPCCore
public import HearthProtos
import SwiftProtobuf

/// Imports a member CSV through ImportMembers: reads the file in constant memory, sends its rows
/// in batches while the service's progress and rejects stream back, and hands every refused row,
/// the file's own and the service's, to `onRejected`.
public enum MemberFileImport {
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
        onProgress: @escaping @Sendable (FileImportProgress) -> Void = { _ in },
        onRejected: @escaping @Sendable ([Hearth_Member_V1_RejectedRow]) -> Void
    ) async throws -> Outcome {
        guard let header = try CSVRecordReader(url: file).next() else {
            throw MemberCSVLayoutError(message: "\(file.path) is empty: it has no header row")
        }
        let layout = try MemberCSVLayout(header: header.fields)
        var options = Hearth_Member_V1_MemberImportOptions()
        options.dryRun = dryRun
        options.fields = layout.fieldMask
        let first = Hearth_Member_V1_ImportMembersRequest.with { $0.options = options }
        let (summary, progress) = try await FileImportStream.run(
            file: file,
            openSource: { try MemberCSVSource(url: file, layout: layout) },
            options: first,
            batch: { rows in .with { $0.batch.rows = rows } },
            batchSize: batchSize,
            answer: {
                (message: Hearth_Member_V1_ImportMembersResponse) -> ImportAnswer<Hearth_Member_V1_MemberImportSummary>
                in
                switch message.item {
                case .progress(let progress): .progress(staged: progress.rowsStaged)
                case .rejects(let rejects): .rejects(rejects.rows)
                case .summary(let summary): .summary(summary)
                case nil: .nothing
                }
            },
            onProgress: onProgress, onRejected: onRejected,
            call: { producer, onResponse in
                try await client.importMembers(
                    options: callOptions, requestProducer: producer, onResponse: onResponse)
            })
        return Outcome(
            rowsRead: progress.rowsRead, inserted: summary.inserted, updated: summary.updated,
            unchanged: summary.unchanged, rejected: summary.rejected + progress.refusedHere, dryRun: summary.dryRun,
            unknownColumns: layout.unknownColumns)
    }
}

/// The rows of a member CSV after its header, each mapped by the layout or refused.
final class MemberCSVSource: FileRowSource {
    private let reader: CSVRecordReader
    private let layout: MemberCSVLayout
    private var ended = false

    init(url: URL, layout: MemberCSVLayout) throws {
        reader = try CSVRecordReader(url: url)
        self.layout = layout
        _ = try reader.next()  // the header
    }

    var bytesRead: Int64 { reader.bytesRead }

    func next() throws -> FileRow<Hearth_Member_V1_MemberImportRow>? {
        guard !ended else { return nil }
        do {
            guard let record = try reader.next() else { return nil }
            switch layout.row(record) {
            case .success(let row): return .row(row)
            case .failure(let rejection):
                return .refused(
                    FileImportStream.rejectedRow(
                        rejection.rowNumber, field: rejection.field, code: rejection.code, reason: rejection.reason))
            }
        } catch let error as CSVUnterminatedQuote {
            // The rows before it still import; the rest of the file is one refused row.
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
