import Foundation
import GRPCCore
import HearthProtos
import Synchronization

/// How far a file import got, for a progress bar.
public struct FileImportProgress: Sendable {
    public var bytesRead: Int64 = 0
    public var totalBytes: Int64 = 0
    public var rowsRead: Int64 = 0
    /// Rows the service accepted so far.
    public var rowsStaged: Int64 = 0
    /// Rows refused so far, by the file check here and by the service.
    public var rowsRejected: Int64 = 0
    /// All rows are sent; the service is writing them.
    public var applying = false
    /// Rows refused here before sending.
    public internal(set) var refusedHere: Int64 = 0

    public init() {}
}

/// One item a file yields: a row to send, or a row refused before sending.
enum FileRow<Row> {
    case row(Row)
    case refused(Hearth_Member_V1_RejectedRow)
}

/// Reads rows from an operator's file, one at a time, in constant memory.
protocol FileRowSource<Row>: AnyObject {
    associatedtype Row
    func next() throws -> FileRow<Row>?
    var bytesRead: Int64 { get }
}

/// What one answer of an import stream carries.
enum ImportAnswer<Summary> {
    case progress(staged: Int64)
    case rejects([Hearth_Member_V1_RejectedRow])
    case summary(Summary)
    case nothing
}

/// The shared half of the import RPCs: sends a file's rows in batches while progress and refused
/// rows stream back, and returns the service's summary with the progress as it ended.
enum FileImportStream {
    /// The progress both halves of the call update: the sender and the reader of answers.
    private final class SharedProgress: Sendable {
        let state: Mutex<FileImportProgress>
        init(_ progress: FileImportProgress) { state = Mutex(progress) }
    }

    static func run<Row: Sendable, Request: Sendable, Response: Sendable, Summary: Sendable>(
        file: URL,
        openSource: @escaping @Sendable () throws -> any FileRowSource<Row>,
        options: Request,
        batch: @escaping @Sendable ([Row]) -> Request,
        batchSize: Int,
        answer: @escaping @Sendable (Response) -> ImportAnswer<Summary>,
        onProgress: @escaping @Sendable (FileImportProgress) -> Void,
        onRejected: @escaping @Sendable ([Hearth_Member_V1_RejectedRow]) -> Void,
        call: (
            _ producer: @escaping @Sendable (RPCWriter<Request>) async throws -> Void,
            _ onResponse: @escaping @Sendable (StreamingClientResponse<Response>) async throws -> Summary
        ) async throws -> Summary
    ) async throws -> (summary: Summary, progress: FileImportProgress) {
        var initial = FileImportProgress()
        initial.totalBytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        let progress = SharedProgress(initial)
        let batchSize = max(1, min(batchSize, 5_000))
        let summary = try await call(
            { writer in
                try await writer.write(options)
                let source = try openSource()
                var rows: [Row] = []
                var refused: [Hearth_Member_V1_RejectedRow] = []
                func send() async throws {
                    let snapshot = progress.state.withLock { state in
                        state.bytesRead = source.bytesRead
                        state.rowsRejected += Int64(refused.count)
                        state.refusedHere += Int64(refused.count)
                        return state
                    }
                    if !refused.isEmpty { onRejected(refused) }
                    refused.removeAll()
                    onProgress(snapshot)
                    guard !rows.isEmpty else { return }
                    try await writer.write(batch(rows))
                    rows.removeAll(keepingCapacity: true)
                }
                while let item = try source.next() {
                    switch item {
                    case .row(let row):
                        progress.state.withLock { $0.rowsRead += 1 }
                        rows.append(row)
                    case .refused(let rejection):
                        progress.state.withLock { $0.rowsRead += 1 }
                        refused.append(rejection)
                    }
                    if rows.count >= batchSize { try await send() }
                }
                try await send()
                onProgress(
                    progress.state.withLock { state in
                        state.applying = true
                        return state
                    })
            },
            { response in
                var summary: Summary?
                for try await message in response.messages {
                    switch answer(message) {
                    case .progress(let staged):
                        onProgress(
                            progress.state.withLock { state in
                                state.rowsStaged = staged
                                return state
                            })
                    case .rejects(let rows):
                        progress.state.withLock { $0.rowsRejected += Int64(rows.count) }
                        onRejected(rows)
                    case .summary(let last): summary = last
                    case .nothing: break
                    }
                }
                guard let summary else {
                    throw RPCError(code: .internalError, message: "the service ended the import without a summary")
                }
                return summary
            })
        return (summary, progress.state.withLock { $0 })
    }

    static func rejectedRow(_ number: Int64, field: String? = nil, code: String, reason: String)
        -> Hearth_Member_V1_RejectedRow
    {
        var row = Hearth_Member_V1_RejectedRow()
        row.rowNumber = number
        row.field = field ?? ""
        row.reasonCode = code
        row.reason = reason
        return row
    }
}
