import Foundation
import HearthProtos
import Synchronization

/// The CSV file an import writes its refused rows to (row, field, reason code, reason), created on
/// the first refused row, so a clean import leaves no file behind. Safe to call from the import's
/// sending and receiving halves at once.
final class RejectsFile: Sendable {
    let url: URL
    private let handle = Mutex<FileHandle?>(nil)
    private let failure = Mutex<String?>(nil)

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
            } catch {
                failure.withLock {
                    $0 = $0 ?? "cannot write the rejects file \(url.path): \(error.localizedDescription)"
                }
            }
        }
    }

    /// Closes the file; returns why writing failed, if it did, so no refused row goes unreported.
    func close() -> String? {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
        return failure.withLock { $0 }
    }
}
