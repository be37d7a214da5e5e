import Foundation
import GRPCCore
import HearthRuntime
import HearthWire
import Logging
import ServiceLifecycle
import Testing
import UnixSignals

@Suite("Servers and clients under ServiceLifecycle")
struct ServiceLifecycleTests {
    static let coder = BytesCoder()

    @Test func gracefulShutdownOfTheGroupDrainsCallsInFlight() async throws {
        let sleeps = SleepLog()
        let transport = WireServerTransport(port: 0, gracePeriod: .seconds(10))
        let server = GRPCServer(transport: transport, services: [EchoService(sleeps: sleeps)])
        let group = ServiceGroup(
            services: [GRPCServerService(server)], gracefulShutdownSignals: [],
            logger: Logger(label: "hearth.test.lifecycle"))
        let running = Task { try await group.run() }
        let port = try #require(await transport.listeningPort())
        try await withGRPCClient(transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])) {
            client in
            let inFlight = Task {
                try await client.unary(
                    request: ClientRequest(message: [4]), descriptor: EchoService.sleep,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { try $0.message }
            }
            for _ in 0..<500 where await sleeps.started == 0 { try await Task.sleep(for: .milliseconds(10)) }
            await group.triggerGracefulShutdown()
            #expect(try await inFlight.value == [4])
            let refused = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: [1]), descriptor: EchoService.get,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { try $0.message }
            }
            #expect(refused?.code == .unavailable)
        }
        try await running.value
        #expect(await sleeps.completed == 1)
        #expect(transport.connectionCount == 0)
    }

    @Test func aClientServiceStopsWithItsGroup() async throws {
        let transport = WireServerTransport(port: 0)
        try await withGRPCServer(transport: transport, services: [EchoService(sleeps: SleepLog())]) { _ in
            let port = try #require(await transport.listeningPort())
            let client = GRPCClient(transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)]))
            let group = ServiceGroup(
                services: [GRPCClientService(client)], gracefulShutdownSignals: [],
                logger: Logger(label: "hearth.test.lifecycle"))
            let running = Task { try await group.run() }
            let answer = try await client.unary(
                request: ClientRequest(message: [9]), descriptor: EchoService.get,
                serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { try $0.message }
            #expect(answer == [9])
            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    /// A serving task that is cancelled (a test body that throws inside `withGRPCServer`, say)
    /// returns instead of waiting for a graceful shutdown nobody will ask for.
    @Test func cancellingTheServingTaskStopsTheServer() async throws {
        let transport = WireServerTransport(port: 0)
        let server = GRPCServer(transport: transport, services: [EchoService(sleeps: SleepLog())])
        let serving = Task { try await server.serve() }
        let port = try #require(await transport.listeningPort())
        try await withGRPCClient(transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])) {
            client in
            let answer = try await client.unary(
                request: ClientRequest(message: [2]), descriptor: EchoService.get,
                serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { try $0.message }
            #expect(answer == [2])
        }
        serving.cancel()
        _ = await serving.result
        // Connections leave the count as their close completes on the event loop.
        for _ in 0..<250 where transport.connectionCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(transport.connectionCount == 0)
    }

    /// What `docker stop` and `scripts/up --stop` send: the process drains, then exits.
    @Test func sigtermDrainsTheServer() async throws {
        let sleeps = SleepLog()
        let transport = WireServerTransport(port: 0, gracePeriod: .seconds(10))
        let server = GRPCServer(transport: transport, services: [EchoService(sleeps: sleeps)])
        // The group traps SIGTERM before it starts its services, so once the server listens the
        // signal goes to the group, not to the default action that would end the test process.
        let group = ServiceGroup(
            services: [GRPCServerService(server)], gracefulShutdownSignals: [.sigterm],
            logger: Logger(label: "hearth.test.lifecycle"))
        let running = Task { try await group.run() }
        let port = try #require(await transport.listeningPort())
        try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)], methodConfig: nil)
        ) { client in
            let inFlight = Task {
                try await client.unary(
                    request: ClientRequest(message: [3]), descriptor: EchoService.sleep,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { try $0.message }
            }
            for _ in 0..<500 where await sleeps.started == 0 { try await Task.sleep(for: .milliseconds(10)) }
            kill(getpid(), SIGTERM)
            #expect(try await inFlight.value == [3])
        }
        try await running.value
        #expect(await sleeps.completed == 1)
    }
}
