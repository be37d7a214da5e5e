/// What a segment field holds; it decides which comparisons and literals a rule may use on it, so
/// `vip_tier = "gold"` is refused when the rule is saved rather than when it runs.
public enum SegmentValueType: String, Hashable, Sendable, Codable, CaseIterable {
    /// Text in double quotes: `region.province = "Sichuan"`.
    case text
    /// A whole number: `vip_tier >= 1`.
    case integer
    /// A number with or without decimals: `churn_risk > 0.7`.
    case number
    /// `true` or `false`: `consent.sms = true`.
    case boolean
    /// One of the lifecycle stages, in double quotes: `lifecycle = "lapsed"`.
    case lifecycleStage = "lifecycle_stage"
    /// A moment, relative (`30d ago`) or a calendar day (`2026-01-01`): `last_active_at < 30d ago`.
    case time

    /// The comparisons that mean something for this type: text has no order, a time is never
    /// exactly equal to another.
    public var operators: [ComparisonOperator] {
        switch self {
        case .text, .lifecycleStage, .boolean: [.equal, .notEqual]
        case .integer, .number: ComparisonOperator.allCases
        case .time: [.less, .lessOrEqual, .greater, .greaterOrEqual]
        }
    }

    /// Whether `field in (…)` and `field not in (…)` are allowed.
    public var allowsLists: Bool {
        switch self {
        case .text, .lifecycleStage, .integer, .number: true
        case .boolean, .time: false
        }
    }

    /// The type in an error message: "vip_tier is a whole number".
    var noun: String {
        switch self {
        case .text: "text"
        case .integer: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        case .lifecycleStage: "a lifecycle stage"
        case .time: "a time"
        }
    }

    /// The value the field takes, with an example, for "vip_tier takes a whole number, e.g. 3".
    var expectation: String {
        switch self {
        case .text: "text in double quotes, e.g. \"Sichuan\""
        case .integer: "a whole number, e.g. 3"
        case .number: "a number, e.g. 42 or 0.75"
        case .boolean: "true or false"
        case .lifecycleStage:
            "a lifecycle stage in double quotes: "
                + LifecycleStage.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        case .time: "a time, e.g. 30d ago or 2026-01-01"
        }
    }

    /// The comparisons allowed, for "compare it with =, !=, in (…) or not in (…)".
    var comparisonsText: String {
        var options = operators.map(\.rawValue)
        if allowsLists { options += ["in (…)", "not in (…)"] }
        guard let last = options.last, options.count > 1 else { return options.joined() }
        return options.dropLast().joined(separator: ", ") + " or " + last
    }
}
