import ArgumentParser
import Foundation
import GRPCCore
import HearthWire

/// Calls the Hearth process `service` at `address` with the token from `--token` or
/// `HEARTH_TOKEN`: a missing token, or an RPC failure, becomes one line on stderr and exit 1.
func callService<Result: Sendable>(
    named service: String, address: String, token: String?,
    _ body: (GRPCClient<WireClientTransport>) async throws -> Result
) async throws -> Result {
    guard let token = token ?? ProcessInfo.processInfo.environment["HEARTH_TOKEN"], !token.isEmpty else {
        printError("hearth: no access token: set HEARTH_TOKEN or pass --token (see `hearth token issue`)")
        throw ExitCode(1)
    }
    guard let endpoint = WireClientTransport.Endpoint(address) else {
        printError("hearth: \(service) address \(address) is not HOST:PORT")
        throw ExitCode(2)
    }
    do {
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [endpoint]), interceptors: [BearerTokenInterceptor(token: token)]
        ) { client in
            try await body(client)
        }
    } catch let error as RPCError {
        let hint =
            error.code == .unavailable
            ? " (is \(service) running at \(address)? `scripts/up` starts it)"
            : ""
        printError("hearth: \(error.message)\(hint)")
        throw ExitCode(1)
    }
}
