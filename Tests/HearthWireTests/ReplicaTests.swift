import GRPCCore
import HearthProtos
import HearthWire
import Testing

@Suite("A client over several replicas")
struct ReplicaTests {
    static func replica(_ name: String) -> (WireServerTransport, GRPCServer<WireServerTransport>) {
        let transport = WireServerTransport(port: 0)
        let health = HealthService(process: name, version: "test") {
            HealthService.Readiness(databaseReachable: true, migrationsCurrent: true)
        }
        return (transport, GRPCServer(transport: transport, services: [health]))
    }

    @Test func callsAreSpreadRoundRobinAndSurviveAReplicaGoingAway() async throws {
        let (firstTransport, first) = Self.replica("replica-1")
        let (secondTransport, second) = Self.replica("replica-2")
        let firstServing = Task { try await first.serve() }
        let secondServing = Task { try await second.serve() }
        let firstPort = try #require(await firstTransport.listeningPort())
        let secondPort = try #require(await secondTransport.listeningPort())
        let transport = WireClientTransport(endpoints: [
            .init(host: "127.0.0.1", port: firstPort), .init(host: "127.0.0.1", port: secondPort),
        ])
        try await withGRPCClient(transport: transport) { grpc in
            let client = Hearth_Health_V1_Health.Client(wrapping: grpc)
            var answeredBy: [String: Int] = [:]
            for _ in 0..<10 {
                answeredBy[try await client.check(request: ClientRequest(message: .init())).process, default: 0] += 1
            }
            #expect(answeredBy == ["replica-1": 5, "replica-2": 5])

            // One replica goes away: calls fail over to the other (a refused call is retried).
            first.beginGracefulShutdown()
            try await firstServing.value
            for _ in 0..<6 {
                #expect(try await client.check(request: ClientRequest(message: .init())).process == "replica-2")
            }
        }
        second.beginGracefulShutdown()
        try await secondServing.value
    }
}
