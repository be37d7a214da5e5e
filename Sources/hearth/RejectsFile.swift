import Foundation
import HearthImportClient
import HearthProtos
import Synchronization

/// The CSV file an import writes its refused rows to (row, field, reason code, reason). Rows are
/// written as they are refused into a partial file beside it (a file cut short by a crash still
/// holds them), put in row order when the import ends, and only then moved over `url`: an import
/// that stops halfway (refused by the service, cut off) leaves the last complete report where it
/// was, and a clean import removes it. Safe to call from the import's sending and receiving halves
/// at once.
final class RejectsFile: Sendable {
    /// Where a complete import's refused rows are.
    let url: URL
    /// Where the rows go while the import runs, and stay if it does not finish.
    let partialURL: URL
    private let handle = Mutex<FileHandle?>(nil)
    private let failure = Mutex<String?>(nil)
    /// The highest row written so far, and whether every row came after the one before; updated
    /// while the file's lock is held.
    private let order = Mutex<(last: Int64, inOrder: Bool)>((.min, true))

    init(url: URL) {
        self.url = url
        partialURL = url.deletingPathExtension().appendingPathExtension("partial.csv")
        // A partial file left by an earlier run would describe that run, not this one.
        try? FileManager.default.removeItem(at: partialURL)
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
                            atPath: partialURL.path, contents: Data("row,field,reason_code,reason\n".utf8))
                    else {
                        throw CocoaError(.fileWriteNoPermission)
                    }
                    handle = try FileHandle(forWritingTo: partialURL)
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
                    $0 = $0 ?? "cannot write the rejects file \(partialURL.path): \(error.localizedDescription)"
                }
            }
        }
    }

    /// Whether any refused row was written: the file exists only then.
    var hasRows: Bool { order.withLock { $0.last != .min } }

    /// Closes the file and puts it in row order; when the import `completed`, moves it over ``url``
    /// (or removes ``url`` when no row was refused), else leaves it at ``partialURL``. Returns why
    /// writing failed, if it did, so no refused row goes unreported.
    func close(completed: Bool) -> String? {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
        if let failure = failure.withLock({ $0 }) { return failure }
        if !order.withLock({ $0.inOrder }) {
            do {
                try CSVRowSorter.sort(partialURL)
            } catch {
                // Every row is still there, only not in row order: worth a warning, not a failure.
                printError(
                    "hearth: warning: the rejects file \(partialURL.path) holds every refused row, but not in row order: "
                        + error.localizedDescription)
            }
        }
        guard completed else { return nil }
        do {
            // A report left by an earlier run describes that run, not this one.
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            if hasRows { try FileManager.default.moveItem(at: partialURL, to: url) }
        } catch {
            return "cannot move the rejects file \(partialURL.path) to \(url.path): \(error.localizedDescription)"
        }
        return nil
    }
}
