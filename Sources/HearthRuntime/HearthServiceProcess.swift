import Foundation
public import GRPCCore
public import HearthPostgres
import HearthStore
public import HearthWire
public import Logging
public import ServiceLifecycle
import UnixSignals

/// The life of one Hearth service process: check the configuration, optionally migrate, open the
/// pool, serve its RPC services plus Health behind authentication and the access log, and drain on
/// SIGTERM or SIGINT. Each executable's `main` is a call to ``run(name:version:configuration:services:)``.
public enum HearthServiceProcess {
    /// Runs until SIGTERM/SIGINT; `services` builds the process's RPC services on the open pool.
    public static func run(
        name: String,
        version: String,
        configuration: ServiceConfiguration,
        logger: Logger,
        services: @Sendable (PostgresPool) throws -> [any RegistrableRPCService],
        background: @Sendable (PostgresPool) throws -> [any Service] = { _ in [] }
    ) async throws {
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
        let group = ServiceGroup(
            services: [GRPCServerService(server)] + (try background(pool)),
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

    /// A server for `services` behind the access log and authentication with the roles of
    /// `HearthAccessPolicy`: how every Hearth process serves (and how tests serve the same way).
    public static func makeServer<Transport: ServerTransport>(
        transport: Transport, services: [any RegistrableRPCService], secret: AccessTokenSecret, logger: Logger
    ) -> GRPCServer<Transport> {
        GRPCServer(
            transport: transport, services: services,
            interceptors: [
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
