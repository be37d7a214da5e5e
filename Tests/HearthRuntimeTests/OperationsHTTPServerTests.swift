import CoreMetrics
import HearthPostgres
import HearthRuntime
import HearthTestSupport
import HearthWire
import Logging
import Prometheus
import ServiceLifecycle
import Testing

@Suite("Operations endpoint: /metrics, /healthz, /readyz")
struct OperationsHTTPServerTests {
    static let ready: @Sendable () async -> HealthService.Readiness = {
        HealthService.Readiness(databaseReachable: true, migrationsCurrent: true)
    }

    @Test func metricsServesTheRegistryInPrometheusText() async throws {
        let registry = PrometheusCollectorRegistry()
        CoreMetrics.Counter(
            label: "hearth_test_calls_total", dimensions: [("method", "hearth.test.v1.Echo/Get")],
            factory: PrometheusMetricsFactory(registry: registry)
        ).increment(by: 3)
        let server = OperationsHTTPServer(host: "127.0.0.1", port: 0, registry: registry, readiness: Self.ready)
        let answer = try await whileRunning(server) { port in try await HTTPProbe.get("/metrics", port: port) }
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = answer.body.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE hearth_test_calls_total counter"))
        #expect(lines.contains(#"hearth_test_calls_total{method="hearth.test.v1.Echo/Get"} 3"#))
    }

    @Test func metricsShowWhatWasRecordedAfterTheServerStarted() async throws {
        let registry = PrometheusCollectorRegistry()
        let server = OperationsHTTPServer(host: "127.0.0.1", port: 0, registry: registry, readiness: Self.ready)
        let answer = try await whileRunning(server) { port in
            recordOutboxDepth(into: registry)
            return try await HTTPProbe.get("/metrics?format=text", port: port)
        }
        let lines = answer.body.split(separator: "\n").map(String.init)
        #expect(lines.contains("hearth_outbox_pending 12.0"))
        #expect(lines.contains("hearth_outbox_held 3.0"))
    }

    @Test func healthzAnswersOKAndOtherPathsAndMethodsAreRefused() async throws {
        let server = OperationsHTTPServer(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), readiness: Self.ready)
        let (health, missing, posted) = try await whileRunning(server) { port in
            (
                try await HTTPProbe.get("/healthz", port: port),
                try await HTTPProbe.get("/admin", port: port),
                try await HTTPProbe.send("POST", "/metrics", port: port)
            )
        }
        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        #expect(missing.status == 404)
        #expect(missing.body == "not found: this endpoint serves /metrics, /healthz and /readyz\n")
        #expect(posted.status == 405)
        #expect(posted.headers["allow"] == "GET")
    }

    @Test func readyzIsOKWhenTheDatabaseAnswersAndIsMigrated() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let server = OperationsHTTPServer(
                host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(),
                readiness: DatabaseReadiness(pool: pool))
            let answer = try await whileRunning(server) { port in try await HTTPProbe.get("/readyz", port: port) }
            await pool.close()
            #expect(answer.status == 200)
            #expect(answer.body == "ready\n")
        }
    }

    @Test func readyzIs503WithTheReasonWhenTheDatabaseIsUnreachable() async throws {
        let pool = PostgresPool(
            configuration: PostgresPoolConfiguration(
                connection: PostgresConfiguration(
                    url: "postgres://nobody:pw@127.0.0.1:1/none", connectTimeout: .seconds(2)),
                minimumConnections: 0, maximumConnections: 1, leaseTimeout: .milliseconds(300)),
            logger: Logger(label: "hearth.tests"))
        let server = OperationsHTTPServer(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(),
            readiness: DatabaseReadiness(pool: pool))
        let answer = try await whileRunning(server) { port in try await HTTPProbe.get("/readyz", port: port) }
        await pool.close()
        #expect(answer.status == 503)
        #expect(answer.body.hasPrefix("database: "))
    }

    @Test func readyzNamesStaleMigrationsAndGivesUpOnASlowCheck() async throws {
        let stale = OperationsHTTPServer(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry()) {
            HealthService.Readiness(
                databaseReachable: true, migrationsCurrent: false,
                problems: ["schema is at migration 17, this build needs 20: run `hearth db migrate`"])
        }
        let staleAnswer = try await whileRunning(stale) { port in try await HTTPProbe.get("/readyz", port: port) }
        #expect(staleAnswer.status == 503)
        #expect(staleAnswer.body == "schema is at migration 17, this build needs 20: run `hearth db migrate`\n")

        let slow = OperationsHTTPServer(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), readinessTimeout: .milliseconds(200)
        ) {
            try? await Task.sleep(for: .seconds(5))
            return HealthService.Readiness(databaseReachable: true, migrationsCurrent: true)
        }
        let slowAnswer = try await whileRunning(slow) { port in try await HTTPProbe.get("/readyz", port: port) }
        #expect(slowAnswer.status == 503)
        #expect(slowAnswer.body.hasPrefix("database: no answer within"))
    }

    @Test func aTakenAddressFailsNamingTheVariable() async throws {
        let first = OperationsHTTPServer(
            host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), readiness: Self.ready)
        let (outcome, secondPort) = try await whileRunning(first) { port in
            let second = OperationsHTTPServer(
                host: "127.0.0.1", port: port, registry: PrometheusCollectorRegistry(), readiness: Self.ready)
            let outcome: Result<Void, any Error>
            do {
                try await second.run()
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            return (outcome, await second.listeningPort())
        }
        guard case .failure(let failure) = outcome else {
            Issue.record("a second server bound an address already in use")
            return
        }
        let error = try #require(failure as? ServiceConfigurationError)
        #expect(error.variable == "HEARTH_METRICS_LISTEN")
        #expect(error.message.contains("127.0.0.1"))
        #expect(secondPort == nil)
    }

    private func recordOutboxDepth(into registry: PrometheusCollectorRegistry) {
        withMetricsFactory(PrometheusMetricsFactory(registry: registry)) {
            HearthMetrics.recordOutboxDepth(pending: 12, held: 3)
        }
    }

    /// Runs `server` in a service group while `body` talks to it, then shuts it down gracefully.
    private func whileRunning<T>(_ server: OperationsHTTPServer, _ body: (Int) async throws -> T) async throws -> T {
        let group = ServiceGroup(services: [server], logger: Logger(label: "hearth.tests.operations"))
        let running = Task { try await group.run() }
        guard let port = await server.listeningPort() else {
            try await running.value
            throw HTTPProbeError.malformed("the operations server did not start")
        }
        do {
            let value = try await body(port)
            await group.triggerGracefulShutdown()
            try await running.value
            return value
        } catch {
            await group.triggerGracefulShutdown()
            _ = await running.result
            throw error
        }
    }
}
