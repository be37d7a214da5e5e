/// Isolation levels for ``PostgresConnection/withTransaction(isolation:readOnly:_:)``.
public enum PostgresIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T>(
        isolation: PostgresIsolation = .readCommitted,
        readOnly: Bool = false,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
        let value: T
        do {
            value = try await body(self)
        } catch {
            if !isBroken { try? await executeScript("ROLLBACK") }
            throw error
        }
        try await executeScript("COMMIT")
        return value
    }
}
