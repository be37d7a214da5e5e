import Foundation
import NIOCore
import NIOPosix

/// What a plain HTTP/1.1 request got back.
public struct HTTPProbeAnswer: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: String
}

public enum HTTPProbeError: Error, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let raw): "not an HTTP response: \(raw.prefix(200))"
        }
    }
}

/// A bare TCP client speaking just enough HTTP/1.1 to check the operations endpoint: one request,
/// `Connection: close`, the whole answer read until the server closes.
public enum HTTPProbe {
    public static func send(_ method: String, _ path: String, port: Int) async throws -> HTTPProbeAnswer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        let raw = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var received = ByteBuffer()
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
            }
            return String(buffer: received)
        }
        return try parse(raw)
    }

    public static func get(_ path: String, port: Int) async throws -> HTTPProbeAnswer {
        try await send("GET", path, port: port)
    }

    private static func parse(_ raw: String) throws -> HTTPProbeAnswer {
        guard let split = raw.range(of: "\r\n\r\n") else { throw HTTPProbeError.malformed(raw) }
        let lines = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPProbeError.malformed(raw) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPProbeAnswer(status: status, headers: headers, body: String(raw[split.upperBound...]))
    }
}
