import ArgumentParser
import GRPCCore
import HearthProtos
import HearthWire

/// `hearth health --addr HOST:PORT`: asks a Hearth process whether it serves. Exits 1 when it does
/// not answer or is not serving, so scripts and health checks can rely on the exit code.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that a Hearth process is up and ready.")

    @Option(help: "Address of the process, HOST:PORT.")
    var addr: String

    @Option(help: "Seconds to wait for an answer.")
    var timeout: Int = 5

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard WireClientTransport.Endpoint(addr) != nil else {
            throw ValidationError("--addr \(addr) is not HOST:PORT")
        }
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout must be 1 to 300 seconds") }
    }

    func run() async throws {
        let transport = WireClientTransport(endpoints: [WireClientTransport.Endpoint(addr)!])
        var options = CallOptions.defaults
        options.timeout = .seconds(timeout)
        let answer: Hearth_Health_V1_CheckResponse
        do {
            answer = try await withGRPCClient(transport: transport) { client in
                try await Hearth_Health_V1_Health.Client(wrapping: client).check(
                    request: ClientRequest(message: Hearth_Health_V1_CheckRequest()), options: options)
            }
        } catch let error as RPCError {
            printError("hearth: \(addr) did not answer: \(error.message)")
            throw ExitCode(1)
        }
        let serving = answer.status == .serving
        try output.print(facts: [
            "address": addr,
            "process": answer.process,
            "version": answer.version,
            "status": serving ? "serving" : "not serving",
            "database": answer.databaseReachable ? "reachable" : "unreachable",
            "migrations": answer.migrationsCurrent ? "current" : "pending",
            "problems": answer.problems.isEmpty ? "none" : answer.problems.joined(separator: "; "),
        ])
        if !serving { throw ExitCode(1) }
    }
}
