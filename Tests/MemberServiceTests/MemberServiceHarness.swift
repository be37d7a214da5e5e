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
import MemberService

/// member-service as it runs in production (same server composition, our transport on a free
/// port) over a fresh test database, with clients holding tokens of chosen tenants and roles.
struct MemberServiceHarness {
    static let secret = try! AccessTokenSecret(String(repeating: "s", count: 48))

    let database: TestDatabase
    let pool: PostgresPool
    let port: Int
    let tenant: TenantID
    let otherTenant: TenantID

    static func with(_ body: (MemberServiceHarness) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let tenants = TenantStore(pool: pool)
            let tenant = try await tenants.create(slug: "t\(UInt32.random(in: 0..<UInt32.max))", name: "Tenant A")
            let other = try await tenants.create(slug: "u\(UInt32.random(in: 0..<UInt32.max))", name: "Tenant B")
            let transport = WireServerTransport(port: 0)
            var logger = Logger(label: "hearth.test.member-service")
            logger.logLevel = .warning
            let server = HearthServiceProcess.makeServer(
                transport: transport, services: [MemberAPI(pool: pool, logger: logger)], secret: secret, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                guard let port = await transport.listeningPort() else {
                    throw RPCError(code: .unavailable, message: "the test server did not listen")
                }
                do {
                    try await body(
                        MemberServiceHarness(
                            database: database, pool: pool, port: port, tenant: tenant, otherTenant: other))
                } catch {
                    server.beginGracefulShutdown()
                    await pool.close()
                    throw error
                }
                server.beginGracefulShutdown()
                try await group.waitForAll()
            }
            await pool.close()
        }
    }

    /// Runs `body` with a member-service client whose calls carry a token for `tenant` and `role`.
    func withClient<T: Sendable>(
        tenant: TenantID? = nil, role: AccessRole = .admin,
        _ body: (Hearth_Member_V1_MemberService.Client<WireClientTransport>) async throws -> T
    ) async throws -> T {
        let token = AccessToken(
            tenant: (tenant ?? self.tenant).description, operatorID: "op-test", role: role.rawValue,
            expiresAt: Int64(Date().timeIntervalSince1970) + 3600
        ).signed(with: Self.secret)
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)]),
            interceptors: [BearerTokenInterceptor(token: token)]
        ) { client in
            try await body(Hearth_Member_V1_MemberService.Client(wrapping: client))
        }
    }
}

/// A create request for a member with a name and, optionally, a phone as an operator types it.
func createRequest(name: String, phone: String? = nil, province: String? = nil, tags: [String] = [])
    -> Hearth_Member_V1_CreateMemberRequest
{
    var request = Hearth_Member_V1_CreateMemberRequest()
    request.profile.displayName = name
    request.profile.phone = phone ?? ""
    request.profile.region.province = province ?? ""
    request.profile.tags = tags
    return request
}
