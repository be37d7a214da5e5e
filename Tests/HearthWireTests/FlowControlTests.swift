import GRPCCore
import HearthWire
import Synchronization
import Testing

/// Serves a flood of responses and counts request bytes, recording how far the server got.
struct FlowService: RegistrableRPCService {
    /// Answers with `count` messages of `size` bytes (both in the request: two big-endian u16s).
    static let flood = MethodDescriptor(fullyQualifiedService: "test.Flow", method: "Flood")
    /// Reads every request message slowly at first, then answers with the total byte count.
    static let count = MethodDescriptor(fullyQualifiedService: "test.Flow", method: "Count")

    /// How far the handlers got, for the tests to check.
    final class Progress: Sendable {
        let written = Atomic(0)
        /// The Count handler waits until this is set before it reads anything.
        let serverMayRead: Atomic<Bool>
        init(serverMayRead: Bool) { self.serverMayRead = Atomic(serverMayRead) }
    }

    let progress: Progress

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let coder = BytesCoder()
        let progress = self.progress
        router.registerHandler(forMethod: Self.flood, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                var ask: [UInt8] = []
                for try await message in request.messages { ask = message }
                let count = Int(ask[0]) << 8 | Int(ask[1])
                let size = Int(ask[2]) << 8 | Int(ask[3])
                for index in 0..<count {
                    try await writer.write([UInt8](repeating: UInt8(index % 251), count: size))
                    progress.written.add(1, ordering: .relaxed)
                }
                return [:]
            }
        }
        router.registerHandler(forMethod: Self.count, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                while !progress.serverMayRead.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
                var total = 0
                for try await message in request.messages { total += message.count }
                try await writer.write(Array(String(total).utf8))
                return [:]
            }
        }
    }
}

@Suite("Per-stream flow control over the wire transport")
struct FlowControlTests {
    static let coder = BytesCoder()
    static let messageSize = 16 * 1024
    /// Messages that fit in one window, plus the one that may take it below zero.
    static let windowInMessages = (1 << 20) / messageSize + 1

    @Test func aSlowReaderHoldsBackOnlyItsOwnStream() async throws {
        let service = FlowService(progress: .init(serverMayRead: true))
        let server = WireServerTransport(port: 0)
        try await withGRPCServer(transport: server, services: [service, EchoService(sleeps: SleepLog())]) { _ in
            let port = try #require(await server.listeningPort())
            // No retry policy: GRPCCore would buffer request messages itself for replays, and the
            // counts below are of the transport's own window.
            try await withGRPCClient(
                transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)], methodConfig: nil)
            ) { client in
                let total = 400
                let request: [UInt8] = [UInt8(total >> 8), UInt8(total & 0xFF), UInt8(Self.messageSize >> 8), 0]
                let received = try await client.serverStreaming(
                    request: ClientRequest(message: request), descriptor: FlowService.flood,
                    serializer: Self.coder, deserializer: Self.coder, options: .defaults
                ) { response in
                    var iterator = response.messages.makeAsyncIterator()
                    var count = 0
                    guard try await iterator.next() != nil else { return 0 }
                    count += 1
                    // The reader stalls; the server must stop at about one window ahead of it.
                    try await Task.sleep(for: .milliseconds(400))
                    let aheadWhileStalled = service.progress.written.load(ordering: .relaxed)
                    #expect(aheadWhileStalled <= Self.windowInMessages + 1)
                    #expect(aheadWhileStalled < total)
                    // Another call on the same connection is not held up by the stalled stream.
                    let echoed = try await client.unary(
                        request: ClientRequest(message: [7]), descriptor: EchoService.get,
                        serializer: Self.coder, deserializer: Self.coder, options: .defaults
                    ) { try $0.message }
                    #expect(echoed == [7])
                    while let message = try await iterator.next() {
                        #expect(message.count == Self.messageSize)
                        #expect(message.first == UInt8(count % 251))
                        count += 1
                    }
                    return count
                }
                #expect(received == total)
                #expect(service.progress.written.load(ordering: .relaxed) == total)
            }
        }
    }

    /// How a client may be set up so that nothing but the window holds its requests: without a
    /// retry policy, or with one that leaves the method out (as the file imports are left out),
    /// since GRPCCore keeps every request of a retried call for a replay.
    enum Unbuffered: CaseIterable, Sendable {
        case noRetryPolicy
        case methodLeftOutOfTheRetryPolicy

        func transport(port: Int) -> WireClientTransport {
            switch self {
            case .noRetryPolicy:
                WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)], methodConfig: nil)
            case .methodLeftOutOfTheRetryPolicy:
                WireClientTransport(
                    endpoints: [.init(host: "127.0.0.1", port: port)],
                    methodConfig: WireClientTransport.retryWhenUnavailable, unretriedMethods: [FlowService.count])
            }
        }
    }

    @Test(arguments: Unbuffered.allCases)
    func aSlowServerHoldsBackTheClientsWrites(_ setup: Unbuffered) async throws {
        let service = FlowService(progress: .init(serverMayRead: false))
        let server = WireServerTransport(port: 0)
        // The client's own count of messages written, in the same kind of counter.
        let client = FlowService.Progress(serverMayRead: false)
        try await withGRPCServer(transport: server, services: [service]) { _ in
            let port = try #require(await server.listeningPort())
            try await withGRPCClient(transport: setup.transport(port: port)) { grpcClient in
                let total = 300
                let counted = try await withThrowingTaskGroup(of: String?.self) { group in
                    group.addTask {
                        try await grpcClient.clientStreaming(
                            request: StreamingClientRequest(of: [UInt8].self) { writer in
                                for _ in 0..<total {
                                    try await writer.write([UInt8](repeating: 1, count: Self.messageSize))
                                    client.written.add(1, ordering: .relaxed)
                                }
                            },
                            descriptor: FlowService.count, serializer: Self.coder, deserializer: Self.coder,
                            options: .defaults
                        ) { String(decoding: try $0.message, as: UTF8.self) }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(400))
                        let ahead = client.written.load(ordering: .relaxed)
                        #expect(ahead <= Self.windowInMessages + 1)
                        #expect(ahead < total)
                        service.progress.serverMayRead.store(true, ordering: .relaxed)
                        return nil
                    }
                    var answer: String?
                    for try await result in group where result != nil { answer = result }
                    return answer
                }
                #expect(counted == String(total * Self.messageSize))
                #expect(client.written.load(ordering: .relaxed) == total)
            }
        }
    }
}
