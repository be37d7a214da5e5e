public import HearthPostgres
public import HearthWire

/// What a Hearth service process reads from its environment, checked before anything starts so a
/// wrong setting stops the process at once with the variable to fix.
public struct ServiceConfiguration: Sendable {
    /// Where the process listens (`HOST:PORT`).
    public var listen: WireClientTransport.Endpoint
    /// The services' own database role (`HEARTH_DATABASE_URL`, or libpq's `PG*` variables).
    public var database: PostgresPoolConfiguration
    /// The owner's URL for migrations on start (`HEARTH_ADMIN_DATABASE_URL`, else the service URL).
    public var adminDatabaseURL: String?
    /// `HEARTH_MIGRATE_ON_START=1`: apply pending migrations before serving.
    public var migrateOnStart: Bool
    public var authSecret: AccessTokenSecret
    /// How long calls in flight may run on after SIGTERM (`HEARTH_SHUTDOWN_GRACE_SECONDS`).
    public var gracePeriod: Duration

    /// Reads the environment; `listenVariable` names the process's own address variable
    /// (`HEARTH_MEMBER_LISTEN`, …) and `defaultListen` its default.
    public init(
        environment: [String: String], listenVariable: String, defaultListen: String
    ) throws(ServiceConfigurationError) {
        let listenText = environment[listenVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultListen
        guard let listen = WireClientTransport.Endpoint(listenText) else {
            throw ServiceConfigurationError(variable: listenVariable, message: "\(listenText) is not HOST:PORT")
        }
        self.listen = listen
        let url = environment["HEARTH_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            self.database = try PostgresPoolConfiguration(url: url, environment: environment)
        } catch {
            throw ServiceConfigurationError(variable: error.variable, message: error.message)
        }
        self.adminDatabaseURL = environment["HEARTH_ADMIN_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? url
        switch environment["HEARTH_MIGRATE_ON_START"] ?? "" {
        case "", "0", "false", "no": self.migrateOnStart = false
        case "1", "true", "yes": self.migrateOnStart = true
        case let other:
            throw ServiceConfigurationError(
                variable: "HEARTH_MIGRATE_ON_START", message: "HEARTH_MIGRATE_ON_START=\(other): use 1 or 0")
        }
        guard let secret = environment["HEARTH_AUTH_SECRET"], !secret.isEmpty else {
            throw ServiceConfigurationError(
                variable: "HEARTH_AUTH_SECRET",
                message: "HEARTH_AUTH_SECRET is not set: every process of one installation needs the same secret "
                    + "(at least 32 bytes, e.g. `openssl rand -hex 32`)")
        }
        do {
            self.authSecret = try AccessTokenSecret(secret)
        } catch {
            throw ServiceConfigurationError(variable: "HEARTH_AUTH_SECRET", message: error.description)
        }
        let graceText = environment["HEARTH_SHUTDOWN_GRACE_SECONDS"] ?? ""
        if graceText.isEmpty {
            self.gracePeriod = .seconds(30)
        } else if let seconds = Int(graceText), (0...3600).contains(seconds) {
            self.gracePeriod = .seconds(seconds)
        } else {
            throw ServiceConfigurationError(
                variable: "HEARTH_SHUTDOWN_GRACE_SECONDS",
                message: "HEARTH_SHUTDOWN_GRACE_SECONDS=\(graceText) is not a whole number of seconds in 0…3600")
        }
    }
}

/// A setting a process cannot start with, naming the variable to fix.
public struct ServiceConfigurationError: Error, Sendable, CustomStringConvertible {
    public var variable: String
    public var message: String
    public var description: String { message }

    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }
}

/// The version every Hearth executable reports in Health and `--version`.
public enum HearthVersion {
    public static let current = "0.1.0"
}
