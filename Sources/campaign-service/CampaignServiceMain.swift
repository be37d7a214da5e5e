import CampaignService
import Foundation
import GRPCCore
import HearthChannels
import HearthDomain
import HearthRuntime
import HearthStore
import HearthWire
import Logging

/// `campaign-service`: the campaign API, plus the engine that plans due messages and sends them.
/// Configured by environment (see README): `HEARTH_CAMPAIGN_LISTEN` (default 127.0.0.1:7102),
/// `HEARTH_MEMBER_ADDR` (member-service, default 127.0.0.1:7101), `HEARTH_DATABASE_URL`,
/// `HEARTH_AUTH_SECRET`, `HEARTH_SEND_LEASE_SECONDS` (default 60), `HEARTH_CHANNEL_LOG` (the log
/// channel's file), `HEARTH_CHANNELS` (JSON
/// settings of the other channels, e.g. {"sms": {"kind": "sms_webhook", "url": "…", "secret": "…"}})
/// and `HEARTH_PUBLIC_BASE_URL` (where invite links point, e.g. https://join.example.com; unset:
/// invite links carry only their token) and `HEARTH_QUIET_HOURS` (default 21:00-08:00, or off).
@main
enum CampaignServiceMain {
    static func main() async {
        // Logging and metrics first: every logger made after this writes JSON lines.
        do {
            _ = try HearthObservability.bootstrap(process: "campaign-service")
        } catch {
            FileHandle.standardError.write(Data("campaign-service: \(error.message)\n".utf8))
            exit(2)
        }
        let logger = Logger(label: "hearth.campaign-service")
        let environment = ProcessInfo.processInfo.environment
        do {
            let configuration = try ServiceConfiguration(
                environment: environment, listenVariable: "HEARTH_CAMPAIGN_LISTEN", defaultListen: "127.0.0.1:7102")
            let memberAddress = environment["HEARTH_MEMBER_ADDR"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:7101"
            guard let memberEndpoint = WireClientTransport.Endpoint(memberAddress) else {
                throw ServiceConfigurationError(
                    variable: "HEARTH_MEMBER_ADDR", message: "\(memberAddress) is not HOST:PORT")
            }
            let adapters = try channelAdapters(environment: environment)
            let publicBaseURL = try inviteLinkBaseURL(environment: environment)
            // How long a sender's claim on a delivery lasts before another may take it over.
            let leaseText = environment["HEARTH_SEND_LEASE_SECONDS"].flatMap { $0.isEmpty ? nil : $0 } ?? "60"
            guard let leaseSeconds = Int(leaseText), (1...3600).contains(leaseSeconds) else {
                throw ServiceConfigurationError(
                    variable: "HEARTH_SEND_LEASE_SECONDS",
                    message: "HEARTH_SEND_LEASE_SECONDS=\(leaseText) is not a whole number of seconds in 1…3600")
            }
            // The night hours no message goes out, on the member's (else the tenant's) clock.
            let quietText = environment["HEARTH_QUIET_HOURS"].flatMap { $0.isEmpty ? nil : $0 } ?? "21:00-08:00"
            let quietHours: QuietHours
            do {
                quietHours = try QuietHours(parsing: quietText)
            } catch {
                throw ServiceConfigurationError(
                    variable: "HEARTH_QUIET_HOURS", message: "HEARTH_QUIET_HOURS: \(error.message)")
            }
            let memberClient = GRPCClient(transport: WireClientTransport(endpoints: [memberEndpoint]))
            let senderName =
                "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-"
                + UUID().uuidString.prefix(6).lowercased()
            try await HearthServiceProcess.run(
                name: "campaign-service", version: HearthVersion.current, configuration: configuration, logger: logger,
                services: { pool in
                    [
                        CampaignAPI(
                            pool: pool, logger: logger,
                            members: RemoteMemberDirectory(client: memberClient, secret: configuration.authSecret),
                            publicBaseURL: publicBaseURL)
                    ]
                },
                background: { pool in
                    let campaigns = CampaignStore(pool: pool)
                    let outbox = DeliveryOutbox(pool: pool)
                    let directory = RemoteMemberDirectory(client: memberClient, secret: configuration.authSecret)
                    let engine = CampaignEngine(
                        planner: DeliveryPlanner(
                            campaigns: campaigns, outbox: outbox, directory: directory, logger: logger),
                        sender: DeliverySender(
                            outbox: outbox, campaigns: campaigns, directory: directory, adapters: adapters,
                            name: senderName, lease: .seconds(leaseSeconds), quietHours: quietHours,
                            logger: logger),
                        outbox: outbox, tenants: TenantStore(pool: pool), logger: logger)
                    return [GRPCClientService(memberClient), engine]
                })
        } catch let error as ServiceConfigurationError {
            FileHandle.standardError.write(Data("campaign-service: \(error.message)\n".utf8))
            exit(2)
        } catch let error as DomainError {
            FileHandle.standardError.write(Data("campaign-service: \(error.message)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("campaign-service: \(error)\n".utf8))
            exit(1)
        }
    }

    /// `HEARTH_PUBLIC_BASE_URL`, checked to be an http(s) URL with a host; `nil` when unset.
    static func inviteLinkBaseURL(environment: [String: String]) throws -> String? {
        guard let text = environment["HEARTH_PUBLIC_BASE_URL"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty
        else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            throw ServiceConfigurationError(
                variable: "HEARTH_PUBLIC_BASE_URL",
                message: "HEARTH_PUBLIC_BASE_URL=\(text) is not an http(s) URL like https://join.example.com")
        }
        return text
    }

    /// The log channel always, plus every channel `HEARTH_CHANNELS` configures.
    static func channelAdapters(environment: [String: String]) throws -> [DeliveryChannel: any ChannelAdapter] {
        let logPath =
            environment["HEARTH_CHANNEL_LOG"].flatMap { $0.isEmpty ? nil : $0 } ?? ChannelConfiguration.defaultLogPath
        var adapters: [DeliveryChannel: any ChannelAdapter] = [.log: try LogChannelAdapter(path: logPath)]
        guard let text = environment["HEARTH_CHANNELS"], !text.isEmpty else { return adapters }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]] else {
            throw ServiceConfigurationError(
                variable: "HEARTH_CHANNELS", message: "HEARTH_CHANNELS must be a JSON object of channel settings")
        }
        let transport = URLSessionHTTPTransport()
        for (name, raw) in object {
            guard let channel = DeliveryChannel(rawValue: name) else {
                throw ServiceConfigurationError(
                    variable: "HEARTH_CHANNELS",
                    message:
                        "\(name) is not a channel: \(DeliveryChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let settings = raw.mapValues { "\($0)" }
            adapters[channel] = RetryingChannelAdapter(
                try ChannelConfiguration(settings: settings).makeAdapter(
                    transport: transport, logger: Logger(label: "hearth.channels")))
        }
        return adapters
    }
}
