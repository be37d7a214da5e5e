/// A cron expression that does not parse, with where the problem is.
///
/// `column` is 1-based and counts Unicode scalars of the text as the operator typed it, like
/// `SourcePosition` on the wire, so a client can underline the spot; `field` names which of the five
/// fields it is in (`nil` when the problem is the number of fields). ``description`` leads with the
/// position: `column 3 (hour field): hour 24 is outside 0-23`.
public struct CronExpressionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: CronExpression.Field?
    public var column: Int
    public var message: String

    public init(field: CronExpression.Field?, column: Int, message: String) {
        self.field = field
        self.column = column
        self.message = message
    }

    public var description: String {
        if let field { return "column \(column) (\(field) field): \(message)" }
        return "column \(column): \(message)"
    }
}

extension DomainError {
    /// A cron expression the operator must fix: invalid argument, with the position leading the message.
    public init(_ error: CronExpressionError) {
        self.init(code: .invalidArgument, message: "cron expression, \(error.description)")
    }
}
