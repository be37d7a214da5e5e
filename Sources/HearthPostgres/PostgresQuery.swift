/// A statement and its parameters. Interpolated values become `$n` parameters, never SQL text.
///
///     let query: PostgresQuery = "SELECT name FROM members WHERE tenant_id = \(tenant) AND phone = \(phone)"
///
/// Use ``StringInterpolation/appendInterpolation(unescaped:)`` only for trusted SQL fragments
/// (e.g. a column list chosen from an enum), never for input.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: [PostgresBind]

    public init(_ sql: String, binds: [PostgresBind] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Adds a parameter and returns its placeholder, for building statements piece by piece.
    public mutating func bind(_ value: some PostgresEncodable) -> String {
        binds.append(value.postgresBind)
        return "$\(binds.count)"
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A value: sent as parameter `$n`.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// An optional value: `nil` is sent as NULL of the wrapped type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// An already-encoded parameter.
        public mutating func appendInterpolation(bind: PostgresBind) {
            binds.append(bind)
            sql += "$\(binds.count)"
        }

        /// Trusted SQL text spliced as-is. Never pass input here.
        public mutating func appendInterpolation(unescaped sql: String) {
            self.sql += sql
        }
    }
}
