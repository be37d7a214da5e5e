import Foundation
import GRPCCore
import GRPCInProcessTransport
import HearthWire
import Testing

/// One suite, run over GRPCCore's in-process transport and over ours: both must behave the same.
@Suite("Transport conformance")
struct TransportConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case inProcess, wire
        static var allCases: [Kind] {
            ProcessInfo.processInfo.environment["KIND"].flatMap(Kind.init(rawValue:)).map { [$0] } ?? [
                .inProcess, .wire,
            ]
        }
        var testDescription: String { rawValue }
    }

    /// Starts a server with the echo service on the transport kind and runs `body` with a client.
    func withEcho<T: Sendable>(
        _ kind: Kind, sleeps: SleepLog = SleepLog(),
        _ body: (GRPCClient<AnyClientTransport>) async throws -> T
    ) async throws -> T {
        switch kind {
        case .inProcess:
            let transport = InProcessTransport()
            return try await withGRPCServer(transport: transport.server, services: [EchoService(sleeps: sleeps)]) { _ in
                try await withGRPCClient(transport: AnyClientTransport(base: transport.client)) { try await body($0) }
            }
        case .wire:
            let server = WireServerTransport(port: 0, gracePeriod: .seconds(5))
            return try await withGRPCServer(transport: server, services: [EchoService(sleeps: sleeps)]) { _ in
                let port = try #require(await server.listeningPort())
                let client = WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])
                return try await withGRPCClient(transport: AnyClientTransport(base: client)) { try await body($0) }
            }
        }
    }

    static let coder = BytesCoder()

    @Test(arguments: Kind.allCases)
    func unaryEchoesMessageAndMetadata(kind: Kind) async throws {
        try await withEcho(kind) { client in
            let (message, metadata, trailers) = try await client.unary(
                request: ClientRequest(message: Array("hello 四川".utf8), metadata: ["x-request-id": "r1"]),
                descriptor: EchoService.get, serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { response in
                (try response.message, response.metadata, response.trailingMetadata)
            }
            #expect(message == Array("hello 四川".utf8))
            #expect(Array(metadata[stringValues: "echo"]) == ["yes"])
            #expect(Array(trailers[stringValues: "trailer"]) == ["done"])
        }
    }

    @Test(arguments: Kind.allCases)
    func allStreamingKinds(kind: Kind) async throws {
        try await withEcho(kind) { client in
            let collected = try await client.clientStreaming(
                request: StreamingClientRequest(of: [UInt8].self) { writer in
                    for part in [[1, 2], [3], [4, 5, 6]] as [[UInt8]] { try await writer.write(part) }
                },
                descriptor: EchoService.collect, serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { try $0.message }
            #expect(collected == [1, 2, 3, 4, 5, 6])

            let expanded = try await client.serverStreaming(
                request: ClientRequest(message: [7, 8, 9]),
                descriptor: EchoService.expand, serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { response in
                var parts: [[UInt8]] = []
                for try await message in response.messages { parts.append(message) }
                return parts
            }
            #expect(expanded == [[7], [8], [9]])

            let reversed = try await client.bidirectionalStreaming(
                request: StreamingClientRequest(of: [UInt8].self) { writer in
                    for n in 0..<50 { try await writer.write([UInt8(n), 0]) }
                },
                descriptor: EchoService.update, serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { response in
                var count = 0
                for try await message in response.messages {
                    #expect(message == [0, UInt8(count)])
                    count += 1
                }
                return count
            }
            #expect(reversed == 50)
        }
    }

    @Test(arguments: Kind.allCases)
    func aThousandConcurrentCallsAndALargeMessage(kind: Kind) async throws {
        try await withEcho(kind) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<(Int(ProcessInfo.processInfo.environment["N"] ?? "1000") ?? 1000) {
                    group.addTask {
                        let payload = Array("call \(n)".utf8)
                        let echoed = try await client.unary(
                            request: ClientRequest(message: payload), descriptor: EchoService.get,
                            serializer: Self.coder, deserializer: Self.coder, options: .defaults
                        ) { try $0.message }
                        #expect(echoed == payload)
                    }
                }
                try await group.waitForAll()
            }
            let large = (0..<(Int(ProcessInfo.processInfo.environment["L"] ?? "3145728") ?? 0)).map {
                UInt8(truncatingIfNeeded: $0 &* 31)
            }
            let echoed = try await client.unary(
                request: ClientRequest(message: large), descriptor: EchoService.get,
                serializer: Self.coder, deserializer: Self.coder, options: .defaults
            ) { try $0.message }
            #expect(echoed == large)
        }
    }

    @Test(arguments: Kind.allCases)
    func statusCodesUnknownMethodsAndDeadlines(kind: Kind) async throws {
        try await withEcho(kind) { client in
            for code in [
                Status.Code.invalidArgument, .notFound, .alreadyExists, .permissionDenied, .failedPrecondition,
                .unavailable,
            ] {
                let error = await #expect(throws: RPCError.self) {
                    try await client.unary(
                        request: ClientRequest(message: [UInt8(code.rawValue)]), descriptor: EchoService.fail,
                        serializer: Self.coder, deserializer: Self.coder, options: .defaults
                    ) { try $0.message }
                }
                #expect(error?.code.rawValue == code.rawValue)
                #expect(error?.message == "failed as asked: \(code.rawValue)")
            }
            let unknown = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: []), descriptor: EchoService.unknown,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { try $0.message }
            }
            #expect(unknown?.code == .unimplemented)
            var options = CallOptions.defaults
            options.timeout = .milliseconds(200)
            let late = await #expect(throws: RPCError.self) {
                try await client.unary(
                    request: ClientRequest(message: [30]), descriptor: EchoService.sleep,
                    serializer: Self.coder, deserializer: Self.coder, options: options
                ) { try $0.message }
            }
            #expect(late?.code == .deadlineExceeded)
        }
    }

    /// GRPCCore's in-process transport does not tell the server when a client gives up, so this
    /// runs over ours only.
    @Test(arguments: Kind.allCases.filter { $0 == .wire })
    func cancellingTheClientTaskCancelsTheHandler(kind: Kind) async throws {
        let sleeps = SleepLog()
        try await withEcho(kind, sleeps: sleeps) { client in
            let call = Task {
                try await client.unary(
                    request: ClientRequest(message: [50]), descriptor: EchoService.sleep,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { try $0.message }
            }
            // Cancel only once the handler runs, so the test is about cancelling a running call.
            for _ in 0..<500 where await sleeps.started == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await sleeps.started == 1)
            call.cancel()
            _ = await call.result
            for _ in 0..<100 where await sleeps.cancelled == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await sleeps.cancelled == 1)
            #expect(await sleeps.completed == 0)
        }
    }
}
