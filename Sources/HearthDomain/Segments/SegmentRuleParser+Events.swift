extension SegmentRuleParser {
    /// `purchases(last 90d).count >= 1` or `purchases(last 90d).sum >= 9900`; the plural name has
    /// been consumed.
    mutating func parseAggregate(of kind: EventKind, at name: SegmentRuleToken) throws(SegmentRuleError)
        -> SegmentRule
    {
        let plural = kind.pluralName
        let example = "\(plural)(last 90d).count >= 1"
        try expect(.leftParenthesis, "expected \"(\" after \(name.text), e.g. \(example)")
        try expect(.keyword(.last), "expected \"last\" and a window inside \(plural)(…), e.g. \(example)")
        let windowToken = current
        guard case .timeSpan(let window) = windowToken.kind else {
            throw failure(
                .syntax, at: windowToken,
                "expected a window such as 90d, 2w or 12h after \"last\", found \(found(windowToken))")
        }
        try advance()
        try expect(.rightParenthesis, "expected \")\" after the window \(window)")
        let measures = kind == .purchase ? ".count or .sum" : ".count"
        try expect(.dot, "expected \(measures) after \(plural)(last \(window))")

        let measureToken = current
        guard case .identifier(let measure) = measureToken.kind,
            ["count", "sum"].contains(measure.lowercased())
        else {
            throw failure(
                .syntax, at: measureToken,
                "expected \(measures) after \(plural)(last \(window)), found \(found(measureToken))")
        }
        let isSum = measure.lowercased() == "sum"
        if isSum, kind != .purchase {
            throw failure(
                .typeMismatch, at: measureToken,
                "only purchases carry an amount, so \(plural) have no sum; count them with .count")
        }
        try advance()

        let comparisonToken = current
        guard case .comparison(let comparison) = comparisonToken.kind else {
            throw failure(
                .syntax, at: comparisonToken,
                "expected a comparison (=, !=, <, <=, >, >=) after .\(measure.lowercased()), "
                    + "found \(found(comparisonToken))")
        }
        try advance()

        let amount = try parseAggregateAmount(after: comparisonToken, isSum: isSum)
        return isSum
            ? .purchaseSum(window: window, comparison, fen: amount)
            : .eventCount(kind: kind, window: window, comparison, amount)
    }

    /// The whole number an aggregate is compared with: a count, or a sum in fen.
    private mutating func parseAggregateAmount(
        after comparison: SegmentRuleToken, isSum: Bool
    ) throws(SegmentRuleError) -> Int64 {
        let token = current
        switch token.kind {
        case .integer(let amount):
            guard amount >= 0 else {
                throw failure(.invalidValue, at: token, "\(isSum ? "a sum" : "a count") cannot be negative")
            }
            try advance()
            return amount
        case .decimal, .string, .keyword(.trueLiteral), .keyword(.falseLiteral), .timeSpan, .date:
            let expectation =
                isSum
                ? "a sum of purchases is a whole number of fen (9900 for 99 CNY)"
                : "a count is a whole number"
            throw failure(.typeMismatch, at: token, "\(expectation), not \(found(token))")
        default:
            throw failure(.syntax, at: token, "expected a number after \"\(comparison.text)\", found \(found(token))")
        }
    }
}
