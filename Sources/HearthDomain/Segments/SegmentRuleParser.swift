/// Reads a segment rule by recursive descent and type-checks each condition as it goes, so a rule
/// that parses is one the store can compile.
///
///     rule     = or-rule END
///     or-rule  = and-rule { "or" and-rule }              -- "or" binds looser than "and"
///     and-rule = unary { "and" unary }
///     unary    = "not" unary | primary
///     primary  = "(" or-rule ")"
///              | "tag" TEXT | "interest" TEXT
///              | "member_of" "(" TEXT ")" | "in_community" "(" TEXT ")"
///              | EVENTS "(" "last" SPAN ")" "." ( "count" | "sum" ) OP INTEGER
///              | FIELD OP value
///              | FIELD [ "not" ] "in" "(" value { "," value } ")"
///     value    = TEXT | INTEGER | DECIMAL | "true" | "false" | SPAN "ago" | DATE
///
/// Keywords and names are case-insensitive; a chain `a and b and c` is one `and` node, a
/// parenthesised group is a node of its own.
struct SegmentRuleParser {
    /// How deeply parentheses and `not` may nest; deeper rules are refused rather than risk the
    /// stack of a service thread.
    static let maximumDepth = 32

    /// Ends with `.end`, which stands in for an unreadable token when `lexerError` is set.
    var tokens: [SegmentRuleToken]
    /// Thrown on reaching the unreadable token, so an earlier problem is reported first.
    let lexerError: SegmentRuleError?
    var index = 0
    var depth = 0

    init(_ text: String) throws(SegmentRuleError) {
        var lexer = SegmentRuleLexer(text)
        let lexed = lexer.tokens()
        tokens = lexed.tokens
        lexerError = lexed.error
        if tokens.count == 1, let lexerError { throw lexerError }
    }

    /// The whole rule; anything left after it is an error.
    mutating func parseRule() throws(SegmentRuleError) -> SegmentRule {
        if current.kind == .end {
            throw failure(
                .syntax, at: current, "the rule is empty; write a condition such as tag \"core\" or vip_tier >= 1")
        }
        let rule = try parseOr()
        switch current.kind {
        case .end:
            return rule
        case .rightParenthesis:
            throw failure(.syntax, at: current, "this \")\" has no matching \"(\"")
        default:
            throw failure(
                .syntax, at: current, "expected \"and\" or \"or\" between conditions, found \(found(current))")
        }
    }

    private mutating func parseOr() throws(SegmentRuleError) -> SegmentRule {
        let first = try parseAnd()
        var operands = [first]
        while try accept(.or) {
            let next = try parseAnd()
            operands.append(next)
        }
        return operands.count == 1 ? first : .or(operands)
    }

    private mutating func parseAnd() throws(SegmentRuleError) -> SegmentRule {
        let first = try parseUnary()
        var operands = [first]
        while try accept(.and) {
            let next = try parseUnary()
            operands.append(next)
        }
        return operands.count == 1 ? first : .and(operands)
    }

    private mutating func parseUnary() throws(SegmentRuleError) -> SegmentRule {
        guard current.kind == .keyword(.not) else { return try parsePrimary() }
        try enter(current)
        defer { depth -= 1 }
        try advance()
        let operand = try parseUnary()
        return .not(operand)
    }

    private mutating func parsePrimary() throws(SegmentRuleError) -> SegmentRule {
        let token = current
        switch token.kind {
        case .leftParenthesis:
            try enter(token)
            defer { depth -= 1 }
            try advance()
            let inner = try parseOr()
            try expect(
                .rightParenthesis, "expected \")\" to close the \"(\" at line \(token.line), column \(token.column)")
            return inner
        case .keyword(.tag):
            try advance()
            let tag = try parseLabel(after: token, what: "tag", example: "tag \"core\"", maximumLength: 64)
            return .hasTag(tag)
        case .keyword(.interest):
            try advance()
            let interest = try parseLabel(
                after: token, what: "interest", example: "interest \"skincare\"", maximumLength: 64)
            return .hasInterest(interest)
        case .identifier(let word):
            return try parseNamed(word, at: token)
        default:
            let after = index > 0 ? " after \"\(tokens[index - 1].text)\"" : ""
            throw failure(.syntax, at: token, "expected a condition\(after), found \(found(token))")
        }
    }

