import ArgumentParser
import Foundation
import HearthImportClient

/// What every `… import FILE` command shares: the file checked before any call, a progress bar and
/// a rejects file, both closed however the import ends, so an import that fails halfway still
/// leaves each row refused so far on disk, in row order, and says where.
struct FileImportSession {
    let file: URL
    let rejectsFile: RejectsFile
    let bar = ProgressBar()

    /// Fails with a one-line reason (exit 1) when `path` is missing, a folder or unreadable.
    init(path: String, rejectsPath: String?) throws {
        var isFolder: ObjCBool = false
        let problem: String? =
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                "\(path) does not exist"
            } else if isFolder.boolValue {
                "\(path) is a folder; name the file to import"
            } else if !FileManager.default.isReadableFile(atPath: path) {
                "cannot read \(path): permission denied"
            } else {
                nil
            }
        if let problem {
            printError("hearth: \(problem)")
            throw ExitCode(1)
        }
        file = URL(fileURLWithPath: path)
        rejectsFile = RejectsFile(url: URL(fileURLWithPath: rejectsPath ?? path + ".rejects.csv"))
    }

    /// With `--fail-on-rejects`: exit 1 once the summary is printed when any row was refused, so a
    /// script or cron job notices without reading the summary.
    func failIfRefused(_ rejected: Int64, when asked: Bool) throws {
        guard asked, rejected > 0 else { return }
        printError("hearth: \(rejected) rows were refused; their reasons are in \(rejectsFile.url.path)")
        throw ExitCode(1)
    }

    /// Runs the import; the rejects file is complete once this returns or throws.
    func run<Outcome>(_ body: () async throws -> Outcome) async throws -> Outcome {
        let outcome: Outcome
        do {
            outcome = try await body()
        } catch {
            bar.finish()
            if let failure = rejectsFile.close(completed: false) {
                printError("hearth: \(failure)")
            } else if rejectsFile.hasRows {
                printError(
                    "hearth: the rows refused before the import stopped are in \(rejectsFile.partialURL.path)"
                        + " (\(rejectsFile.url.lastPathComponent), if there, is from an earlier run)")
            }
            if let error = error as? MemberCSVLayoutError {
                printError("hearth: \(error.message)")
                throw ExitCode(1)
            }
            throw error
        }
        bar.finish()
        if let failure = rejectsFile.close(completed: true) {
            printError("hearth: \(failure)")
            throw ExitCode(1)
        }
        return outcome
    }
}
