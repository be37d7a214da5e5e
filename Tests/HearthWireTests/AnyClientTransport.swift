import GRPCCore

/// Lets one test body run over either transport: GRPCClient needs a concrete transport type.
struct AnyClientTransport: ClientTransport {
    typealias Bytes = [UInt8]
    let base: any ClientTransport<[UInt8]>

    var retryThrottle: RetryThrottle? { base.retryThrottle }
    func connect() async throws { try await base.connect() }
    func beginGracefulShutdown() { base.beginGracefulShutdown() }
    func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? { base.config(forMethod: descriptor) }

    func withStream<T: Sendable>(
        descriptor: MethodDescriptor,
        options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        try await base.withStream(descriptor: descriptor, options: options, closure)
    }
}