    /// A condition that starts with a name: a function, an event aggregate or a field.
    private mutating func parseNamed(_ word: String, at token: SegmentRuleToken) throws(SegmentRuleError)
        -> SegmentRule
    {
        let name = word.lowercased()
        switch name {
        case "member_of":
            try advance()
            let segment = try parseCallArgument(
                after: token, what: "segment name", example: "member_of(\"vip-sichuan\")")
            return .memberOf(segment: segment)
        case "in_community":
            try advance()
            let community = try parseCallArgument(
                after: token, what: "community name or id", example: "in_community(\"chengdu-pharmacies-1\")")
            return .inCommunity(community)
        default:
            if let kind = EventKind(pluralName: name) {
                try advance()
                return try parseAggregate(of: kind, at: token)
            }
            if let field = SegmentField(rawValue: name) {
                try advance()
                return try parseComparison(of: field)
            }
            throw unknownName(word, at: token)
        }
    }

    private func unknownName(_ word: String, at token: SegmentRuleToken) -> SegmentRuleError {
        let calls = ["member_of", "in_community"] + EventKind.allCases.map(\.pluralName)
        let fields = SegmentField.allCases.map(\.rawValue)
        if peekKind(1) == .leftParenthesis {
            if let suggestion = NameSuggestion.closest(to: word, among: calls) {
                return failure(
                    .unknownName, at: token, "unknown event or function \"\(word)\"; did you mean \"\(suggestion)\"?")
            }
            return failure(
                .unknownName, at: token,
                "unknown event or function \"\(word)\"; write member_of(…), in_community(…) or one of "
                    + calls.dropFirst(2).joined(separator: ", "))
        }
        if let suggestion = NameSuggestion.closest(to: word, among: fields + calls + ["tag", "interest"]) {
            return failure(.unknownName, at: token, "unknown field \"\(word)\"; did you mean \"\(suggestion)\"?")
        }
        return failure(
            .unknownName, at: token, "unknown field \"\(word)\"; fields are \(fields.joined(separator: ", "))")
    }

    // MARK: Reading tokens

    var current: SegmentRuleToken { tokens[index] }

    func peekKind(_ offset: Int) -> SegmentRuleToken.Kind {
        tokens[min(index + offset, tokens.count - 1)].kind
    }

    /// Moves to the next token, throwing the lexer's error on reaching a token it could not read;
    /// the `.end` token is never passed.
    mutating func advance() throws(SegmentRuleError) {
        guard index < tokens.count - 1 else { return }
        index += 1
        if index == tokens.count - 1, let lexerError { throw lexerError }
    }

    private mutating func accept(_ keyword: SegmentRuleToken.Keyword) throws(SegmentRuleError) -> Bool {
        guard current.kind == .keyword(keyword) else { return false }
        try advance()
        return true
    }

    /// Consumes a token of `kind`, or fails with `expectation` and what was found instead.
    @discardableResult
    mutating func expect(_ kind: SegmentRuleToken.Kind, _ expectation: String) throws(SegmentRuleError)
        -> SegmentRuleToken
    {
        let token = current
        guard token.kind == kind else {
            throw failure(.syntax, at: token, "\(expectation), found \(found(token))")
        }
        try advance()
        return token
    }

    private mutating func enter(_ token: SegmentRuleToken) throws(SegmentRuleError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw failure(
                .tooComplex, at: token, "parentheses and not may nest at most \(Self.maximumDepth) levels deep")
        }
    }

    /// A token as an error message names it: `"and"`, `the text "Sichuan"`, `the end of the rule`.
    func found(_ token: SegmentRuleToken) -> String {
        switch token.kind {
        case .end: "the end of the rule"
        case .string: "the text \(token.text)"
        case .integer, .decimal: "the number \(token.text)"
        case .date: "the date \(token.text)"
        case .timeSpan: "the time span \(token.text)"
        default: "\"\(token.text)\""
        }
    }

    func failure(_ code: SegmentRuleError.Code, at token: SegmentRuleToken, _ message: String) -> SegmentRuleError {
        SegmentRuleError(code: code, line: token.line, column: token.column, message: message)
    }
}
