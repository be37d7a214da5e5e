import CoreMetrics
import GRPCCore
import HearthPostgres
import HearthRuntime
import HearthTestSupport
import Prometheus
import Testing

@Suite("RPC, job and pool metrics")
struct RPCMetricsTests {
    @Test func everyCallIsCountedByMethodAndFinalStatusAndTimed() async throws {
        let registry = PrometheusCollectorRegistry()
        let interceptor = RPCMetricsInterceptor()
        let descriptor = MethodDescriptor(fullyQualifiedService: "hearth.test.v1.Echo", method: "Get")
        let codes = await withMetricsFactory(PrometheusMetricsFactory(registry: registry)) {
            await withServerContextRPCCancellationHandle { handle in
                let context = ServerContext(
                    descriptor: descriptor, remotePeer: "test", localPeer: "test", cancellation: handle)
                return [
                    // Answers and finishes.
                    await call(interceptor, context) { _, _ in
                        StreamingServerResponse(of: String.self) { writer in
                            try await writer.write("hello")
                            return [:]
                        }
                    },
                    // The handler refuses before answering.
                    await call(interceptor, context) { _, _ in
                        throw RPCError(code: .notFound, message: "no member 13800138000")
                    },
                    // The stream breaks after it started.
                    await call(interceptor, context) { _, _ in
                        StreamingServerResponse(of: String.self) { writer in
                            try await writer.write("first")
                            throw RPCError(code: .unavailable, message: "member-service went away")
                        }
                    },
                    // Rejected without a handler error being thrown.
                    await call(interceptor, context) { _, _ in
                        StreamingServerResponse(
                            of: String.self, error: RPCError(code: .permissionDenied, message: "no"))
                    },
                ]
            }
        }
        let expected: [RPCError.Code?] = [nil, .notFound, .unavailable, .permissionDenied]
        #expect(codes == expected)
        let lines = registry.emitToString().split(separator: "\n").map(String.init)
        for code in ["OK", "NOT_FOUND", "UNAVAILABLE", "PERMISSION_DENIED"] {
            #expect(lines.contains(#"hearth_rpc_requests_total{method="hearth.test.v1.Echo/Get",code="\#(code)"} 1"#))
        }
        #expect(lines.contains(#"hearth_rpc_duration_seconds_count{method="hearth.test.v1.Echo/Get"} 4"#))
        #expect(lines.contains("# TYPE hearth_rpc_duration_seconds histogram"))
    }

    @Test func jobRunsAreTimedAndCountedByOutcome() {
        let registry = PrometheusCollectorRegistry()
        withMetricsFactory(PrometheusMetricsFactory(registry: registry)) {
            HearthMetrics.recordJobRun(job: "rfm", seconds: 2.5, succeeded: true)
            HearthMetrics.recordJobRun(job: "rfm", seconds: 0.5, succeeded: false)
            HearthMetrics.recordJobRun(job: "community_health", seconds: 1, succeeded: true)
        }
        let lines = registry.emitToString().split(separator: "\n").map(String.init)
        #expect(lines.contains(#"hearth_job_runs_total{job="rfm",outcome="succeeded"} 1"#))
        #expect(lines.contains(#"hearth_job_runs_total{job="rfm",outcome="failed"} 1"#))
        #expect(lines.contains(#"hearth_job_runs_total{job="community_health",outcome="succeeded"} 1"#))
        #expect(lines.contains(#"hearth_job_duration_seconds_count{job="rfm"} 2"#))
        #expect(lines.contains(#"hearth_job_duration_seconds_sum{job="rfm"} 3.0"#))
    }

    @Test func poolUsageShowsIdleAndInUseConnections() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let registry = PrometheusCollectorRegistry()
            let factory = PrometheusMetricsFactory(registry: registry)
            let busy = try await pool.withConnection { _ in
                record(pool.usage, with: factory)
                return registry.emitToString()
            }
            record(pool.usage, with: factory)
            let quiet = registry.emitToString()
            await pool.close()
            let busyLines = busy.split(separator: "\n").map(String.init)
            #expect(busyLines.contains(#"hearth_db_pool_connections{state="in_use"} 1.0"#))
            #expect(busyLines.contains(#"hearth_db_pool_connections{state="idle"} 0.0"#))
            #expect(busyLines.contains("hearth_db_pool_waiters 0.0"))
            let quietLines = quiet.split(separator: "\n").map(String.init)
            #expect(quietLines.contains(#"hearth_db_pool_connections{state="in_use"} 0.0"#))
            #expect(quietLines.contains(#"hearth_db_pool_connections{state="idle"} 1.0"#))
        }
    }

    private func record(_ usage: PostgresPool.Usage, with factory: PrometheusMetricsFactory) {
        withMetricsFactory(factory) {
            HearthMetrics.recordPoolUsage(usage)
        }
    }

    /// Runs one call through `interceptor` to its end, writing the response nowhere; the status
    /// code it failed with, `nil` for OK.
    private func call(
        _ interceptor: RPCMetricsInterceptor, _ context: ServerContext,
        handler:
            @escaping @Sendable (StreamingServerRequest<String>, ServerContext) async throws
            -> StreamingServerResponse<String>
    ) async -> RPCError.Code? {
        let request = StreamingServerRequest<String>(
            metadata: [:], messages: RPCAsyncSequence(wrapping: AsyncThrowingStream<String, any Error> { $0.finish() }))
        do {
            let response = try await interceptor.intercept(request: request, context: context, next: handler)
            let contents = try response.accepted.get()
            _ = try await contents.producer(RPCWriter(wrapping: DiscardingWriter<String>()))
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }
}

/// An RPC writer that drops what it is given.
struct DiscardingWriter<Element: Sendable>: RPCWriterProtocol {
    func write(_ element: Element) async throws {}
    func write(contentsOf elements: some Sequence<Element>) async throws {}
}
