import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// Where `hearth` finds campaign-service and the token it calls with: `--addr`/`HEARTH_CAMPAIGN_ADDR`
/// (default 127.0.0.1:7102) and `--token`/`HEARTH_TOKEN`.
struct CampaignServiceOptions: ParsableArguments {
    @Option(
        name: .customLong("addr"),
        help: "campaign-service address, HOST:PORT (default: $HEARTH_CAMPAIGN_ADDR or 127.0.0.1:7102).")
    var address: String?

    @Option(help: "Access token (default: $HEARTH_TOKEN); `hearth token issue` makes one.")
    var token: String?

    @Option(help: "Seconds to wait for an answer (default: 30).")
    var timeout: Int?

    func validate() throws {
        guard WireClientTransport.Endpoint(resolvedAddress) != nil else {
            throw ValidationError("campaign-service address \(resolvedAddress) is not HOST:PORT")
        }
        guard (1...3600).contains(timeout ?? 30) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    var resolvedAddress: String {
        address ?? ProcessInfo.processInfo.environment["HEARTH_CAMPAIGN_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "127.0.0.1:7102"
    }

    /// Call options with `--timeout` if given, else 30 seconds.
    var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(timeout ?? 30)
        return options
    }

    /// Calls campaign-service; an RPC failure becomes its one-line message on stderr and exit 1.
    func withClient<Result: Sendable>(
        _ body: (Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await callService(named: "campaign-service", address: resolvedAddress, token: token) { client in
            try await body(Hearth_Campaign_V1_CampaignService.Client(wrapping: client))
        }
    }
}
