extension SegmentRuleParser {
    /// The quoted name after `tag` or `interest`, which the caller has consumed.
    mutating func parseLabel(
        after keyword: SegmentRuleToken, what: String, example: String, maximumLength: Int
    ) throws(SegmentRuleError) -> String {
        let token = current
        guard case .string(let name) = token.kind else {
            throw failure(
                .syntax, at: token,
                "expected the \(what) in double quotes after \"\(keyword.text)\", e.g. \(example), "
                    + "found \(found(token))")
        }
        try checkName(name, at: token, what: what, maximumLength: maximumLength)
        try advance()
        return name
    }

    /// The quoted argument of `member_of(…)` or `in_community(…)`, whose name the caller has consumed.
    mutating func parseCallArgument(
        after function: SegmentRuleToken, what: String, example: String
    ) throws(SegmentRuleError) -> String {
        try expect(.leftParenthesis, "expected \"(\" after \(function.text), e.g. \(example)")
        let token = current
        guard case .string(let name) = token.kind else {
            throw failure(
                .syntax, at: token, "expected the \(what) in double quotes, e.g. \(example), found \(found(token))")
        }
        try checkName(name, at: token, what: what, maximumLength: 200)
        try advance()
        try expect(.rightParenthesis, "expected \")\" after the \(what)")
        return name
    }

    /// Names are stored as written, so an empty or overlong one could never match anything.
    private func checkName(
        _ name: String, at token: SegmentRuleToken, what: String, maximumLength: Int
    ) throws(SegmentRuleError) {
        if name.isEmpty {
            throw failure(.invalidValue, at: token, "the \(what) cannot be empty")
        }
        if name.count > maximumLength {
            throw failure(
                .invalidValue, at: token, "the \(what) may have at most \(maximumLength) characters, not \(name.count)")
        }
    }
}
