public import GRPCCore

/// Counts every RPC by method and final status (`hearth_rpc_requests_total{method,code}`) and
/// times it (`hearth_rpc_duration_seconds{method}`), from the interceptor's entry until the last
/// response message is written, so streaming calls are measured to their end.
///
/// The code is the canonical gRPC name (`OK`, `NOT_FOUND`, `UNAUTHENTICATED`, …). Placed first
/// in the chain it also counts calls the authentication interceptor refuses.
public struct RPCMetricsInterceptor: ServerInterceptor {
    public init() {}

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let started = ContinuousClock.now
        let method = "\(context.descriptor.service.fullyQualifiedService)/\(context.descriptor.method)"
        var response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            Self.record(method: method, code: Self.codeName(of: error), since: started)
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            Self.record(method: method, code: Self.codeName(error.code), since: started)
            return response
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    Self.record(method: method, code: "OK", since: started)
                    return trailers
                } catch {
                    Self.record(method: method, code: Self.codeName(of: error), since: started)
                    throw error
                }
            }
            response.accepted = .success(contents)
            return response
        }
    }

    private static func record(method: String, code: String, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        HearthMetrics.recordRPC(method: method, code: code, nanoseconds: nanoseconds)
    }

    /// The status a client sees for `error`: its own code for an `RPCError` (or a convertible
    /// error), CANCELLED for cancellation, UNKNOWN otherwise (as GRPCCore answers).
    static func codeName(of error: any Error) -> String {
        switch error {
        case let error as RPCError: codeName(error.code)
        case let error as any RPCErrorConvertible: codeName(error.rpcErrorCode)
        case is CancellationError: codeName(.cancelled)
        default: codeName(.unknown)
        }
    }

    /// Canonical gRPC status names, indexed by status number.
    private static let codeNames = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    static func codeName(_ code: RPCError.Code) -> String {
        codeNames.indices.contains(code.rawValue) ? codeNames[code.rawValue] : "CODE_\(code.rawValue)"
    }
}
