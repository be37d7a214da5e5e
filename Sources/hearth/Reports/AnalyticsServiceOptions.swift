import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// Where `hearth` finds analytics-worker and the token it calls with: `--addr`/`HEARTH_ANALYTICS_ADDR`
/// (default 127.0.0.1:7103) and `--token`/`HEARTH_TOKEN`.
struct AnalyticsServiceOptions: ParsableArguments {
    @Option(
        name: .customLong("addr"),
        help: "analytics-worker address, HOST:PORT (default: $HEARTH_ANALYTICS_ADDR or 127.0.0.1:7103).")
    var address: String?

    @Option(help: "Access token (default: $HEARTH_TOKEN); `hearth token issue` makes one.")
    var token: String?

    @Option(help: "Seconds to wait for an answer (default: 30).")
    var timeout: Int?

    func validate() throws {
        guard WireClientTransport.Endpoint(resolvedAddress) != nil else {
            throw ValidationError("analytics-worker address \(resolvedAddress) is not HOST:PORT")
        }
        guard (1...3600).contains(timeout ?? 30) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    var resolvedAddress: String {
        address ?? ProcessInfo.processInfo.environment["HEARTH_ANALYTICS_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "127.0.0.1:7103"
    }

    /// Call options with `--timeout` if given, else 30 seconds.
    var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(timeout ?? 30)
        return options
    }

    /// Calls analytics-worker; an RPC failure becomes its one-line message on stderr and exit 1.
    func withClient<Result: Sendable>(
        _ body: (Hearth_Analytics_V1_AnalyticsService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await callService(named: "analytics-worker", address: resolvedAddress, token: token) { client in
            try await body(Hearth_Analytics_V1_AnalyticsService.Client(wrapping: client))
        }
    }
}
