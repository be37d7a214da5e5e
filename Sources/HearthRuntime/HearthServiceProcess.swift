import Foundation
public import GRPCCore
public import HearthPostgres
import HearthStore
public import HearthWire
public import Logging
import Prometheus
public import ServiceLifecycle
import UnixSignals

/// The life of one Hearth service process: set up logs and metrics, check the configuration,
/// optionally migrate, open the pool, serve its RPC services plus Health behind authentication and
/// the access log, serve `/metrics`, `/healthz` and `/readyz` on the operations port, and drain on
/// SIGTERM or SIGINT. Each executable's `main` is a call to ``run(name:version:configuration:services:)``.
public enum HearthServiceProcess {
    /// Runs until SIGTERM/SIGINT; `services` builds the process's RPC services on the open pool.
    ///
    /// Bootstraps logging and metrics from the environment first (``HearthObservability``). A
    /// `logger` made before that keeps the handler it was made with, so `run` logs through a fresh
    /// logger of the same label; a `main` that wants its own loggers in the same format calls
    /// ``HearthObservability/bootstrap(process:)`` before making them.
    public static func run(
        name: String,
        version: String,
        configuration: ServiceConfiguration,
        logger: Logger,
        services: @Sendable (PostgresPool) throws -> [any RegistrableRPCService],
        background: @Sendable (PostgresPool) throws -> [any Service] = { _ in [] }
    ) async throws {
        let environment = ProcessInfo.processInfo.environment
        let registry = try HearthObservability.bootstrap(process: name, environment: environment)
        let operationsEndpoint = try HearthObservability.metricsEndpoint(process: name, environment: environment)
        let logger = Logger(label: logger.label)
        if configuration.migrateOnStart {
            try await migrate(name: name, configuration: configuration, logger: logger)
        }
        let pool = PostgresPool(configuration: configuration.database, logger: logger)
        let readiness = DatabaseReadiness(pool: pool)
        let transport = WireServerTransport(
            host: configuration.listen.host, port: configuration.listen.port,
            gracePeriod: configuration.gracePeriod, logger: logger)
        let server = makeServer(
            transport: transport,
            services: try services(pool) + [
                HealthService(process: name, version: version, readiness: { await readiness.check() })
            ],
            secret: configuration.authSecret, logger: logger)
        // Shut down in reverse order: background work first, the RPC server next (draining calls in
        // flight), the operations endpoint last so it answers throughout.
        var lifecycle: [any Service] = []
        if let operationsEndpoint {
            lifecycle.append(
                OperationsHTTPServer(
                    host: operationsEndpoint.host, port: operationsEndpoint.port, registry: registry,
                    readiness: readiness, logger: logger))
        }
        lifecycle.append(GRPCServerService(server))
        lifecycle.append(PoolMetricsSampler(pool: pool))
        lifecycle += try background(pool)
        let group = ServiceGroup(
            services: lifecycle,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        let announce = Task {
            guard let port = await transport.listeningPort() else { return }
            logger.info(
                "serving", metadata: ["process": "\(name)", "address": "\(configuration.listen.host):\(port)"])
        }
        defer { announce.cancel() }
        do {
            try await group.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        logger.info("stopped", metadata: ["process": "\(name)"])
    }

    /// A server for `services` behind RPC metrics, the access log and authentication with the roles
    /// of `HearthAccessPolicy`: how every Hearth process serves (and how tests serve the same way;
    /// without a bootstrapped metrics backend the metrics cost next to nothing).
    public static func makeServer<Transport: ServerTransport>(
        transport: Transport, services: [any RegistrableRPCService], secret: AccessTokenSecret, logger: Logger
    ) -> GRPCServer<Transport> {
        GRPCServer(
            transport: transport, services: services,
            interceptors: [
                RPCMetricsInterceptor(),
                AccessLogInterceptor(logger: logger),
                AuthenticationInterceptor(
                    secret: secret, requiredRole: HearthAccessPolicy.requiredRole(for:),
                    now: { Int64(Date().timeIntervalSince1970) }),
            ])
    }

    /// Applies pending migrations as the schema's owner; safe when several replicas start at once
    /// (the migrator holds an advisory lock).
    static func migrate(name: String, configuration: ServiceConfiguration, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConfiguration(
                url: configuration.adminDatabaseURL, applicationName: "\(name)-migrate", statementTimeout: nil),
            logger: logger)
        let applied: [Int]
        do {
            applied = try await HearthMigrations.migrator().migrate(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        if !applied.isEmpty {
            logger.info("migrated", metadata: ["applied": "\(applied.map(String.init).joined(separator: " "))"])
        }
    }
}
