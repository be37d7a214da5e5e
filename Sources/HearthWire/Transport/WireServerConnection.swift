import GRPCCore
import HearthProtos
import Logging
import NIOCore
import Synchronization

/// One accepted TCP connection on the server: it turns each new stream into an `RPCStream` for the
/// listener, routes later frames to it, and cancels its handlers when the peer cancels or goes away.
final class WireServerConnection: WireFrameReceiver {
    typealias Part = RPCRequestPart<[UInt8]>
    typealias Continuation = AsyncThrowingStream<Part, any Error>.Continuation

    /// A stream accepted from the peer, waiting for the listener to run its handler.
    struct Accepted: Sendable {
        var stream: RPCStream<ServerTransportInbound, ServerTransportOutbound>
        var connection: WireServerConnection
        var id: UInt32
    }

    let channel: any Channel
    let peer: String
    private let table = Mutex(Table())
    private let accept: @Sendable (Accepted) -> Bool
    private let logger: Logger
    private let maximumFrameSize: Int

    private struct Entry {
        var continuation: Continuation
        var flow: WireStreamFlow
        var cancellation: ServerContext.RPCCancellationHandle?
        var cancelled = false

        /// Ends the inbound side and wakes a handler waiting for window to write.
        func end(throwing error: RPCError?) {
            flow.close(error ?? RPCError(code: .cancelled, message: "the call has ended"))
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        }
    }

    private struct Table {
        var streams: [UInt32: Entry] = [:]
        var highestID: UInt32 = 0
        var draining = false
    }

    init(
        channel: any Channel, maximumFrameSize: Int, logger: Logger,
        accept: @escaping @Sendable (Accepted) -> Bool
    ) {
        self.channel = channel
        self.maximumFrameSize = maximumFrameSize
        self.peer = channel.remoteAddress.map { "\($0)" } ?? "unknown"
        self.logger = logger
        self.accept = accept
    }

    var openStreamCount: Int { table.withLock { $0.streams.count } }

    /// Links the handler's cancellation handle to the stream; cancels at once if the peer already did.
    func register(_ handle: ServerContext.RPCCancellationHandle, for id: UInt32) {
        let cancelNow = table.withLock { table -> Bool in
            table.streams[id]?.cancellation = handle
            return table.streams[id]?.cancelled ?? true
        }
        if cancelNow { handle.cancel() }
    }

    func streamFinished(_ id: UInt32) {
        let (entry, drained) = table.withLock { table in
            (table.streams.removeValue(forKey: id), table.draining && table.streams.isEmpty)
        }
        entry?.end(throwing: nil)
        if drained { channel.close(promise: nil) }
    }

    /// Stops taking streams: sends GOAWAY, and closes once the streams in flight are done.
    func beginDraining() {
        let (last, idle) = table.withLock { table -> (UInt32, Bool) in
            table.draining = true
            return (table.highestID, table.streams.isEmpty)
        }
        var goAway = Hearth_Wire_V1_GoAway()
        goAway.lastStreamID = last
        goAway.reason = "server shutting down"
        let frame = WireFrame(kind: .goAway, streamID: 0, body: WireEnvelope.body(goAway))
        channel.writeAndFlush(frame).whenComplete { [channel] _ in
            if idle { channel.close(promise: nil) }
        }
    }

    /// Ends every stream now (the grace period ran out).
    func forceClose() {
        cancelAll()
        channel.close(promise: nil)
    }

    /// Queues a frame without waiting for the socket write (a hop to the event loop and back per
    /// frame); memory is bounded by the streams' flow-control windows, and a failed write closes
    /// the channel, which cancels the streams.
    func send(_ frame: WireFrame) async throws {
        guard channel.isActive else {
            throw RPCError(code: .unavailable, message: "the client connection was lost")
        }
        channel.writeAndFlush(frame, promise: nil)
    }

    // MARK: - Frames from the client (event loop)

    func receive(_ frame: WireFrame) throws {
        switch frame.kind {
        case .headers:
            try openStream(frame)
        case .message:
            deliverMessage(frame.body, to: frame.streamID)
        case .windowUpdate:
            let increment = try WireFrame.windowIncrement(of: frame)
            table.withLock { $0.streams[frame.streamID] }?.flow.grant(increment)
        case .trailers:
            // The client's half-close: no more requests on this stream.
            table.withLock { $0.streams[frame.streamID] }?.continuation.finish()
        case .cancel:
            let entry = table.withLock { table -> Entry? in
                table.streams[frame.streamID]?.cancelled = true
                return table.streams[frame.streamID]
            }
            entry?.cancellation?.cancel()
            entry?.end(throwing: RPCError(code: .cancelled, message: "the client cancelled the call"))
        case .ping:
            channel.writeAndFlush(WireFrame(kind: .pong, streamID: 0, body: frame.body), promise: nil)
        case .pong, .goAway:
            break
        }
    }

