public import Foundation

/// A literal on the right of a comparison, already checked against its field's type: the case
/// follows the field (a `number` field always gets `.number`, even from `42`), so the store
/// compiles each case one way.
public enum SegmentValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case text(String)
    case integer(Int64)
    case number(Decimal)
    case boolean(Bool)
    case lifecycleStage(LifecycleStage)
    /// A moment relative to when the segment is evaluated: `30d ago`.
    case ago(TimeSpan)
    /// The start of a calendar day in the tenant's time zone: `2026-01-01`.
    case date(CalendarDate)

    /// The value as written in canonical rule text.
    public var description: String {
        switch self {
        case .text(let text): Self.quoted(text)
        case .integer(let value): String(value)
        case .number(let value): value.description
        case .boolean(let value): value ? "true" : "false"
        case .lifecycleStage(let stage): Self.quoted(stage.rawValue)
        case .ago(let span): "\(span) ago"
        case .date(let date): date.description
        }
    }

    /// `text` in double quotes, with `"` and `\` escaped by a backslash as the lexer reads them.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
