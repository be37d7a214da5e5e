public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The private PostgreSQL cluster tests run against, managed by `scripts/pg` (the one place that
/// knows how to start and stop a cluster).
///
/// `scripts/test` starts it and exports `HEARTH_TEST_PG_DIR`; a bare `swift test` starts one itself
/// under `.hearth/test-pg` in the checkout.
public enum TestCluster {
    public enum Role: String, Sendable {
        /// The cluster superuser: creates and drops test databases.
        case superuser = "super"
        /// The schema owner: runs migrations.
        case owner
        /// What services connect as: no ownership, subject to row-level security.
        case app
    }

    /// The checkout's root, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The cluster folder; starts the cluster on first use when the test script did not.
    public static let directory: String = {
        if let directory = ProcessInfo.processInfo.environment["HEARTH_TEST_PG_DIR"], !directory.isEmpty {
            return directory
        }
        let directory = repositoryRoot.appendingPathComponent(".hearth/test-pg").path
        _ = try? runScript("pg", ["start", "--dir", directory])
        return directory
    }()

    /// The URL for a role and database of the test cluster.
    public static func url(role: Role, database: String = "hearth", directory: String = directory) throws -> String {
        try runScript("pg", ["url", "--dir", directory, "--role", role.rawValue, "--db", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `scripts/NAME` and returns its standard output; a non-zero exit is an error with its stderr.
    ///
    /// Runs through `system(3)` with output in files: Foundation's `Process.waitUntilExit` was seen
    /// to hang here after the script started a server in the background.
    @discardableResult
    public static func runScript(_ name: String, _ arguments: [String]) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hearth-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputPath = scratch.appendingPathComponent("stdout").path
        let errorPath = scratch.appendingPathComponent("stderr").path
        let script = repositoryRoot.appendingPathComponent("scripts/\(name)").path
        let command =
            ([script] + arguments).map(shellQuoted).joined(separator: " ")
            + " </dev/null >\(shellQuoted(outputPath)) 2>\(shellQuoted(errorPath))"
        let status = system(command)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw TestSupportError(
                message: "scripts/\(name) \(arguments.joined(separator: " ")) failed (status \(status)): \(errors)")
        }
        return output
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A failure of the test scaffolding itself (not of the code under test).
public struct TestSupportError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
