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

    /// The client's end of one stream; its id is assigned when its headers are sent.
    final class Stream: Sendable {
        let inbound: WireFlowControlledInbound<Part>
        let continuation: Continuation
        let flow: WireStreamFlow
        let id: WireStreamIDBox

        fileprivate init(
            inbound: WireFlowControlledInbound<Part>, continuation: Continuation, flow: WireStreamFlow,
            id: WireStreamIDBox
        ) {
            self.inbound = inbound
            self.continuation = continuation
            self.flow = flow
            self.id = id
        }

        /// Ends the inbound side and wakes a writer waiting for window.
        func end(throwing error: RPCError?) {
            flow.close(error ?? RPCError(code: .cancelled, message: "the call has ended"))
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        }
    }

    let channel: any Channel
    let peer: String
    private let streams: Mutex<Table>
    private let logger: Logger

    private struct Table {
        var open: [UInt32: Stream] = [:]
        var nextID: UInt32 = 1
        /// False after GOAWAY, a failure or a close: new streams go to another connection.
        var acceptsStreams = true
        /// A keepalive PING is out and no frame has arrived since.
        var pingOutstanding = false
    }

    private let maximumFrameSize: Int

    private init(channel: any Channel, peer: String, maximumFrameSize: Int, logger: Logger) {
        self.channel = channel
        self.maximumFrameSize = maximumFrameSize
        self.peer = peer
        self.streams = Mutex(Table())
        self.logger = logger
    }

    /// The bootstrap of one connection: frames in and out, and keepalive when asked.
    private static func bootstrap(maximumFrameSize: Int, keepalive: Duration?, box: ConnectionBox) -> ClientBootstrap {
        ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
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
    }

    static func connect(
        host: String, port: Int, maximumFrameSize: Int, keepalive: Duration?, logger: Logger
    ) async throws -> WireClientConnection {
        let box = ConnectionBox()
        let channel: any Channel
        do {
            channel = try await Self.bootstrap(maximumFrameSize: maximumFrameSize, keepalive: keepalive, box: box)
                .connect(host: host, port: port)
                .get()
        } catch {
            throw WireConnectFailure(error)
        }
        let connection = WireClientConnection(
            channel: channel, peer: "\(host):\(port)", maximumFrameSize: maximumFrameSize, logger: logger)
        box.connection.withLock { $0 = connection }
        if !channel.isActive { connection.connectionClosed() }
        return connection
    }

    var acceptsStreams: Bool { streams.withLock { $0.acceptsStreams } && channel.isActive }

    /// Makes a new stream; it gets an id only when its headers are sent.
    func makeStream() -> Stream {
        let (base, continuation) = AsyncThrowingStream<Part, any Error>.makeStream()
        let flow = WireStreamFlow(maximumFrameSize: maximumFrameSize)
        let id = WireStreamIDBox()
        let channel = self.channel
        let inbound = WireFlowControlledInbound(
            base: base,
            messageSize: { part in
                if case .message(let bytes) = part { bytes.count } else { nil }
            },
            onRead: { bytes in
                guard let increment = flow.read(bytes), let id = id.value else { return }
                channel.writeAndFlush(WireFrame.windowUpdate(streamID: id, increment: increment), promise: nil)
            })
        return Stream(inbound: inbound, continuation: continuation, flow: flow, id: id)
    }

    /// Gives the stream the next id and sends its HEADERS frame. Both happen under one lock, so
    /// frames leave in id order even when many calls start at once (the server requires it).
    func startStream(_ stream: Stream, headers: ByteBuffer) async throws -> UInt32 {
        let id = try streams.withLock { table -> UInt32 in
            guard table.acceptsStreams, table.nextID < UInt32.max - 2 else {
                throw RPCError(code: .unavailable, message: "the connection to \(peer) takes no new calls")
            }
            let id = table.nextID
            table.nextID += 2
            table.open[id] = stream
            stream.id.value = id
            // Queued under the lock, so HEADERS frames leave in id order; not awaited (see send).
            channel.writeAndFlush(WireFrame(kind: .headers, streamID: id, body: headers), promise: nil)
            return id
        }
        return id
    }

    /// A write of the caller failed: the stream is over, and its reader must hear so (GRPCCore
    /// may be waiting for responses that will never come).
    func abandon(_ stream: Stream, error: any Error) {
        if let id = stream.id.value { streams.withLock { _ = $0.open.removeValue(forKey: id) } }
        stream.end(
            throwing: error as? RPCError
                ?? RPCError(code: .unavailable, message: "the call to \(peer) failed: \(error)", cause: error))
    }

    /// Sends one request message once the stream's window allows it.
    func sendMessage(_ bytes: [UInt8], on stream: Stream) async throws {
        guard let id = stream.id.value else {
            throw RPCError(code: .internalError, message: "a message was written before the call's metadata")
        }
        try await stream.flow.reserve(bytes.count)
        try await send(WireFrame(kind: .message, streamID: id, body: ByteBuffer(bytes: bytes)))
    }

    /// Forgets a stream the caller is done with; cancels it at the server if it was still open.
    func closeStream(_ id: UInt32) async {
        let stream = streams.withLock { $0.open.removeValue(forKey: id) }
        guard let stream else { return }
        stream.end(throwing: nil)
        try? await send(WireFrame(kind: .cancel, flags: .endStream, streamID: id))
    }

    /// Queues a frame without waiting for the socket write: waiting would cost a hop to the event
    /// loop and back per frame, and memory is bounded by the streams' flow-control windows. A
    /// failed write closes the channel, and the close fails the streams.
    func send(_ frame: WireFrame) async throws {
        guard channel.isActive else {
            throw RPCError(code: .unavailable, message: "the connection to \(peer) was lost")
        }
        channel.writeAndFlush(frame, promise: nil)
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
            streams.withLock { $0.open[frame.streamID] }?.continuation.yield(
                .metadata(WireEnvelope.decode(headers.metadata)))
        case .message:
            deliverMessage(frame.body, to: frame.streamID)
        case .trailers:
            let (status, metadata) = try WireEnvelope.status(from: frame.body)
            let stream = streams.withLock { $0.open.removeValue(forKey: frame.streamID) }
            stream?.continuation.yield(.status(status, metadata))
            stream?.end(throwing: nil)
        case .cancel:
            let stream = streams.withLock { $0.open.removeValue(forKey: frame.streamID) }
            stream?.end(throwing: RPCError(code: .cancelled, message: "the server cancelled the call"))
        case .windowUpdate:
            let increment = try WireFrame.windowIncrement(of: frame)
            streams.withLock { $0.open[frame.streamID] }?.flow.grant(increment)
        case .goAway:
            let goAway = try WireEnvelope.parse(Hearth_Wire_V1_GoAway.self, from: frame.body)
            let refused = streams.withLock { table -> [Stream] in
                table.acceptsStreams = false
                let ids = table.open.keys.filter { $0 > goAway.lastStreamID }
                return ids.compactMap { table.open.removeValue(forKey: $0) }
            }
            for stream in refused {
                stream.end(throwing: RPCError(code: .unavailable, message: "the server is shutting down"))
            }
        case .ping:
            channel.writeAndFlush(WireFrame(kind: .pong, streamID: 0, body: frame.body), promise: nil)
        case .pong:
            break
        }
    }

    private func deliverMessage(_ body: ByteBuffer, to id: UInt32) {
        guard let stream = streams.withLock({ $0.open[id] }) else { return }  // a stream we already closed
        guard stream.flow.received(body.readableBytes) else {
            streams.withLock { _ = $0.open.removeValue(forKey: id) }
            stream.end(
                throwing: RPCError(
                    code: .resourceExhausted, message: "the server sent beyond the stream's flow-control window"))
            channel.writeAndFlush(WireFrame(kind: .cancel, flags: .endStream, streamID: id), promise: nil)
            return
        }
        stream.continuation.yield(.message(Array(body.readableBytesView)))
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
        let open = streams.withLock { table -> [Stream] in
            table.acceptsStreams = false
            defer { table.open = [:] }
            return Array(table.open.values)
        }
        for stream in open { stream.end(throwing: error) }
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
