import Foundation
import HearthImportClient
import Synchronization

/// A one-line progress bar on stderr, redrawn at most ten times a second, and only when stderr
/// is a terminal: logs and pipes never see it.
final class ProgressBar: Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lastDrawn = Mutex<Date>(.distantPast)

    /// Redraws the bar at `fraction` (0…1) with `detail` after it.
    func update(fraction: Double, detail: String, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        let due = lastDrawn.withLock { last in
            guard force || now.timeIntervalSince(last) >= 0.1 else { return false }
            last = now
            return true
        }
        guard due else { return }
        let width = 30
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
        FileHandleWriter.standardError("\r\u{1B}[2K\(bar) \(percent)  \(detail)")
    }

    /// Shows an import's progress: the share of the file read, rows read and refused.
    @Sendable func show(_ progress: FileImportProgress) {
        let fraction = progress.totalBytes > 0 ? Double(progress.bytesRead) / Double(progress.totalBytes) : 0
        let detail =
            progress.applying
            ? "\(progress.rowsRead) rows sent; the service is writing them…"
            : "\(progress.rowsRead) rows read, \(progress.rowsRejected) refused"
        update(fraction: fraction, detail: detail, force: progress.applying)
    }

    /// Clears the bar so the next output starts on a clean line.
    func finish() {
        guard enabled else { return }
        FileHandleWriter.standardError("\r\u{1B}[2K")
    }
}
