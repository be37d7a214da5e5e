import Foundation

/// One word, literal or symbol of a segment rule, with where it starts so an error can point at it.
struct SegmentRuleToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// A field, event or function name; dotted names (`region.province`) are one identifier.
        case identifier(String)
        case keyword(Keyword)
        /// Quoted text, escapes resolved.
        case string(String)
        case integer(Int64)
        case decimal(Decimal)
        /// `90d`, `2w`, `12h`.
        case timeSpan(TimeSpan)
        /// `2026-01-01`.
        case date(CalendarDate)
        case comparison(ComparisonOperator)
        case leftParenthesis
        case rightParenthesis
        case comma
        case dot
        /// After the last token; placed just past it, where a missing part belongs.
        case end
    }

    /// Reserved words, matched case-insensitively.
    enum Keyword: String, Hashable, Sendable, CaseIterable {
        case and
        case or
        case not
        case inList = "in"
        case tag
        case interest
        case last
        case ago
        case trueLiteral = "true"
        case falseLiteral = "false"
    }

    var kind: Kind
    /// The token as written, quoted back in error messages.
    var text: String
    var line: Int
    var column: Int
}
