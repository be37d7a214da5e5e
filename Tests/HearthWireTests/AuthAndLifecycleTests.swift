import GRPCCore
import HearthWire
import Synchronization
import Testing

@Suite("Authentication, shutdown and reconnect over the wire transport")
struct AuthAndLifecycleTests {
    static let coder = BytesCoder()
    static let secret = try! AccessTokenSecret(String(repeating: "k", count: 40))
    static let now: Int64 = 1_800_000_000

    /// Echo needs `agent`, Fail needs `admin`, everything else is open.
    static let auth = AuthenticationInterceptor(
        secret: secret,
        requiredRole: { method in
            switch method.method {
            case "Get": .agent
            case "Fail": .admin
            default: nil
            }
        },
        now: { now })

    static func token(role: String, expiresAt: Int64 = now + 3600, secret: AccessTokenSecret = secret) -> String {
        AccessToken(tenant: "t1", operatorID: "op1", role: role, expiresAt: expiresAt).signed(with: secret)
    }

    func call(_ client: GRPCClient<WireClientTransport>, token: String?, method: MethodDescriptor = EchoService.get)
        async throws -> [UInt8]
    {
        var metadata: Metadata = [:]
        if let token { metadata.addString("Bearer \(token)", forKey: "authorization") }
        return try await client.unary(
            request: ClientRequest(message: [3], metadata: metadata), descriptor: method,
            serializer: Self.coder, deserializer: Self.coder, options: .defaults
        ) { try $0.message }
    }

