import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// A Hearth service `hearth` calls: its name, the variable that names its address, and where it
/// listens by default.
protocol HearthServiceAddress: Sendable {
    static var name: String { get }
    static var variable: String { get }
    static var defaultAddress: String { get }
}

enum MemberServiceAddress: HearthServiceAddress {
    static let name = "member-service"
    static let variable = "HEARTH_MEMBER_ADDR"
    static let defaultAddress = "127.0.0.1:7101"
}

enum CampaignServiceAddress: HearthServiceAddress {
    static let name = "campaign-service"
    static let variable = "HEARTH_CAMPAIGN_ADDR"
    static let defaultAddress = "127.0.0.1:7102"
}

enum AnalyticsServiceAddress: HearthServiceAddress {
    static let name = "analytics-worker"
    static let variable = "HEARTH_ANALYTICS_ADDR"
    static let defaultAddress = "127.0.0.1:7103"
}

/// Where `hearth` finds a service and the token it calls with: `--addr` or the service's variable
/// (e.g. `HEARTH_MEMBER_ADDR`), `--token` or `HEARTH_TOKEN`, and `--timeout`.
struct ServiceOptions<Service: HearthServiceAddress>: ParsableArguments {
    @Option(
        name: .customLong("addr"),
        help: ArgumentHelp(
            "\(Service.name) address, HOST:PORT (default: $\(Service.variable) or \(Service.defaultAddress))."))
    var address: String?

    @Option(help: "Access token (default: $HEARTH_TOKEN); `hearth token issue` makes one.")
    var token: String?

    @Option(help: "Seconds to wait for an answer (default: 30; imports and streams as long as they take).")
    var timeout: Int?

    func validate() throws {
        guard WireClientTransport.Endpoint(resolvedAddress) != nil else {
            throw ValidationError("\(Service.name) address \(resolvedAddress) is not HOST:PORT")
        }
        guard (1...3600).contains(timeout ?? 30) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    var resolvedAddress: String {
        address ?? ProcessInfo.processInfo.environment[Service.variable].flatMap { $0.isEmpty ? nil : $0 }
            ?? Service.defaultAddress
    }

    var callOptions: CallOptions { callOptions(defaultTimeout: .seconds(30)) }

    /// Call options with `--timeout` if given, else `defaultTimeout` (`nil`: no deadline).
    func callOptions(defaultTimeout: Duration?) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout.map { .seconds($0) } ?? defaultTimeout
        return options
    }

    /// Calls the service; an RPC failure becomes its one-line message on stderr and exit 1.
    func withGRPCClient<Result: Sendable>(
        _ body: (GRPCClient<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await callService(named: Service.name, address: resolvedAddress, token: token, body)
    }
}

typealias MemberServiceOptions = ServiceOptions<MemberServiceAddress>
typealias CampaignServiceOptions = ServiceOptions<CampaignServiceAddress>
typealias AnalyticsServiceOptions = ServiceOptions<AnalyticsServiceAddress>

extension ServiceOptions where Service == MemberServiceAddress {
    func withClient<Result: Sendable>(
        _ body: (Hearth_Member_V1_MemberService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient { try await body(Hearth_Member_V1_MemberService.Client(wrapping: $0)) }
    }
}

extension ServiceOptions where Service == CampaignServiceAddress {
    func withClient<Result: Sendable>(
        _ body: (Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient { try await body(Hearth_Campaign_V1_CampaignService.Client(wrapping: $0)) }
    }
}

extension ServiceOptions where Service == AnalyticsServiceAddress {
    func withClient<Result: Sendable>(
        _ body: (Hearth_Analytics_V1_AnalyticsService.Client<WireClientTransport>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient { try await body(Hearth_Analytics_V1_AnalyticsService.Client(wrapping: $0)) }
    }
}
