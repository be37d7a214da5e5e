import NIOCore

/// Receives the frames of one connection on its event loop and hands them to the connection's
/// stream table, which never blocks; protocol errors close the connection once.
final class WireFrameInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WireFrame

    private let receiver: any WireFrameReceiver
    private var failed = false

    init(receiver: any WireFrameReceiver) {
        self.receiver = receiver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            try receiver.receive(frame)
        } catch {
            fail(context: context, error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        receiver.connectionClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if receiver.connectionIdle() { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        guard !failed else { return }
        failed = true
        receiver.connectionFailed(error)
        context.close(promise: nil)
    }
}

/// What a connection's frame handler delivers to.
protocol WireFrameReceiver: Sendable {
    /// Called on the event loop for each frame; throwing closes the connection as a protocol error.
    func receive(_ frame: WireFrame) throws
    func connectionFailed(_ error: any Error)
    func connectionClosed()
    /// Nothing was read (client) or nothing happened (server) for the configured time; returns
    /// whether to close the connection.
    func connectionIdle() -> Bool
}
