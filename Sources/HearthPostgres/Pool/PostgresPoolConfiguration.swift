/// Sizing and timeouts of a ``PostgresPool``.
public struct PostgresPoolConfiguration: Sendable, Hashable {
    public var connection: PostgresConfiguration
    /// Connections opened by ``PostgresPool/prewarm()`` and kept even when idle.
    public var minimumConnections: Int
    /// Never more than this many connections at once; further leases wait.
    public var maximumConnections: Int
    /// How long a lease may wait for a free connection (or for the server to come back) before it
    /// fails with ``PostgresError/Code/leaseTimeout``.
    public var leaseTimeout: Duration

    public init(
        connection: PostgresConfiguration,
        minimumConnections: Int = 1,
        maximumConnections: Int = 10,
        leaseTimeout: Duration = .seconds(5)
    ) {
        self.connection = connection
        self.minimumConnections = max(0, minimumConnections)
        self.maximumConnections = max(1, maximumConnections)
        self.leaseTimeout = leaseTimeout
    }

    /// Reads `HEARTH_DB_POOL_MIN`, `HEARTH_DB_POOL_MAX`, `HEARTH_DB_LEASE_TIMEOUT_MS` and
    /// `HEARTH_DB_STATEMENT_TIMEOUT_MS`; a malformed value is an error naming the variable.
    public init(url: String?, environment: [String: String]) throws(PostgresConfigurationError) {
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) throws(PostgresConfigurationError)
            -> Int
        {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw PostgresConfigurationError(
                    variable: name,
                    message: "\(name)=\(text) is not a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return parsed
        }
        let minimum = try number("HEARTH_DB_POOL_MIN", default: 1, range: 0...1000)
        let maximum = try number("HEARTH_DB_POOL_MAX", default: 10, range: 1...1000)
        guard minimum <= maximum else {
            throw PostgresConfigurationError(
                variable: "HEARTH_DB_POOL_MIN",
                message: "HEARTH_DB_POOL_MIN (\(minimum)) is larger than HEARTH_DB_POOL_MAX (\(maximum))")
        }
        let lease = try number("HEARTH_DB_LEASE_TIMEOUT_MS", default: 5000, range: 1...3_600_000)
        let statement = try number("HEARTH_DB_STATEMENT_TIMEOUT_MS", default: 30_000, range: 0...86_400_000)
        self.init(
            connection: PostgresConfiguration(
                url: url, statementTimeout: statement == 0 ? nil : .milliseconds(statement)),
            minimumConnections: minimum,
            maximumConnections: maximum,
            leaseTimeout: .milliseconds(lease))
    }
}

/// A configuration value that cannot be used, with the variable to fix.
public struct PostgresConfigurationError: Error, Sendable, CustomStringConvertible {
    public var variable: String
    public var message: String
    public var description: String { message }
}
