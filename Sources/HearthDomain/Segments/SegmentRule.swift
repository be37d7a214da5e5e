/// A segment's rule as a typed tree: what the operator wrote, checked against the fields' types,
/// ready for the store to compile into SQL.
///
/// Build one with ``parse(_:)``; ``description`` prints it back as canonical text that parses to
/// the same tree. `and` and `or` hold two or more operands in the order written; a parenthesised
/// group stays a node of its own, so `(a and b) and c` keeps its shape.
public indirect enum SegmentRule: Hashable, Sendable, Codable {
    case and([SegmentRule])
    case or([SegmentRule])
    case not(SegmentRule)
    /// `vip_tier >= 1`; the value's case matches the field's type.
    case compare(SegmentField, ComparisonOperator, SegmentValue)
    /// `org_kind in ("pharmacy", "clinic")`, or `not in` when `negated`.
    case oneOf(SegmentField, [SegmentValue], negated: Bool)
    /// `tag "core"`.
    case hasTag(String)
    /// `interest "skincare"`.
    case hasInterest(String)
    /// `member_of("vip-sichuan")`: the members of another saved segment, by name.
    case memberOf(segment: String)
    /// `in_community("成都药店1群")`: a community's name or id, resolved by the store.
    case inCommunity(String)
    /// `check_ins(last 7d).count >= 3`: how many events of a kind within the window.
    case eventCount(kind: EventKind, window: TimeSpan, ComparisonOperator, Int64)
    /// `purchases(last 90d).sum >= 9900`: the purchase amount in fen within the window; only
    /// purchases carry an amount, so no other kind has a sum.
    case purchaseSum(window: TimeSpan, ComparisonOperator, fen: Int64)

    /// Parses and type-checks rule text as operators type it.
    ///
    /// Throws a ``SegmentRuleError`` naming the line and column of the first problem.
    public static func parse(_ text: String) throws(SegmentRuleError) -> SegmentRule {
        var parser = try SegmentRuleParser(text)
        return try parser.parseRule()
    }

    /// The names of the segments this rule uses through `member_of`, at any depth; the store
    /// follows them to refuse a cycle before saving.
    public var referencedSegments: Set<String> {
        switch self {
        case .and(let operands), .or(let operands):
            var names: Set<String> = []
            for operand in operands { names.formUnion(operand.referencedSegments) }
            return names
        case .not(let operand):
            return operand.referencedSegments
        case .memberOf(let segment):
            return [segment]
        case .compare, .oneOf, .hasTag, .hasInterest, .inCommunity, .eventCount, .purchaseSum:
            return []
        }
    }
}
