public import GRPCCore
import HearthProtos
public import Logging
import NIOCore
import Synchronization

/// GRPCCore's client transport over Hearth's length-prefixed TCP frames.
///
/// Connects lazily, one connection per endpoint, and spreads new calls over the endpoints round
/// robin (replicated services). A lost connection fails its calls with UNAVAILABLE; the next call
/// reconnects, waiting out an exponential backoff with jitter after repeated failures.
public final class WireClientTransport: ClientTransport {
    public typealias Bytes = [UInt8]

    /// `host:port` of a server.
    public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port`; `nil` otherwise.
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port), colon != text.startIndex
            else { return nil }
            self.init(host: String(text[..<colon]), port: port)
        }

        public var description: String { "\(host):\(port)" }
    }

    /// Calls that fail with UNAVAILABLE before any response (a connection lost or closed as idle
    /// under them, a server restarting) are tried again, up to three attempts in all. GRPCCore
    /// replays the request; a call that already had a response is never retried.
    public static let retryWhenUnavailable = MethodConfig(
        names: [],
        executionPolicy: .retry(
            RetryPolicy(
                maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1), backoffMultiplier: 2,
                retryableStatusCodes: [.unavailable])))

    public let endpoints: [Endpoint]
    public let retryThrottle: RetryThrottle? = nil
    /// The configuration of every method: by default ``retryWhenUnavailable``.
    let methodConfig: MethodConfig?
    /// Methods that get no `methodConfig`, so GRPCCore never buffers their requests for a replay.
    let unretriedMethods: Set<MethodDescriptor>
    let maximumFrameSize: Int
    /// After this long without a frame from the server a PING is sent; a second silent interval
    /// closes the connection. `nil` turns keepalive off.
    let keepalive: Duration?
    private let logger: Logger
    private let state: Mutex<State>
    private let shutdown = AsyncStream<Void>.makeStream()

    private struct Slot {
        var connection: WireClientConnection?
        /// A connect in progress, shared by every call that needs this endpoint meanwhile.
        var connecting: Task<WireClientConnection, any Error>?
        var failures = 0
        var retryAfter: ContinuousClock.Instant?
        /// Why the last connect failed, for calls that wait out its back-off.
        var lastFailure: String?
    }

    private struct State {
        var slots: [Slot]
        var next = 0
        var shuttingDown = false
        var openStreams = 0
    }

    public init(
        endpoints: [Endpoint], maximumFrameSize: Int = WireFrame.defaultMaximumSize,
        keepalive: Duration? = .seconds(30), methodConfig: MethodConfig? = WireClientTransport.retryWhenUnavailable,
        unretriedMethods: Set<MethodDescriptor> = WireClientTransport.fileImports,
        logger: Logger = Logger(label: "hearth.wire.client")
    ) {
        self.methodConfig = methodConfig
        self.unretriedMethods = unretriedMethods
        self.keepalive = keepalive
        precondition(!endpoints.isEmpty, "a client needs at least one endpoint")
        self.endpoints = endpoints
        self.maximumFrameSize = maximumFrameSize
        self.logger = logger
        self.state = Mutex(State(slots: endpoints.map { _ in Slot() }))
    }

    public func connect() async throws {
        for await _ in shutdown.stream {}
        let connections = state.withLock { state in state.slots.compactMap(\.connection) }
        for connection in connections { await connection.close() }
    }

    public func beginGracefulShutdown() {
        let idle = state.withLock { state -> Bool in
            state.shuttingDown = true
            return state.openStreams == 0
        }
        if idle { shutdown.continuation.finish() }
    }

    /// Methods whose requests are a stream of any length: the file imports. GRPCCore retries a
    /// call by replaying its requests, so it keeps every request of a retryable call until the call
    /// ends, which for an import is the whole file in memory. These are never retried: an import
    /// that loses its connection fails, and running it again is safe (a member import is one
    /// transaction; events carry idempotency keys).
    public static let fileImports: Set<MethodDescriptor> = [
        Hearth_Member_V1_MemberService.Method.ImportMembers.descriptor,
        Hearth_Member_V1_MemberService.Method.ImportEvents.descriptor,
    ]

    public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? {
        unretriedMethods.contains(descriptor) ? nil : methodConfig
    }

    public func withStream<T: Sendable>(
        descriptor: MethodDescriptor,
        options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        let connection: WireClientConnection
        do {
            connection = try await connectionForNewStream()
        } catch {
            let context = ClientContext(descriptor: descriptor, remotePeer: "hearth:none", localPeer: "hearth:client")
            return try await closure(Self.failedStream(descriptor, error), context)
        }
        defer { streamEnded() }
        let call = connection.makeStream()
        let path = "/\(descriptor.service.fullyQualifiedService)/\(descriptor.method)"
        let timeout = options.timeout
        let writer = WireStreamWriter<RPCRequestPart<Bytes>>(
            onWrite: { part in
                do {
                    switch part {
                    case .metadata(var metadata):
                        if let timeout {
                            metadata.replaceOrAddString(WireEnvelope.timeoutHeader(timeout), forKey: "grpc-timeout")
                        }
                        var headers = Hearth_Wire_V1_RequestHeaders()
                        headers.methodPath = path
                        headers.metadata = WireEnvelope.encode(metadata)
                        _ = try await connection.startStream(call, headers: WireEnvelope.body(headers))
                    case .message(let bytes):
                        try await connection.sendMessage(bytes, on: call)
                    }
                } catch {
                    connection.abandon(call, error: error)
                    throw error
                }
            },
            onFinish: { error in
                guard let id = call.id.value else { return }
                let kind: WireFrame.Kind = error == nil ? .trailers : .cancel
                try? await connection.send(WireFrame(kind: kind, flags: .endStream, streamID: id))
            })
        let stream = RPCStream(
            descriptor: descriptor, inbound: RPCAsyncSequence(wrapping: call.inbound),
            outbound: RPCWriter.Closable(wrapping: writer))
        let context = ClientContext(
            descriptor: descriptor, remotePeer: "hearth:\(connection.peer)", localPeer: "hearth:client")
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await closure(stream, context))
        } catch {
            outcome = .failure(error)
        }
        if let id = call.id.value {
            await connection.closeStream(id)
        } else {
            call.continuation.finish()
        }
        return try outcome.get()
    }

    /// A stream whose response fails at once with `error`, and whose first write fails with it
    /// (an import stops reading its file). GRPCCore waits out a call's whole deadline when opening
    /// its stream throws (the attempt's timeout task outlives it), so a server that cannot be
    /// reached is reported through the stream: the call retries as for any UNAVAILABLE and then
    /// fails at once, with the reason.
    private static func failedStream(_ descriptor: MethodDescriptor, _ error: any Error) -> RPCStream<
        Inbound, Outbound
    > {
        let (inbound, continuation) = AsyncThrowingStream<RPCResponsePart<Bytes>, any Error>.makeStream()
        continuation.finish(throwing: error)
        let refuse = WireStreamWriter<RPCRequestPart<Bytes>>(onWrite: { _ in throw error }, onFinish: { _ in })
        return RPCStream(
            descriptor: descriptor, inbound: RPCAsyncSequence(wrapping: inbound),
            outbound: RPCWriter.Closable(wrapping: refuse))
    }

    private func streamEnded() {
        let finished = state.withLock { state -> Bool in
            state.openStreams -= 1
            return state.shuttingDown && state.openStreams == 0
        }
        if finished { shutdown.continuation.finish() }
    }

    /// Picks the next endpoint round robin, reusing its connection or opening one (one connect
    /// per endpoint at a time, shared by the calls that wait for it).
    private func connectionForNewStream() async throws -> WireClientConnection {
        enum Choice {
            case use(WireClientConnection)
            case join(Task<WireClientConnection, any Error>, Int)
            case wait(Int)
        }
        var lastError: (any Error)?
        // Each endpoint gets a second try: a connection can die before its first call (the server
        // closed it as idle while this process was busy), and a call that never went out is safe
        // to place on a fresh one.
        for _ in 0..<(2 * endpoints.count) {
            let choice = try state.withLock { state -> Choice in
                guard !state.shuttingDown else {
                    throw RPCError(code: .failedPrecondition, message: "the client is shutting down")
                }
                let index = state.next % state.slots.count
                state.next += 1
                if let connection = state.slots[index].connection, connection.acceptsStreams {
                    state.openStreams += 1
                    return .use(connection)
                }
                if let connecting = state.slots[index].connecting { return .join(connecting, index) }
                if let retryAfter = state.slots[index].retryAfter, ContinuousClock.now < retryAfter {
                    return .wait(index)
                }
                let endpoint = endpoints[index]
                let (maximumFrameSize, keepalive, logger) = (self.maximumFrameSize, self.keepalive, self.logger)
                let connecting = Task {
                    try await WireClientConnection.connect(
                        host: endpoint.host, port: endpoint.port, maximumFrameSize: maximumFrameSize,
                        keepalive: keepalive, logger: logger)
                }
                state.slots[index].connecting = connecting
                return .join(connecting, index)
            }
            switch choice {
            case .use(let connection):
                return connection
            case .wait(let index):
                let reason = state.withLock { $0.slots[index].lastFailure } ?? "it was unreachable moments ago"
                lastError =
                    lastError ?? RPCError(code: .unavailable, message: "cannot reach \(endpoints[index]): \(reason)")
            case .join(let connecting, let index):
                do {
                    let connection = try await connecting.value
                    let (old, usable) = state.withLock { state -> (WireClientConnection?, Bool) in
                        let usable = connection.acceptsStreams
                        if usable { state.openStreams += 1 }
                        guard state.slots[index].connection !== connection else { return (nil, usable) }
                        let old = state.slots[index].connection
                        state.slots[index] = Slot(connection: connection)
                        return (old, usable)
                    }
                    if let old { Task { await old.close() } }
                    if usable { return connection }
                    lastError = RPCError(
                        code: .unavailable, message: "the connection to \(endpoints[index]) closed at once")
                } catch {
                    state.withLock { state in
                        guard state.slots[index].connecting != nil else { return }
                        state.slots[index].connecting = nil
                        state.slots[index].failures += 1
                        let exponent = min(state.slots[index].failures, 6)
                        let backoff = Double(50 << exponent) * Double.random(in: 0.5...1.0)
                        state.slots[index].retryAfter = .now + .milliseconds(Int(backoff))
                        state.slots[index].lastFailure = "\(error)"
                    }
                    lastError = RPCError(
                        code: .unavailable, message: "cannot reach \(endpoints[index]): \(error)", cause: error)
                }
            }
        }
        throw lastError ?? RPCError(code: .unavailable, message: "no endpoint is reachable")
    }
}
