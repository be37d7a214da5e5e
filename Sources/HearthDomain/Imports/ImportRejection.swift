/// Why one row of an import was refused, reported back to the operator with its row number so
/// they can fix the source file. Nothing an import leaves out goes unreported.
public struct ImportRejection: Error, Hashable, Sendable {
    /// The row's number in the source file, as the client numbered it.
    public var rowNumber: Int64
    /// The column at fault, e.g. "phone"; `nil` when the row as a whole is refused.
    public var field: String?
    /// A stable lowercase code, e.g. "phone_invalid", "duplicate_in_file".
    public var code: String
    /// For the operator: what is wrong and, where it helps, what would be right.
    public var reason: String

    public init(rowNumber: Int64, field: String?, code: String, reason: String) {
        self.rowNumber = rowNumber
        self.field = field
        self.code = code
        self.reason = reason
    }
}
