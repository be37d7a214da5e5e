import ArgumentParser
import HearthPostgres

/// Turns any error into a one-line reason on stderr and exit code 1 (usage errors keep code 2).
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as PostgresError {
        printError("hearth: \(error.message)" + (error.hint.map { " (\($0))" } ?? ""))
        throw ExitCode(1)
    } catch let error as PostgresConfigurationError {
        printError("hearth: \(error.message)")
        throw ExitCode(1)
    }
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.standardError(string)
    }
}