    private func openStream(_ frame: WireFrame) throws {
        let id = frame.streamID
        let headers = try WireEnvelope.parse(Hearth_Wire_V1_RequestHeaders.self, from: frame.body)
        let (base, continuation) = AsyncThrowingStream<Part, any Error>.makeStream()
        let flow = WireStreamFlow(maximumFrameSize: maximumFrameSize)
        let channel = self.channel
        let inbound = WireFlowControlledInbound(
            base: base,
            messageSize: { part in
                if case .message(let bytes) = part { bytes.count } else { nil }
            },
            onRead: { bytes in
                guard let increment = flow.read(bytes) else { return }
                channel.writeAndFlush(WireFrame.windowUpdate(streamID: id, increment: increment), promise: nil)
            })
        let refusal: String? = try table.withLock { table in
            guard id % 2 == 1, id > table.highestID else {
                throw WireProtocolError(code: .unexpectedFrame, message: "stream \(id) is not a new odd stream id")
            }
            table.highestID = id
            if table.draining { return "the server is shutting down" }
            table.streams[id] = Entry(continuation: continuation, flow: flow)
            return nil
        }
        if let refusal {
            refuse(id, code: .unavailable, message: refusal)
            return
        }
        guard let descriptor = WireEnvelope.descriptor(fromPath: headers.methodPath) else {
            table.withLock { _ = $0.streams.removeValue(forKey: id) }
            refuse(id, code: .unimplemented, message: "\"\(headers.methodPath)\" is not a method path")
            return
        }
        continuation.yield(.metadata(WireEnvelope.decode(headers.metadata)))
        let writer = WireStreamWriter<RPCResponsePart<[UInt8]>>(
            onWrite: { [self] part in
                switch part {
                case .metadata(let metadata):
                    var response = Hearth_Wire_V1_ResponseHeaders()
                    response.metadata = WireEnvelope.encode(metadata)
                    try await send(WireFrame(kind: .headers, streamID: id, body: WireEnvelope.body(response)))
                case .message(let bytes):
                    try await flow.reserve(bytes.count)
                    try await send(WireFrame(kind: .message, streamID: id, body: .init(bytes: bytes)))
                case .status(let status, let metadata):
                    try await send(
                        WireFrame(
                            kind: .trailers, flags: .endStream, streamID: id,
                            body: WireEnvelope.trailers(status: status, metadata: metadata)))
                }
            },
            onFinish: { _ in })
        let stream = RPCStream(
            descriptor: descriptor, inbound: RPCAsyncSequence(wrapping: inbound),
            outbound: RPCWriter.Closable(wrapping: writer))
        if !accept(Accepted(stream: stream, connection: self, id: id)) {
            table.withLock { _ = $0.streams.removeValue(forKey: id) }
            refuse(id, code: .unavailable, message: "the server is shutting down")
        }
    }

    private func refuse(_ id: UInt32, code: Status.Code, message: String) {
        let body = WireEnvelope.trailers(status: Status(code: code, message: message), metadata: [:])
        channel.writeAndFlush(WireFrame(kind: .trailers, flags: .endStream, streamID: id, body: body), promise: nil)
    }

    private func deliverMessage(_ body: ByteBuffer, to id: UInt32) {
        guard let entry = table.withLock({ $0.streams[id] }) else { return }
        guard entry.flow.received(body.readableBytes) else {
            entry.cancellation?.cancel()
            entry.end(
                throwing: RPCError(
                    code: .resourceExhausted, message: "the client sent beyond the stream's flow-control window"))
            return
        }
        entry.continuation.yield(.message(Array(body.readableBytesView)))
    }

    func connectionFailed(_ error: any Error) {
        logger.warning(
            "closing a client connection after a protocol error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        cancelAll()
    }

    func connectionClosed() {
        cancelAll()
    }

    /// Nothing moved for the idle timeout: close unless calls are still open (a long server stream
    /// that is just slow to produce is not idle).
    func connectionIdle() -> Bool {
        return openStreamCount == 0
    }

    private func cancelAll() {
        let entries = table.withLock { table -> [Entry] in
            table.draining = true
            for key in table.streams.keys { table.streams[key]?.cancelled = true }
            return Array(table.streams.values)
        }
        for entry in entries {
            entry.cancellation?.cancel()
            entry.end(throwing: RPCError(code: .cancelled, message: "the client connection closed"))
        }
    }
}

typealias ServerTransportInbound = RPCAsyncSequence<RPCRequestPart<[UInt8]>, any Error>
typealias ServerTransportOutbound = RPCWriter<RPCResponsePart<[UInt8]>>.Closable
