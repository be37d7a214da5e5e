extension SegmentRule: CustomStringConvertible {
    /// The rule in canonical text: lower-case keywords, one space around operators, text in double
    /// quotes and parentheses around every nested `and` / `or`, so precedence is visible and the
    /// text parses back to this same tree. Operators see it as the normalised form of what they
    /// typed.
    ///
    /// An `and` or `or` with a single operand prints as that operand, so it reads back without
    /// the wrapper; the parser never builds one.
    public var description: String {
        switch self {
        case .and(let operands):
            return operands.map(\.operandText).joined(separator: " and ")
        case .or(let operands):
            return operands.map(\.operandText).joined(separator: " or ")
        case .not(let operand):
            return "not \(operand.operandText)"
        case .compare(let field, let comparison, let value):
            return "\(field.rawValue) \(comparison.rawValue) \(value)"
        case .oneOf(let field, let values, let negated):
            let list = values.map(\.description).joined(separator: ", ")
            return "\(field.rawValue) \(negated ? "not in" : "in") (\(list))"
        case .hasTag(let tag):
            return "tag \(SegmentValue.quoted(tag))"
        case .hasInterest(let interest):
            return "interest \(SegmentValue.quoted(interest))"
        case .memberOf(let segment):
            return "member_of(\(SegmentValue.quoted(segment)))"
        case .inCommunity(let community):
            return "in_community(\(SegmentValue.quoted(community)))"
        case .eventCount(let kind, let window, let comparison, let count):
            return "\(kind.pluralName)(last \(window)).count \(comparison.rawValue) \(count)"
        case .purchaseSum(let window, let comparison, let fen):
            return "\(EventKind.purchase.pluralName)(last \(window)).sum \(comparison.rawValue) \(fen)"
        }
    }

    /// This rule as an operand of `and`, `or` or `not`: a nested group goes in parentheses.
    private var operandText: String {
        switch self {
        case .and, .or: "(\(description))"
        default: description
        }
    }
}
