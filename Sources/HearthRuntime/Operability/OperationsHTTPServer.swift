public import HearthWire
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// The process's operations endpoint on a port of its own (`HEARTH_METRICS_LISTEN`), plain
/// HTTP/1.1 so scrapers and health checks need neither a token nor the RPC protocol:
///
/// - `GET /metrics`: the registry in Prometheus text format (`text/plain; version=0.0.4`);
/// - `GET /healthz`: 200 `ok` while the process runs;
/// - `GET /readyz`: 200 `ready` when the database answers and its migrations are current, else
///   503 with one reason per line;
/// - 404 for another path, 405 for another method.
///
/// Each connection gets one answer and is closed, so shutting down never waits on a keep-alive
/// connection. Put it first in the `ServiceGroup`: it is then shut down last, and answers while
/// the RPC server drains.
public final class OperationsHTTPServer: Service, Sendable {
    public let host: String
    public let requestedPort: Int
    private let routes: OperationsRoutes
    private let logger: Logger
    private let state = Mutex(State())
    private let bound = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))

    private struct State {
        var port: Int?
        var listener: (any Channel)?
        var stopping = false
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Listens on `host:port` (port 0 picks a free one, see ``listeningPort()``); `readiness`
    /// decides `/readyz`, and a check slower than `readinessTimeout` counts as not ready.
    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, readinessTimeout: Duration = .seconds(3),
        logger: Logger = Logger(label: "hearth.operations"),
        readiness: @escaping @Sendable () async -> HealthService.Readiness
    ) {
        self.host = host
        self.requestedPort = port
        self.routes = OperationsRoutes(registry: registry, readiness: readiness, readinessTimeout: readinessTimeout)
        self.logger = logger
    }

    /// An endpoint whose `/readyz` is the process's ``DatabaseReadiness``.
    public convenience init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, readiness: DatabaseReadiness,
        readinessTimeout: Duration = .seconds(3), logger: Logger = Logger(label: "hearth.operations")
    ) {
        self.init(
            host: host, port: port, registry: registry, readinessTimeout: readinessTimeout, logger: logger,
            readiness: { await readiness.check() })
    }

    /// The port actually bound, once listening; `nil` when binding failed.
    public func listeningPort() async -> Int? {
        if let port = state.withLock({ $0.port }) { return port }
        for await port in bound.stream { return port }
        return state.withLock { $0.port }
    }

    /// Serves until graceful shutdown (or cancellation). Throws when the address cannot be bound,
    /// naming `HEARTH_METRICS_LISTEN`.
    public func run() async throws {
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: requestedPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            bound.continuation.finish()  // listeningPort() answers nil instead of waiting forever
            throw ServiceConfigurationError(
                variable: "HEARTH_METRICS_LISTEN",
                message: "cannot serve /metrics, /healthz and /readyz on \(host):\(requestedPort): \(error) "
                    + "(set HEARTH_METRICS_LISTEN to a free HOST:PORT, or off)")
        }
        let port = listener.channel.localAddress?.port ?? requestedPort
        let stoppedEarly = state.withLock { state -> Bool in
            state.port = port
            state.listener = listener.channel
            return state.stopping
        }
        bound.continuation.yield(port)
        bound.continuation.finish()
        if stoppedEarly { listener.channel.close(promise: nil) }
        logger.info(
            "serving operations endpoint",
            metadata: ["address": "\(host):\(port)", "paths": "/metrics /healthz /readyz"])

        let routes = routes
        let logger = logger
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await Self.serve(connection, routes: routes, logger: logger) }
                        }
                    }
                } catch {
                    if !Task.isCancelled && !state.withLock({ $0.stopping }) {
                        logger.warning("operations endpoint stopped accepting", metadata: ["error": "\(error)"])
                    }
                }
                // The listener is closed: answers still being written are not waited for.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopListening()
        }
    }

    private func stopListening() {
        let listener = state.withLock { state -> (any Channel)? in
            state.stopping = true
            return state.listener
        }
        listener?.close(promise: nil)
    }

    /// Reads one request and writes its answer; a client that goes away is not an error worth more
    /// than a debug line.
    private static func serve(_ connection: Connection, routes: OperationsRoutes, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue
                    case .end:
                        guard let head = request else { return }
                        let answer = await routes.answer(method: head.method, uri: head.uri)
                        try await outbound.write(contentsOf: answer.parts(version: head.version))
                        return
                    }
                }
            }
        } catch {
            logger.debug("operations endpoint connection ended", metadata: ["error": "\(error)"])
        }
    }
}
