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

    /// Fails with a one-line reason (exit 1) when `path` cannot be read.
    init(path: String, rejectsPath: String?) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            printError("hearth: cannot read \(path)")
            throw ExitCode(1)
        }
        file = URL(fileURLWithPath: path)
        rejectsFile = RejectsFile(url: URL(fileURLWithPath: rejectsPath ?? path + ".rejects.csv"))
    }

    /// Runs the import; the rejects file is complete once this returns or throws.
    func run<Outcome>(_ body: () async throws -> Outcome) async throws -> Outcome {
        let outcome: Outcome
        do {
            outcome = try await body()
        } catch {
            bar.finish()
            if let failure = rejectsFile.close() {
                printError("hearth: \(failure)")
            } else if rejectsFile.hasRows {
                printError("hearth: the rows refused before the import stopped are in \(rejectsFile.url.path)")
            }
            if let error = error as? MemberCSVLayoutError {
                printError("hearth: \(error.message)")
                throw ExitCode(1)
            }
            throw error
        }
        bar.finish()
        if let failure = rejectsFile.close() {
            printError("hearth: \(failure)")
            throw ExitCode(1)
        }
        return outcome
    }
}
