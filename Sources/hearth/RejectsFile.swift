import Foundation
import HearthImportClient
import HearthProtos
import Synchronization

/// The CSV file an import writes its refused rows to (row, field, reason code, reason), created on
/// the first refused row, so a clean import leaves no file behind. Safe to call from the import's
/// sending and receiving halves at once. Rows are written as they are refused (a file cut short by
/// a crash still holds them) and put in row order when the import ends.
final class RejectsFile: Sendable {
    let url: URL
    private let handle = Mutex<FileHandle?>(nil)
    private let failure = Mutex<String?>(nil)
    /// The highest row written so far, and whether every row came after the one before; updated
    /// while the file's lock is held.
    private let order = Mutex<(last: Int64, inOrder: Bool)>((.min, true))

    init(url: URL) {
        self.url = url
        // A file left by an earlier run would describe that run, not this one.
        try? FileManager.default.removeItem(at: url)
    }

    func append(_ rows: [Hearth_Member_V1_RejectedRow]) {
        guard !rows.isEmpty else { return }
        var text = ""
        for row in rows {
            text += "\(row.rowNumber),\(csvField(row.field)),\(csvField(row.reasonCode)),\(csvField(row.reason))\n"
        }
        handle.withLock { handle in
            do {
                if handle == nil {
                    guard
                        FileManager.default.createFile(
                            atPath: url.path, contents: Data("row,field,reason_code,reason\n".utf8))
                    else {
                        throw CocoaError(.fileWriteNoPermission)
                    }
                    handle = try FileHandle(forWritingTo: url)
                    try handle?.seekToEnd()
                }
                try handle?.write(contentsOf: Data(text.utf8))
                // Under the file's lock, so the order noted is the order written.
                order.withLock { order in
                    for row in rows {
                        if row.rowNumber < order.last { order.inOrder = false }
                        order.last = max(order.last, row.rowNumber)
                    }
                }
            } catch {
                failure.withLock {
                    $0 = $0 ?? "cannot write the rejects file \(url.path): \(error.localizedDescription)"
                }
            }
        }
    }

    /// Whether any refused row was written: the file exists only then.
    var hasRows: Bool { order.withLock { $0.last != .min } }

    /// Closes the file and puts it in row order; returns why writing failed, if it did, so no
    /// refused row goes unreported.
    func close() -> String? {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
        if let failure = failure.withLock({ $0 }) { return failure }
        guard !order.withLock({ $0.inOrder }) else { return nil }
        do {
            try CSVRowSorter.sort(url)
        } catch {
            // Every row is still there, only not in row order: worth a warning, not a failure.
            printError(
                "hearth: warning: the rejects file \(url.path) holds every refused row, but not in row order: "
                    + error.localizedDescription)
        }
        return nil
    }
}
