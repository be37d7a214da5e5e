public import GRPCCore
public import ServiceLifecycle

/// Runs a `GRPCServer` in a `ServiceGroup`, so SIGTERM drains it: graceful shutdown stops taking
/// connections, sends GOAWAY, and lets calls in flight finish within the transport's grace period.
public struct GRPCServerService<Transport: ServerTransport>: Service {
    public let server: GRPCServer<Transport>

    public init(_ server: GRPCServer<Transport>) {
        self.server = server
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}

/// Runs a `GRPCClient`'s connections in a `ServiceGroup`; on graceful shutdown the client finishes
/// the calls in flight and takes no new ones.
public struct GRPCClientService<Transport: ClientTransport>: Service {
    public let client: GRPCClient<Transport>

    public init(_ client: GRPCClient<Transport>) {
        self.client = client
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await client.runConnections()
        } onGracefulShutdown: {
            client.beginGracefulShutdown()
        }
    }
}