    @Test func tokensAndRolesDecideWhoMayCall() async throws {
        let server = WireServerTransport(port: 0)
        try await withGRPCServer(
            transport: server, services: [EchoService(sleeps: SleepLog())], interceptors: [Self.auth]
        ) { _ in
            let port = try #require(await server.listeningPort())
            try await withGRPCClient(transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)]))
            { client in
                #expect(try await call(client, token: Self.token(role: "agent")) == [3])
                #expect(try await call(client, token: Self.token(role: "admin")) == [3])
                let other = try AccessTokenSecret(String(repeating: "x", count: 40))
                for bad in [
                    nil, "garbage", Self.token(role: "admin", expiresAt: Self.now - 1),
                    Self.token(role: "admin", secret: other),
                ] {
                    let error = await #expect(throws: RPCError.self) { try await call(client, token: bad) }
                    #expect(error?.code == .unauthenticated)
                }
                let denied = await #expect(throws: RPCError.self) {
                    try await call(client, token: Self.token(role: "operator"), method: EchoService.fail)
                }
                #expect(denied?.code == .permissionDenied)
                let viewer = await #expect(throws: RPCError.self) {
                    try await call(client, token: Self.token(role: "viewer"))
                }
                #expect(viewer?.code == .permissionDenied)
                // An open method needs no token.
                let expanded = try await client.serverStreaming(
                    request: ClientRequest(message: [1, 2]), descriptor: EchoService.expand,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { response in try await response.messages.reduce(into: 0) { count, _ in count += 1 } }
                #expect(expanded == 2)
            }
        }
    }

    @Test func shutdownLetsCallsInFlightFinishAndRefusesNewOnes() async throws {
        let sleeps = SleepLog()
        let server = WireServerTransport(port: 0, gracePeriod: .seconds(10))
        let grpcServer = GRPCServer(transport: server, services: [EchoService(sleeps: sleeps)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await grpcServer.serve() }
            let port = try #require(await server.listeningPort())
            let transport = WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])
            try await withGRPCClient(transport: transport) { client in
                let inFlight = Task {
                    try await client.unary(
                        request: ClientRequest(message: [5]), descriptor: EchoService.sleep,
                        serializer: Self.coder, deserializer: Self.coder, options: .defaults
                    ) { try $0.message }
                }
                for _ in 0..<500 where await sleeps.started == 0 { try await Task.sleep(for: .milliseconds(10)) }
                grpcServer.beginGracefulShutdown()
                try await Task.sleep(for: .milliseconds(100))
                // The call that was running completes normally.
                #expect(try await inFlight.value == [5])
                // A new call is refused.
                let refused = await #expect(throws: RPCError.self) {
                    try await client.unary(
                        request: ClientRequest(message: [1]), descriptor: EchoService.get,
                        serializer: Self.coder, deserializer: Self.coder, options: .defaults
                    ) { try $0.message }
                }
                #expect(refused?.code == .unavailable)
            }
            try await group.waitForAll()
        }
        #expect(await sleeps.completed == 1)
    }

    /// Starts a server on a port below the ephemeral range, so that no outgoing connection of a
    /// parallel test can hold the port while the server restarts on it.
    static func startOnFixedPort(port: Int? = nil) async throws -> (
        GRPCServer<WireServerTransport>, Task<Void, any Error>, Int
    )? {
        for _ in 0..<20 {
            let candidate = port ?? Int.random(in: 20_000..<30_000)
            let transport = WireServerTransport(port: candidate)
            let server = GRPCServer(transport: transport, services: [EchoService(sleeps: SleepLog())])
            let serving = Task { try await server.serve() }
            if let bound = await transport.listeningPort() { return (server, serving, bound) }
            _ = await serving.result
            if port != nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        return nil
    }

    /// Nothing listens on port 1: the call fails with the connect's reason, after its retries,
    /// instead of waiting out its deadline.
    @Test func aServerNobodyRunsFailsTheCallAtOnceWithTheReason() async throws {
        let transport = WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: 1)])
        try await withGRPCClient(transport: transport) { client in
            var options = CallOptions.defaults
            options.timeout = .seconds(120)
            let started = ContinuousClock.now
            let refused = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: [3]), descriptor: EchoService.get, serializer: Self.coder,
                    deserializer: Self.coder, options: options
                ) { try $0.message }
            }
            #expect(refused?.code == .unavailable)
            #expect(refused?.message.hasPrefix("cannot reach 127.0.0.1:1: ") == true, "\(String(describing: refused))")
            // Far below the deadline, however slow the machine.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    /// An upload that is never retried (as the file imports are not) stops at its first message
    /// when nobody answers, instead of reading its whole source into the void.
    @Test func anUploadToAServerNobodyRunsStopsAtItsFirstMessage() async throws {
        let transport = WireClientTransport(
            endpoints: [.init(host: "127.0.0.1", port: 1)], unretriedMethods: [EchoService.collect])
        try await withGRPCClient(transport: transport) { client in
            let written = Mutex(0)
            let refused = await #expect(throws: RPCError.self) {
                try await client.clientStreaming(
                    request: StreamingClientRequest(of: [UInt8].self) { writer in
                        for _ in 0..<100_000 {
                            try await writer.write([1])
                            written.withLock { $0 += 1 }
                        }
                    },
                    descriptor: EchoService.collect, serializer: Self.coder, deserializer: Self.coder,
                    options: .defaults
                ) { try $0.message }
            }
            #expect(refused?.code == .unavailable)
            #expect(written.withLock { $0 } < 10)
        }
    }

    @Test func theClientReconnectsAfterTheServerRestartsOnTheSamePort() async throws {
        let (firstServer, serving, port) = try #require(await Self.startOnFixedPort())
        let transport = WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])
        try await withGRPCClient(transport: transport) { client in
            #expect(try await call(client, token: nil, method: EchoService.collect) == [3])
            firstServer.beginGracefulShutdown()
            try await serving.value
            // While the server is down, calls fail fast with UNAVAILABLE.
            let down = await #expect(throws: RPCError.self) {
                try await call(client, token: nil, method: EchoService.collect)
            }
            #expect(down?.code == .unavailable)

            let (secondServer, servingAgain, _) = try #require(await Self.startOnFixedPort(port: port))
            var answer: [UInt8]?
            for _ in 0..<50 where answer == nil {
                answer = try? await call(client, token: nil, method: EchoService.collect)
                if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answer == [3])
            secondServer.beginGracefulShutdown()
            try await servingAgain.value
        }
    }

    @Test func idleConnectionsCloseUnlessKeepalivePingsFlow() async throws {
        let server = WireServerTransport(port: 0, idleTimeout: .seconds(1))
        try await withGRPCServer(transport: server, services: [EchoService(sleeps: SleepLog())]) { _ in
            let port = try #require(await server.listeningPort())
            let endpoint = WireClientTransport.Endpoint(host: "127.0.0.1", port: port)
            // Without keepalive, the server closes the unused connection; the next call reconnects.
            try await withGRPCClient(transport: WireClientTransport(endpoints: [endpoint], keepalive: nil)) { client in
                #expect(try await call(client, token: nil, method: EchoService.collect) == [3])
                #expect(server.connectionCount == 1)
                for _ in 0..<250 where server.connectionCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
                #expect(server.connectionCount == 0)
                #expect(try await call(client, token: nil, method: EchoService.collect) == [3])
            }
            for _ in 0..<150 where server.connectionCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
            // With keepalive pings every 100 ms the connection stays open well past the idle timeout.
            try await withGRPCClient(
                transport: WireClientTransport(endpoints: [endpoint], keepalive: .milliseconds(100))
            ) { client in
                #expect(try await call(client, token: nil, method: EchoService.collect) == [3])
                try await Task.sleep(for: .milliseconds(2_500))
                #expect(server.connectionCount == 1)
            }
        }
    }

    @Test func phoneNumbersAreMaskedForLogs() {
        #expect(PhoneMasking.mask("phone +8613800138000 is taken") == "phone +*********8000 is taken")
        #expect(PhoneMasking.mask("order 12345 of 2026") == "order 12345 of 2026")
        #expect(PhoneMasking.mask("138 0013 8000") == "138 0013 8000")
    }

    @Test func rolesAreOrdered() {
        #expect(AccessRole.viewer < .agent && AccessRole.agent < .operator && AccessRole.operator < .admin)
    }
}
