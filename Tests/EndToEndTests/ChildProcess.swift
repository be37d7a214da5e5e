import Foundation
import HearthTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One of the built executables running as a process of its own, its output in a log file.
///
/// Waits by polling `isRunning` rather than `waitUntilExit`, which was seen to hang on Linux when
/// a child had started a server of its own.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let logFile: URL
    private let process: Process

    /// Starts `executable` with exactly `environment`, standard output and error going to `logFile`.
    init(name: String, executable: URL, arguments: [String] = [], environment: [String: String], logFile: URL)
        throws
    {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestSupportError(message: "\(executable.path) is not built (run `swift build` first)")
        }
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let process = try launch(executable, arguments, environment: environment, output: log, errors: log)
        self.name = name
        self.logFile = logFile
        self.process = process
    }

    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGTERM to drain, SIGKILL to crash).
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// The exit status once the process has ended, or nil when it still runs after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Stops it however it goes: SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(20)) async {
        send(SIGTERM)
        if await waitForExit(timeout: grace) == nil {
            send(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }

    /// The last lines of its log, for a failure's message.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// What a finished command printed.
struct CommandResult: Sendable {
    var status: Int32
    var output: String
    var errors: String

    var succeeded: Bool { status == 0 }
}

/// Runs `executable` to its end (killing it after `timeout`) and returns what it printed.
func runCommand(
    _ executable: URL, _ arguments: [String], environment: [String: String], in scratch: URL,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let id = UUID().uuidString
    let outputFile = scratch.appendingPathComponent("cmd-\(id).out")
    let errorFile = scratch.appendingPathComponent("cmd-\(id).err")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }
    let output = try FileHandle(forWritingTo: outputFile)
    let errors = try FileHandle(forWritingTo: errorFile)
    let process = try launch(executable, arguments, environment: environment, output: output, errors: errors)
    try output.close()
    try errors.close()
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            throw TestSupportError(
                message: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) ran past \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    return CommandResult(
        status: process.terminationStatus,
        output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
        errors: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
}

/// Starts `executable` with exactly `environment`, no input, and its output going to the given
/// files (the child keeps its own copies of the descriptors; the caller may close its handles).
private func launch(
    _ executable: URL, _ arguments: [String], environment: [String: String], output: FileHandle, errors: FileHandle
) throws -> Process {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    return process
}
