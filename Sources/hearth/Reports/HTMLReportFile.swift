import ArgumentParser
import Foundation
import HearthReportPages

extension HTMLReport {
    /// Writes a page to `path` (replacing the file); failing to is one line on stderr and exit 1.
    static func write(_ page: String, to path: String) throws {
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            printError("hearth: cannot write the HTML report to \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}
