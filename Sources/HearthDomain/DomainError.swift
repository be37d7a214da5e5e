/// A rule of the domain was broken; the message says which, in words an operator can act on.
///
/// Codes mirror the RPC status an edge maps them to, so the mapping lives in one place there.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The input itself is wrong (a bad phone number, a negative price).
        public static let invalidArgument = Code("invalidArgument")
        /// The thing asked for does not exist (or belongs to another tenant).
        public static let notFound = Code("notFound")
        /// It exists already (a second member with the same phone).
        public static let alreadyExists = Code("alreadyExists")
        /// The state does not allow it (launching a cancelled campaign).
        public static let failedPrecondition = Code("failedPrecondition")
        /// The caller's role does not allow it.
        public static let permissionDenied = Code("permissionDenied")
        /// A conflicting change won; try again.
        public static let aborted = Code("aborted")
        /// The database or a peer is unreachable right now.
        public static let unavailable = Code("unavailable")
        /// A bug or an unexpected failure.
        public static let `internal` = Code("internal")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
