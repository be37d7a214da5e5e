import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HearthWire
import Synchronization

/// Unary echo of a 100-byte message over Hearth's wire transport and over grpc-swift-nio-transport's
/// HTTP/2 transport, on loopback in one process, with 1 caller and with 64 concurrent callers on one
/// connection. Prints calls/s and latency percentiles of each, and the ratio ours / HTTP/2.
///
///   WireEcho [--calls N] [--rounds R]
@main
struct WireEcho {
    static func main() async throws {
        var calls = 40_000
        var rounds = 3
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--calls": calls = Int(arguments.next() ?? "") ?? calls
            case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
            default:
                FileHandle.standardError.write(Data("usage: WireEcho [--calls N] [--rounds R]\n".utf8))
                exit(2)
            }
        }
        let scenarios = [(callers: 1, calls: calls / 4), (callers: 64, calls: calls)]
        var results: [String: [Figures]] = [:]
        for round in 1...rounds {
            for scenario in scenarios {
                for transport in TransportKind.allCases {
                    let figures = try await run(transport, callers: scenario.callers, calls: scenario.calls)
                    results["\(transport) \(scenario.callers)", default: []].append(figures)
                    print(
                        "round \(round) \(transport.rawValue) callers=\(scenario.callers): \(figures)")
                }
            }
        }
        print("")
        print("median round of \(rounds), 100-byte unary echo, 1 connection, loopback")
        print("| callers | transport | calls/s | p50 | p99 |")
        print("|---|---|---|---|---|")
        for scenario in scenarios {
            var medians: [TransportKind: Figures] = [:]
            for transport in TransportKind.allCases {
                let runs = results["\(transport) \(scenario.callers)"]!.sorted { $0.callsPerSecond < $1.callsPerSecond }
                let median = runs[runs.count / 2]
                medians[transport] = median
                print(
                    "| \(scenario.callers) | \(transport.rawValue) | \(Int(median.callsPerSecond)) | "
                        + "\(format(median.p50)) | \(format(median.p99)) |")
            }
            let ratio = medians[.wire]!.callsPerSecond / medians[.http2]!.callsPerSecond
            print("| \(scenario.callers) | ratio wire/HTTP2 | \(String(format: "%.2f×", ratio)) | | |")
        }
    }

    enum TransportKind: String, CaseIterable, CustomStringConvertible {
        case wire = "hearth-wire"
        case http2 = "grpc-http2"
        var description: String { rawValue }
    }

    struct Figures: CustomStringConvertible {
        var callsPerSecond: Double
        var p50: Duration
        var p99: Duration
        var description: String {
            "\(Int(callsPerSecond)) calls/s, p50 \(format(p50)), p99 \(format(p99))"
        }
    }

    static func run(_ kind: TransportKind, callers: Int, calls: Int) async throws -> Figures {
        switch kind {
        case .wire:
            let server = WireServerTransport(port: 0)
            return try await withGRPCServer(transport: server, services: [EchoService()]) { _ in
                let port = await server.listeningPort()!
                let client = WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: port)])
                return try await withGRPCClient(transport: client) { client in
                    try await measure(client, callers: callers, calls: calls)
                }
            }
        case .http2:
            let server = HTTP2ServerTransport.Posix(
                address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext)
            return try await withGRPCServer(transport: server, services: [EchoService()]) { _ in
                let port = try await server.listeningAddress.ipv4!.port
                let client = try HTTP2ClientTransport.Posix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
                return try await withGRPCClient(transport: client) { client in
                    try await measure(client, callers: callers, calls: calls)
                }
            }
        }
    }

    static func measure<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>, callers: Int, calls: Int
    ) async throws -> Figures {
        let message = [UInt8](repeating: 7, count: 100)
        @Sendable func call() async throws {
            let echoed = try await client.unary(
                request: ClientRequest(message: message), descriptor: EchoService.echo,
                serializer: BytesCoder(), deserializer: BytesCoder(), options: .defaults
            ) { try $0.message }
            precondition(echoed.count == 100)
        }
        for _ in 0..<1_000 { try await call() }  // warm up connection, caches and allocator
        let perCaller = calls / callers
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var own: [Duration] = []
                    own.reserveCapacity(perCaller)
                    for _ in 0..<perCaller {
                        let began = clock.now
                        try await call()
                        own.append(began.duration(to: clock.now))
                    }
                    return own
                }
            }
            var all: [Duration] = []
            for try await own in group { all += own }
            return all.sorted()
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Figures(
            callsPerSecond: Double(latencies.count) / seconds,
            p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }
}

func format(_ duration: Duration) -> String {
    let micros = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    return micros >= 1_000 ? String(format: "%.2f ms", micros / 1_000) : String(format: "%.0f µs", micros)
}

/// Raw bytes in and out: both transports carry the same payload and no protobuf work is measured.
struct BytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] {
        bytes.withUnsafeBytes { Array($0) }
    }
}

struct EchoService: RegistrableRPCService {
    static let echo = MethodDescriptor(fullyQualifiedService: "bench.Echo", method: "Echo")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.echo, deserializer: BytesCoder(), serializer: BytesCoder()) {
            request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                for try await message in request.messages { try await writer.write(message) }
                return [:]
            }
        }
    }
}
