import Foundation

extension SegmentRuleParser {
    /// `field op value`, `field in (…)` or `field not in (…)`; the field name has been consumed.
    mutating func parseComparison(of field: SegmentField) throws(SegmentRuleError) -> SegmentRule {
        let token = current
        switch token.kind {
        case .comparison(let comparison):
            guard field.valueType.operators.contains(comparison) else {
                throw failure(
                    .typeMismatch, at: token,
                    "\(field.rawValue) is \(field.valueType.noun); compare it with \(field.valueType.comparisonsText)")
            }
            try advance()
            let value = try parseValue(for: field, after: token)
            return .compare(field, comparison, value)
        case .keyword(.inList):
            try advance()
            let values = try parseList(for: field, after: token)
            return .oneOf(field, values, negated: false)
        case .keyword(.not):
            try advance()
            let inToken = current
            guard inToken.kind == .keyword(.inList) else {
                throw failure(
                    .syntax, at: inToken,
                    "expected \"in\" after \"not\", e.g. \(field.rawValue) not in (…), found \(found(inToken))")
            }
            try advance()
            let values = try parseList(for: field, after: inToken)
            return .oneOf(field, values, negated: true)
        default:
            throw failure(
                .syntax, at: token,
                "expected a comparison after \(field.rawValue) (\(field.valueType.comparisonsText)), "
                    + "found \(found(token))")
        }
    }

    /// `(v1, v2, …)` after `in`, which the caller has consumed; at least one value.
    private mutating func parseList(
        for field: SegmentField, after inToken: SegmentRuleToken
    ) throws(SegmentRuleError) -> [SegmentValue] {
        guard field.valueType.allowsLists else {
            throw failure(
                .typeMismatch, at: inToken,
                "\(field.rawValue) is \(field.valueType.noun); compare it with \(field.valueType.comparisonsText)")
        }
        var separator = try expect(
            .leftParenthesis, "expected \"(\" after \"\(inToken.text)\", e.g. org_kind in (\"pharmacy\", \"clinic\")")
        if current.kind == .rightParenthesis {
            throw failure(.invalidValue, at: current, "the list after \"in\" is empty; give at least one value")
        }
        var values: [SegmentValue] = []
        while true {
            let value = try parseValue(for: field, after: separator)
            values.append(value)
            let token = current
            switch token.kind {
            case .comma:
                try advance()
                separator = token
            case .rightParenthesis:
                try advance()
                return values
            default:
                throw failure(.syntax, at: token, "expected \",\" or \")\" in the list, found \(found(token))")
            }
        }
    }

    /// A literal of the field's type after `previous` (`=`, `(` or `,`), as the typed value the
    /// tree keeps.
    private mutating func parseValue(
        for field: SegmentField, after previous: SegmentRuleToken
    ) throws(SegmentRuleError) -> SegmentValue {
        let token = current
        let type = field.valueType
        let value: SegmentValue
        switch (type, token.kind) {
        case (.text, .string(let text)):
            value = .text(text)
        case (.lifecycleStage, .string(let text)):
            guard let stage = LifecycleStage(rawValue: text.lowercased()) else {
                throw unknownStage(text, at: token)
            }
            value = .lifecycleStage(stage)
        case (.integer, .integer(let number)):
            value = .integer(number)
        case (.number, .integer(let number)):
            value = .number(Decimal(Int(number)))
        case (.number, .decimal(let number)):
            value = .number(number)
        case (.boolean, .keyword(.trueLiteral)):
            value = .boolean(true)
        case (.boolean, .keyword(.falseLiteral)):
            value = .boolean(false)
        case (.time, .date(let date)):
            value = .date(date)
        case (.time, .timeSpan(let span)):
            try advance()
            guard current.kind == .keyword(.ago) else {
                throw failure(
                    .syntax, at: current,
                    "expected \"ago\" after \(token.text), e.g. \(field.rawValue) < \(token.text) ago, "
                        + "found \(found(current))")
            }
            value = .ago(span)
        case (_, .string), (_, .integer), (_, .decimal), (_, .keyword(.trueLiteral)), (_, .keyword(.falseLiteral)),
            (_, .date), (_, .timeSpan):
            throw failure(.typeMismatch, at: token, "\(field.rawValue) takes \(type.expectation), not \(found(token))")
        case (.text, .identifier(let word)), (.lifecycleStage, .identifier(let word)):
            throw failure(
                .syntax, at: token,
                "expected a value after \"\(previous.text)\", found \"\(word)\"; "
                    + "put text in double quotes: \"\(word)\"")
        default:
            throw failure(.syntax, at: token, "expected a value after \"\(previous.text)\", found \(found(token))")
        }
        try advance()
        if case .number(let number) = value, let range = field.numberRange, !range.contains(number) {
            throw failure(
                .invalidValue, at: token,
                "\(field.rawValue) runs from \(range.lowerBound) to \(range.upperBound), "
                    + "so \(token.text) is out of range")
        }
        return value
    }

    private func unknownStage(_ text: String, at token: SegmentRuleToken) -> SegmentRuleError {
        let stages = LifecycleStage.allCases.map(\.rawValue)
        let hint = NameSuggestion.closest(to: text, among: stages).map { "did you mean \"\($0)\"? " } ?? ""
        return failure(
            .invalidValue, at: token,
            "unknown lifecycle stage \"\(text)\"; \(hint)the stages are \(stages.joined(separator: ", "))")
    }
}
