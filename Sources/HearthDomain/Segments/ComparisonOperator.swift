/// How a field or an event aggregate is compared with a value in a segment rule, written as in
/// the rule text (`vip_tier >= 1`).
public enum ComparisonOperator: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    public var description: String { rawValue }
}
