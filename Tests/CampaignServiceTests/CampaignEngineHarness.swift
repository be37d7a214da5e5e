import CampaignService
import Foundation
import GRPCCore
import HearthChannels
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthTestSupport
import HearthWire
import Logging
import MemberService

/// The campaign engine as it runs: its stores on a fresh test database, a real member-service on
/// our transport for audiences and contacts, the campaign API on a second server with a member
/// directory over a client to member-service (as campaign-service serves it), and a log sink in a
/// private folder.
struct CampaignEngineHarness {
    static let secret = try! AccessTokenSecret(String(repeating: "c", count: 48))
    /// The public base URL the served campaign API builds invite link URLs on.
    static let publicBaseURL = "https://join.hearth.test"

    let pool: PostgresPool
    let database: TestDatabase
    /// member-service's port (what campaign-service's HEARTH_MEMBER_ADDR would name).
    let memberPort: Int
    /// The campaign API's port.
    let campaignPort: Int
    let tenant: TenantID
    let campaigns: CampaignStore
    let outbox: DeliveryOutbox
    let directory: any MemberDirectory
    let sinkPath: String
    let logger: Logger

    static func with(_ body: (CampaignEngineHarness) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let pool = database.pool(maximumConnections: 8)
            let tenant = try await TenantStore(pool: pool).create(
                slug: "c\(UInt32.random(in: 0..<UInt32.max))", name: "Campaign tenant")
            var logger = Logger(label: "hearth.test.campaign-engine")
            logger.logLevel = .warning
            let memberTransport = WireServerTransport(port: 0)
            let memberServer = HearthServiceProcess.makeServer(
                transport: memberTransport, services: [MemberAPI(pool: pool, logger: logger)], secret: secret,
                logger: logger)
            let sink = FileManager.default.temporaryDirectory
                .appendingPathComponent("hearth-sink-\(UUID())").appendingPathComponent("deliveries.jsonl").path
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await memberServer.serve() }
                guard let memberPort = await memberTransport.listeningPort() else {
                    throw RPCError(code: .unavailable, message: "the test member-service did not listen")
                }
                do {
                    try await withGRPCClient(
                        transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: memberPort)])
                    ) { client in
                        let directory = RemoteMemberDirectory(client: client, secret: secret)
                        let campaignTransport = WireServerTransport(port: 0)
                        let campaignServer = HearthServiceProcess.makeServer(
                            transport: campaignTransport,
                            services: [
                                CampaignAPI(
                                    pool: pool, logger: logger, members: directory, publicBaseURL: publicBaseURL)
                            ],
                            secret: secret, logger: logger)
                        try await withThrowingTaskGroup(of: Void.self) { campaignGroup in
                            campaignGroup.addTask { try await campaignServer.serve() }
                            guard let campaignPort = await campaignTransport.listeningPort() else {
                                throw RPCError(code: .unavailable, message: "the test campaign API did not listen")
                            }
                            let harness = CampaignEngineHarness(
                                pool: pool, database: database, memberPort: memberPort, campaignPort: campaignPort,
                                tenant: tenant, campaigns: CampaignStore(pool: pool),
                                outbox: DeliveryOutbox(pool: pool), directory: directory, sinkPath: sink,
                                logger: logger)
                            do {
                                try await body(harness)
                            } catch {
                                campaignServer.beginGracefulShutdown()
                                throw error
                            }
                            campaignServer.beginGracefulShutdown()
                            try await campaignGroup.waitForAll()
                        }
                    }
                } catch {
                    memberServer.beginGracefulShutdown()
                    throw error
                }
                memberServer.beginGracefulShutdown()
                try await group.waitForAll()
            }
            await pool.close()
        }
    }

    /// Runs `body` with a campaign-service client whose calls carry a token for `tenant`, `role`
    /// and `operatorID` (an agent's must be their operator id to reach their call list entries).
    func withCampaignClient<T: Sendable>(
        tenant: TenantID? = nil, role: AccessRole = .operator, operatorID: String = "op-test",
        _ body: (Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>) async throws -> T
    ) async throws -> T {
        let token = AccessToken(
            tenant: (tenant ?? self.tenant).description, operatorID: operatorID, role: role.rawValue,
            expiresAt: Int64(Date().timeIntervalSince1970) + 3600
        ).signed(with: Self.secret)
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: campaignPort)]),
            interceptors: [BearerTokenInterceptor(token: token)]
        ) { client in
            try await body(Hearth_Campaign_V1_CampaignService.Client(wrapping: client))
        }
    }

    /// `count` members, every `goneEvery`th of them deleted, all in one statement.
    func seedMembers(_ count: Int, goneEvery: Int) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name, phone_e164, deleted_at)
                SELECT \(tenant.rawValue), 'member ' || i, '+86139' || lpad(i::text, 8, '0'),
                       CASE WHEN i % \(goneEvery) = 0 THEN now() END
                FROM generate_series(1, \(count)) AS i
                """)
        }
    }

    /// Deletes every `every`th member (by creation order).
    func deleteMembers(every: Int) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                UPDATE members SET deleted_at = now()
                WHERE tenant_id = \(tenant.rawValue)
                  AND member_id IN (SELECT member_id FROM (SELECT member_id, row_number() OVER (ORDER BY display_name) AS n
                                                           FROM members WHERE tenant_id = \(tenant.rawValue)) x
                                    WHERE n % \(every) = 0)
                """)
        }
    }

    /// A running one-off campaign to everyone, live a minute ago, on the log channel.
    func launchedCampaign(segmentRule: String = "vip_tier >= 0", channels: [DeliveryChannel] = [.log]) async throws
        -> Campaign
    {
        let segment = try await SegmentStore(pool: pool).create(
            name: "everyone-\(UUID().uuidString.prefix(6))", ruleText: segmentRule,
            rule: try SegmentRule.parse(segmentRule),
            tenant: tenant)
        let campaign = try await campaigns.create(
            Campaign(
                tenantID: tenant, name: "Flash offer", kind: .flashOffer,
                audience: CampaignAudience(segmentID: segment.id), channels: channels,
                schedule: CampaignSchedule(.once(at: Date().addingTimeInterval(-60)), duration: .seconds(3600)),
                messages: [PhaseMessage(phase: .live, timing: .offset(.zero), text: "今晚八点，会员专享价")]))
        _ = try await campaigns.apply(.schedule, reason: nil, to: campaign.id, tenant: tenant)
        try await campaigns.layOutOccurrences(of: campaign.id, tenant: tenant)
        return try await campaigns.apply(.launch, reason: nil, to: campaign.id, tenant: tenant)!.campaign
    }

    func planner() -> DeliveryPlanner {
        DeliveryPlanner(campaigns: campaigns, outbox: outbox, directory: directory, logger: logger)
    }

    /// A sender whose log channel (and, with `smsToLog`, SMS) writes to the harness's sink.
    func sender(
        name: String, lease: Duration = .seconds(1), batchSize: Int = 50, dailyCap: Int = 3, smsToLog: Bool = false
    ) throws -> DeliverySender {
        let sink = try LogChannelAdapter(path: sinkPath)
        var adapters: [DeliveryChannel: any ChannelAdapter] = [.log: sink]
        if smsToLog { adapters[.sms] = sink }
        return DeliverySender(
            outbox: outbox, campaigns: campaigns, directory: directory, adapters: adapters, name: name, lease: lease,
            batchSize: batchSize, dailyCap: dailyCap, logger: logger)
    }

    /// Deliveries by status.
    func statusCounts() async throws -> [String: Int] {
        try await pool.withTenant(tenant) { connection in
            var counts: [String: Int] = [:]
            for row in try await connection.query("SELECT status, count(*) FROM deliveries GROUP BY status") {
                counts[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
            }
            return counts
        }
    }

    /// The delivery ids of members that must get the message, and of those that must not.
    func expectedRecipients() async throws -> (sent: Set<UUID>, suppressed: Set<UUID>) {
        try await pool.withTenant(tenant) { connection in
            var sent = Set<UUID>()
            var suppressed = Set<UUID>()
            for row in try await connection.query(
                """
                SELECT d.delivery_id, m.deleted_at IS NULL FROM deliveries d
                JOIN members m ON m.tenant_id = d.tenant_id AND m.member_id = d.member_id
                """)
            {
                if try row.decode(Bool.self, at: 1) {
                    sent.insert(try row.decode(UUID.self, at: 0))
                } else {
                    suppressed.insert(try row.decode(UUID.self, at: 0))
                }
            }
            return (sent, suppressed)
        }
    }

    /// Every line at the sink, as the delivery id it carries.
    func sinkDeliveryIDs() throws -> [UUID] {
        guard let text = try? String(contentsOfFile: sinkPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let id = (object?["delivery_id"] as? String).flatMap(UUID.init(uuidString:)) else {
                throw RPCError(code: .internalError, message: "a sink line without a delivery id: \(line)")
            }
            return id
        }
    }
}
