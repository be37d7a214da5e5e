import AnalyticsWorker
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthTestSupport
import HearthWire
import Logging

/// The analytics worker as it runs: its API on our transport over a fresh test database, and a
/// way to run one job as the runner does (one tenant transaction, the tenant's time zone).
struct AnalyticsHarness {
    static let secret = try! AccessTokenSecret(String(repeating: "a", count: 48))

    let pool: PostgresPool
    let database: TestDatabase
    let port: Int
    let tenant: TenantID
    let logger: Logger

    static func with(
        jobs: [any AnalyticsJob] = AnalyticsJobs.all, _ body: (AnalyticsHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let pool = database.pool(maximumConnections: 8)
            let tenant = try await TenantStore(pool: pool).create(
                slug: "a\(UInt32.random(in: 0..<UInt32.max))", name: "Analytics tenant")
            var logger = Logger(label: "hearth.test.analytics")
            logger.logLevel = .warning
            let transport = WireServerTransport(port: 0)
            let server = HearthServiceProcess.makeServer(
                transport: transport, services: [AnalyticsAPI(pool: pool, jobs: jobs, logger: logger)],
                secret: secret, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                guard let port = await transport.listeningPort() else {
                    throw RPCError(code: .unavailable, message: "the test analytics-worker did not listen")
                }
                let harness = AnalyticsHarness(
                    pool: pool, database: database, port: port, tenant: tenant, logger: logger)
                do {
                    try await body(harness)
                } catch {
                    server.beginGracefulShutdown()
                    throw error
                }
                server.beginGracefulShutdown()
                try await group.waitForAll()
            }
            await pool.close()
        }
    }

    /// Runs `body` with an analytics client whose calls carry a token for `tenant` and `role`.
    func withClient<T: Sendable>(
        tenant: TenantID? = nil, role: AccessRole = .operator,
        _ body: (Hearth_Analytics_V1_AnalyticsService.Client<WireClientTransport>) async throws -> T
    ) async throws -> T {
        let token = AccessToken(
            tenant: (tenant ?? self.tenant).description, operatorID: "op-test", role: role.rawValue,
            expiresAt: Int64(Date().timeIntervalSince1970) + 3600
        ).signed(with: Self.secret)
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)]),
            interceptors: [BearerTokenInterceptor(token: token)]
        ) { client in
            try await body(Hearth_Analytics_V1_AnalyticsService.Client(wrapping: client))
        }
    }

    /// Runs `job` for the harness's tenant (or `tenant`) in one tenant transaction, as the runner
    /// does, and returns the rows it wrote.
    @discardableResult
    func run(
        _ job: any AnalyticsJob, now: Date = Date(), lastSuccess: Date? = nil, params: [String: String] = [:],
        tenant: TenantID? = nil
    ) async throws -> Int64 {
        let tenant = tenant ?? self.tenant
        let zone = TimeZone(identifier: try await TenantStore(pool: pool).timeZone(of: tenant)) ?? .gmt
        return try await pool.withTenant(tenant) { connection in
            try await job.run(
                JobContext(tenant: tenant, now: now, lastSuccess: lastSuccess, params: params, timeZone: zone),
                on: connection)
        }
    }

    /// Another tenant, for isolation tests.
    func otherTenant() async throws -> TenantID {
        try await TenantStore(pool: pool).create(slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
    }
}
