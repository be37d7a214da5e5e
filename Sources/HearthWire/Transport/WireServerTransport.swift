public import GRPCCore
public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// GRPCCore's server transport over Hearth's length-prefixed TCP frames.
///
/// Graceful shutdown stops accepting connections, sends GOAWAY on each one (new calls then get
/// UNAVAILABLE), lets calls in flight finish within the grace period, then closes what is left.
public final class WireServerTransport: ServerTransport {
    public typealias Bytes = [UInt8]

    public let host: String
    public let requestedPort: Int
    public let maximumFrameSize: Int
    public let gracePeriod: Duration
    /// A connection with no calls and no frames for this long is closed.
    public let idleTimeout: Duration
    private let logger: Logger
    private let state = Mutex(State())
    private let accepted = AsyncStream<WireServerConnection.Accepted>.makeStream()
    private let bound = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))

    private struct State {
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: WireServerConnection] = [:]
        var shuttingDown = false
        var port: Int?
    }

    /// Listens on `host:port`; port 0 picks a free one (see ``listeningPort()``).
    public init(
        host: String = "127.0.0.1", port: Int, maximumFrameSize: Int = WireFrame.defaultMaximumSize,
        gracePeriod: Duration = .seconds(30), idleTimeout: Duration = .seconds(300),
        logger: Logger = Logger(label: "hearth.wire.server")
    ) {
        self.idleTimeout = idleTimeout
        self.host = host
        self.requestedPort = port
        self.maximumFrameSize = maximumFrameSize
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// Client connections currently open (for metrics and tests).
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// The port actually bound, once listening; `nil` when binding failed.
    public func listeningPort() async -> Int? {
        if let port = state.withLock({ $0.port }) { return port }
        for await port in bound.stream { return port }
        return state.withLock { $0.port }
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        let maximumFrameSize = maximumFrameSize
        let logger = logger
        let idle = TimeAmount.nanoseconds(
            idleTimeout.components.seconds * 1_000_000_000 + idleTimeout.components.attoseconds / 1_000_000_000)
        let acceptStream: @Sendable (WireServerConnection.Accepted) -> Bool = { [accepted] stream in
            if case .enqueued = accepted.continuation.yield(stream) { return true }
            return false
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = WireServerConnection(
                        channel: channel, maximumFrameSize: maximumFrameSize, logger: logger, accept: acceptStream)
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(allTimeout: idle),
                        ByteToMessageHandler(WireFrameDecoder(maximumFrameSize: maximumFrameSize)),
                        MessageToByteHandler(WireFrameEncoder()),
                        WireFrameInboundHandler(receiver: connection),
                    ])
                    self?.track(connection)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: requestedPort).get()
        } catch {
            bound.continuation.finish()  // listeningPort() answers nil instead of waiting forever
            throw error
        }
        let port = channel.localAddress?.port ?? requestedPort
        let alreadyShuttingDown = state.withLock { state -> Bool in
            state.serverChannel = channel
            state.port = port
            return state.shuttingDown
        }
        bound.continuation.yield(port)
        bound.continuation.finish()
        if alreadyShuttingDown { beginGracefulShutdown() }

        await withDiscardingTaskGroup { group in
            for await item in accepted.stream {
                group.addTask {
                    await withServerContextRPCCancellationHandle { handle in
                        item.connection.register(handle, for: item.id)
                        let context = ServerContext(
                            descriptor: item.stream.descriptor, remotePeer: "hearth:\(item.connection.peer)",
                            localPeer: "hearth:\(self.host):\(port)", cancellation: handle)
                        await streamHandler(item.stream, context)
                        item.connection.streamFinished(item.id)
                    }
                }
            }
        }
        // Every handler has returned, after a graceful shutdown or because the serving task was
        // cancelled: close whatever is still open, the listener included.
        let leftovers = state.withLock { Array($0.connections.values) }
        for connection in leftovers { connection.forceClose() }
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }

    public func beginGracefulShutdown() {
        let (channel, connections, first) = state.withLock { state in
            defer { state.shuttingDown = true }
            return (state.serverChannel, Array(state.connections.values), !state.shuttingDown)
        }
        guard first || channel != nil else { return }
        channel?.close(promise: nil)
        for connection in connections { connection.beginDraining() }
        let grace = gracePeriod
        Task { [weak self] in
            // Streams already accepted finish; new ones are refused by the draining connections.
            try? await Task.sleep(for: .milliseconds(50))
            await self?.finishWhenDrained(deadline: .now + grace)
        }
    }

    private func finishWhenDrained(deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let busy = state.withLock { $0.connections.values.contains { $0.openStreamCount > 0 } }
            if !busy { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections where connection.openStreamCount > 0 {
            logger.warning(
                "grace period over; cancelling calls still running", metadata: ["peer": "\(connection.peer)"])
            connection.forceClose()
        }
        accepted.continuation.finish()
    }

    private func track(_ connection: WireServerConnection) {
        let draining = state.withLock { state -> Bool in
            state.connections[ObjectIdentifier(connection)] = connection
            return state.shuttingDown
        }
        if draining { connection.beginDraining() }
        connection.channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
        }
    }
}
