/// An error from the database layer, with what PostgreSQL said and a code Hearth can act on.
///
/// SQLSTATE is mapped to a ``Code`` in exactly one place (``Code/init(sqlState:)``), so callers
/// switch on codes and never on raw SQLSTATE strings.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes are static members, never enum cases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A row with the same unique key exists (23505).
        public static let uniqueViolation = Code("uniqueViolation")
        /// A referenced row is missing or still referenced (23503).
        public static let foreignKeyViolation = Code("foreignKeyViolation")
        /// A CHECK constraint refused the row (23514).
        public static let checkViolation = Code("checkViolation")
        /// A required column was NULL (23502).
        public static let notNullViolation = Code("notNullViolation")
        /// Another transaction's writes conflicted (40001): retry the whole transaction.
        public static let serializationFailure = Code("serializationFailure")
        /// Two transactions waited on each other (40P01): retry the whole transaction.
        public static let deadlockDetected = Code("deadlockDetected")
        /// The statement was cancelled or hit its statement timeout (57014).
        public static let queryCanceled = Code("queryCanceled")
        /// The connection broke mid-use (08xxx, 57P01–57P03, or a dead socket).
        public static let connectionLost = Code("connectionLost")
        /// A new connection could not be opened.
        public static let connectionFailed = Code("connectionFailed")
        /// The role may not do this, including row-level security refusals (42501).
        public static let insufficientPrivilege = Code("insufficientPrivilege")
        /// A value was malformed or out of range for its column (class 22).
        public static let invalidValue = Code("invalidValue")
        /// The SQL itself is wrong: syntax, unknown table or column (class 42).
        public static let invalidStatement = Code("invalidStatement")
        /// No pooled connection became free within the lease timeout.
        public static let leaseTimeout = Code("leaseTimeout")
        /// The pool was shut down.
        public static let poolClosed = Code("poolClosed")
        /// A result cell could not be decoded into the requested Swift type.
        public static let decodingFailed = Code("decodingFailed")
        /// A migration file is missing, malformed or was edited after being applied.
        public static let migrationFailed = Code("migrationFailed")
        /// Any other error reported by the server.
        public static let server = Code("server")

        /// The one mapping from SQLSTATE to Hearth's codes.
        public init(sqlState: String) {
            switch sqlState {
            case "23505": self = .uniqueViolation
            case "23503": self = .foreignKeyViolation
            case "23514": self = .checkViolation
            case "23502": self = .notNullViolation
            case "40001": self = .serializationFailure
            case "40P01": self = .deadlockDetected
            case "57014": self = .queryCanceled
            case "57P01", "57P02", "57P03": self = .connectionLost
            case "42501": self = .insufficientPrivilege
            case _ where sqlState.hasPrefix("08"): self = .connectionLost
            case _ where sqlState.hasPrefix("22"): self = .invalidValue
            case _ where sqlState.hasPrefix("42"): self = .invalidStatement
            default: self = .server
            }
        }
    }

    public var code: Code
    public var message: String
    /// The five-character SQLSTATE when the server reported one.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(
        code: Code,
        message: String,
        sqlState: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// True for the failures a transaction should simply be run again for.
    public var isTransient: Bool {
        code == .serializationFailure || code == .deadlockDetected
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let constraint { text += " (constraint \(constraint))" }
        if let detail { text += " — \(detail)" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }
}
