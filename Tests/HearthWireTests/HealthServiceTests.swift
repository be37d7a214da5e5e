import GRPCCore
import HearthProtos
import HearthWire
import Synchronization
import Testing

@Suite("Health over the wire transport")
struct HealthServiceTests {
    @Test func reportsServingAndNotServingWithReasons() async throws {
        let ready = Mutex(true)
        let health = HealthService(process: "member-service", version: "test") {
            ready.withLock { $0 }
                ? HealthService.Readiness(databaseReachable: true, migrationsCurrent: true)
                : HealthService.Readiness(
                    databaseReachable: false, migrationsCurrent: true, problems: ["database unreachable"])
        }
        let server = WireServerTransport(port: 0)
        try await withGRPCServer(transport: server, services: [health]) { _ in
            let port = try #require(await server.listeningPort())
            try await withGRPCClient(transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)]))
            {
                let client = Hearth_Health_V1_Health.Client(wrapping: $0)
                let up = try await client.check(request: ClientRequest(message: .init()))
                #expect(up.status == .serving)
                #expect(up.process == "member-service")
                ready.withLock { $0 = false }
                let down = try await client.check(request: ClientRequest(message: .init()))
                #expect(down.status == .notServing)
                #expect(down.problems == ["database unreachable"])
                #expect(!down.databaseReachable)
            }
        }
    }
}
