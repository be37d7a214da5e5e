/// A segment rule that does not parse or type-check, with where the problem starts.
///
/// `line` and `column` are 1-based; columns count Unicode scalars, as `SourcePosition` on the
/// wire does, so a client can underline the spot in the text it sent. `message` says what is
/// wrong and how to fix it; ``description`` puts the position in front.
public struct SegmentRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text does not follow the grammar: a missing parenthesis, a stray character.
        public static let syntax = Code("syntax")
        /// A field, event or function the language does not know (`provice`).
        public static let unknownName = Code("unknownName")
        /// A value or comparison that does not fit the field (`vip_tier = "gold"`, `region.city < 3`).
        public static let typeMismatch = Code("typeMismatch")
        /// A value of the right type that cannot be: an unknown lifecycle stage, 2026-02-30, `in ()`.
        public static let invalidValue = Code("invalidValue")
        /// Longer or deeper than a rule may be.
        public static let tooComplex = Code("tooComplex")
    }

    public var code: Code
    public var line: Int
    public var column: Int
    public var message: String

    public init(code: Code, line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 1, column 27: expected a value after "=", found "and"`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

extension DomainError {
    /// A rule the operator must fix: invalid argument, with the position leading the message.
    public init(_ error: SegmentRuleError) {
        self.init(code: .invalidArgument, message: error.description)
    }
}
