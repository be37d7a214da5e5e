import GRPCCore
import HearthProtos
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One TCP connection from a client: it opens streams (odd ids), routes each incoming frame to its
/// stream, and fails every open stream with UNAVAILABLE when the connection is lost.
final class WireClientConnection: WireFrameReceiver {
    typealias Part = RPCResponsePart<[UInt8]>
    typealias Continuation = AsyncThrowingStream<Part, any Error>.Continuation

    let channel: any Channel
    let peer: String
    private let streams: Mutex<Table>
    private let logger: Logger

    /// Messages buffered per stream before the stream is given up as too slow.
    static let maximumBufferedMessages = 1024

    private struct Table {
        var open: [UInt32: Continuation] = [:]
        var nextID: UInt32 = 1
        /// False after GOAWAY, a failure or a close: new streams go to another connection.
        var acceptsStreams = true
        /// A keepalive PING is out and no frame has arrived since.
        var pingOutstanding = false
    }

    private init(channel: any Channel, peer: String, logger: Logger) {
        self.channel = channel
        self.peer = peer
        self.streams = Mutex(Table())
        self.logger = logger
    }

    static func connect(
        host: String, port: Int, maximumFrameSize: Int, keepalive: Duration?, logger: Logger
    ) async throws -> WireClientConnection {
        let box = ConnectionBox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let keepalive {
                        let interval = TimeAmount.nanoseconds(
                            keepalive.components.seconds * 1_000_000_000 + keepalive.components.attoseconds
                                / 1_000_000_000)
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: interval))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(WireFrameDecoder(maximumFrameSize: maximumFrameSize)),
                        MessageToByteHandler(WireFrameEncoder()),
                        WireFrameInboundHandler(receiver: box),
                    ])
                }
            }
            .connect(host: host, port: port)
            .get()
        let connection = WireClientConnection(
            channel: channel, peer: "\(host):\(port)", logger: logger)
        box.connection.withLock { $0 = connection }
        if !channel.isActive { connection.connectionClosed() }
        return connection
    }

    var acceptsStreams: Bool { streams.withLock { $0.acceptsStreams } && channel.isActive }

    /// Makes the inbound side of a new stream; it gets an id only when its headers are sent.
    func makeInbound() -> (AsyncThrowingStream<Part, any Error>, Continuation) {
        AsyncThrowingStream<Part, any Error>.makeStream(bufferingPolicy: .bufferingOldest(Self.maximumBufferedMessages))
    }

    /// Gives the stream the next id and sends its HEADERS frame. Both happen under one lock, so
    /// frames leave in id order even when many calls start at once (the server requires it).
    func startStream(_ continuation: Continuation, headers: ByteBuffer) async throws -> UInt32 {
        let (id, written) = try streams.withLock { table -> (UInt32, EventLoopFuture<Void>) in
            guard table.acceptsStreams, table.nextID < UInt32.max - 2 else {
                throw RPCError(code: .unavailable, message: "the connection to \(peer) takes no new calls")
            }
            let id = table.nextID
            table.nextID += 2
            table.open[id] = continuation
            return (id, channel.writeAndFlush(WireFrame(kind: .headers, streamID: id, body: headers)))
        }
        do {
            try await written.get()
        } catch {
            throw RPCError(code: .unavailable, message: "the connection to \(peer) was lost", cause: error)
        }
        return id
    }

    func isOpen(_ id: UInt32) -> Bool { streams.withLock { $0.open[id] != nil } }

    /// Forgets a stream the caller is done with; cancels it at the server if it was still open.
    func closeStream(_ id: UInt32) async {
        let continuation = streams.withLock { $0.open.removeValue(forKey: id) }
        guard let continuation else { return }
        continuation.finish()
        try? await send(WireFrame(kind: .cancel, flags: .endStream, streamID: id))
    }

    func send(_ frame: WireFrame) async throws {
        do {
            try await channel.writeAndFlush(frame)
        } catch {
            throw RPCError(code: .unavailable, message: "the connection to \(peer) was lost", cause: error)
        }
    }

    func close() async {
        try? await channel.close()
    }

    // MARK: - Frames from the server (event loop)

    func receive(_ frame: WireFrame) throws {
        streams.withLock { $0.pingOutstanding = false }
        switch frame.kind {
        case .headers:
            let headers = try WireEnvelope.parse(Hearth_Wire_V1_ResponseHeaders.self, from: frame.body)
            deliver(.metadata(WireEnvelope.decode(headers.metadata)), to: frame.streamID)
        case .message:
            deliver(.message(Array(frame.body.readableBytesView)), to: frame.streamID)
        case .trailers:
            let (status, metadata) = try WireEnvelope.status(from: frame.body)
            let continuation = streams.withLock { $0.open.removeValue(forKey: frame.streamID) }
            continuation?.yield(.status(status, metadata))
            continuation?.finish()
        case .cancel:
            let continuation = streams.withLock { $0.open.removeValue(forKey: frame.streamID) }
            continuation?.finish(throwing: RPCError(code: .cancelled, message: "the server cancelled the call"))
        case .goAway:
            let goAway = try WireEnvelope.parse(Hearth_Wire_V1_GoAway.self, from: frame.body)
            let refused = streams.withLock { table -> [Continuation] in
                table.acceptsStreams = false
                let ids = table.open.keys.filter { $0 > goAway.lastStreamID }
                return ids.compactMap { table.open.removeValue(forKey: $0) }
            }
            for continuation in refused {
                continuation.finish(throwing: RPCError(code: .unavailable, message: "the server is shutting down"))
            }
        case .ping:
            channel.writeAndFlush(WireFrame(kind: .pong, streamID: 0, body: frame.body), promise: nil)
        case .pong:
            break
        }
    }

    private func deliver(_ part: Part, to id: UInt32) {
        guard let continuation = streams.withLock({ $0.open[id] }) else { return }  // a stream we already closed
        if case .dropped = continuation.yield(part) {
            streams.withLock { _ = $0.open.removeValue(forKey: id) }
            continuation.finish(
                throwing: RPCError(
                    code: .resourceExhausted,
                    message:
                        "the call fell behind: more than \(Self.maximumBufferedMessages) responses were waiting to be read"
                ))
            channel.writeAndFlush(WireFrame(kind: .cancel, flags: .endStream, streamID: id), promise: nil)
        }
    }

    func connectionFailed(_ error: any Error) {
        logger.warning(
            "closing a connection after a protocol error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        failAll(RPCError(code: .unavailable, message: "the connection to \(peer) failed: \(error)"))
    }

    func connectionClosed() {
        failAll(RPCError(code: .unavailable, message: "the connection to \(peer) was lost"))
    }

    /// Nothing arrived for a keepalive interval: send a PING; if the last one is still unanswered,
    /// the server is gone (or the path to it is), so close and let the calls fail with UNAVAILABLE.
    func connectionIdle() -> Bool {
        let unanswered = streams.withLock { table -> Bool in
            defer { table.pingOutstanding = true }
            return table.pingOutstanding
        }
        if unanswered {
            logger.warning("no answer to a keepalive ping; closing the connection", metadata: ["peer": "\(peer)"])
            return true
        }
        channel.writeAndFlush(
            WireFrame(kind: .ping, streamID: 0, body: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1])), promise: nil)
        return false
    }

    private func failAll(_ error: RPCError) {
        let open = streams.withLock { table -> [Continuation] in
            table.acceptsStreams = false
            defer { table.open = [:] }
            return Array(table.open.values)
        }
        for continuation in open { continuation.finish(throwing: error) }
    }
}

/// Lets the channel's handler reach the connection object created after the channel.
private final class ConnectionBox: WireFrameReceiver {
    let connection = Mutex<WireClientConnection?>(nil)
    func receive(_ frame: WireFrame) throws { try connection.withLock { $0 }?.receive(frame) }
    func connectionFailed(_ error: any Error) { connection.withLock { $0 }?.connectionFailed(error) }
    func connectionClosed() { connection.withLock { $0 }?.connectionClosed() }
    func connectionIdle() -> Bool { connection.withLock { $0 }?.connectionIdle() ?? false }
}
