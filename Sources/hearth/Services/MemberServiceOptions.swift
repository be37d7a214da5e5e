import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// Where `hearth` finds member-service and the token it calls with: `--addr`/`HEARTH_MEMBER_ADDR`
/// (default 127.0.0.1:7101) and `--token`/`HEARTH_TOKEN`.
struct MemberServiceOptions: ParsableArguments {
    @Option(
        name: .customLong("addr"),
        help: "member-service address, HOST:PORT (default: $HEARTH_MEMBER_ADDR or 127.0.0.1:7101).")
    var address: String?

    @Option(help: "Access token (default: $HEARTH_TOKEN); `hearth token issue` makes one.")
    var token: String?

    @Option(help: "Seconds to wait for an answer (default: 30; none for imports).")
    var timeout: Int?

    func validate() throws {
        guard WireClientTransport.Endpoint(resolvedAddress) != nil else {
            throw ValidationError("member-service address \(resolvedAddress) is not HOST:PORT")
        }
        guard (1...3600).contains(timeout ?? 30) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    var resolvedAddress: String {
        address ?? ProcessInfo.processInfo.environment["HEARTH_MEMBER_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "127.0.0.1:7101"
    }

    var callOptions: CallOptions { callOptions(defaultTimeout: .seconds(30)) }

    /// Call options with `--timeout` if given, else `defaultTimeout` (`nil`: no deadline).
    func callOptions(defaultTimeout: Duration?) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout.map { .seconds($0) } ?? defaultTimeout
        return options
    }

    /// Calls member-service; an RPC failure becomes its one-line message on stderr and exit 1.
    func withClient<Result: Sendable>(
        _ body: (Hearth_Member_V1_MemberService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await callService(named: "member-service", address: resolvedAddress, token: token) { client in
            try await body(Hearth_Member_V1_MemberService.Client(wrapping: client))
        }
    }
}
