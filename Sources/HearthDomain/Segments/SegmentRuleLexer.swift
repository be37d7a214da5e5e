import Foundation

/// Splits a rule into tokens and records where each starts; lines and columns are 1-based and
/// columns count Unicode scalars, so `"成都"` is four columns wide.
struct SegmentRuleLexer {
    /// The longest rule accepted, in Unicode scalars (the store keeps at most 10,000 characters).
    static let maximumLength = 10_000

    private struct Position {
        var index: Int
        var line: Int
        var column: Int
    }

    private let scalars: [Unicode.Scalar]
    private var position = Position(index: 0, line: 1, column: 1)

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The rule's tokens, ending with one `.end` token placed just past the last of them.
    ///
    /// When a token cannot be read, the tokens before it come back with the error instead of the
    /// error being thrown, so the parser can report an earlier problem first: problems are
    /// reported in the order they appear in the text.
    mutating func tokens() -> (tokens: [SegmentRuleToken], error: SegmentRuleError?) {
        let start = SegmentRuleToken(kind: .end, text: "", line: 1, column: 1)
        guard scalars.count <= Self.maximumLength else {
            let error = SegmentRuleError(
                code: .tooComplex, line: 1, column: 1,
                message: "a rule may have at most \(Self.maximumLength) characters; this one has \(scalars.count)")
            return ([start], error)
        }
        var result: [SegmentRuleToken] = []
        var end = start
        while true {
            skipWhitespace()
            guard peek() != nil else { return (result + [end], nil) }
            do throws(SegmentRuleError) {
                let token = try nextToken()
                result.append(token)
                end = SegmentRuleToken(kind: .end, text: "", line: position.line, column: position.column)
            } catch {
                return (result + [end], error)
            }
        }
    }

    private mutating func nextToken() throws(SegmentRuleError) -> SegmentRuleToken {
        let start = position
        let scalar = scalars[start.index]
        switch scalar {
        case "(":
            advance()
            return make(.leftParenthesis, from: start)
        case ")":
            advance()
            return make(.rightParenthesis, from: start)
        case ",":
            advance()
            return make(.comma, from: start)
        case ".":
            advance()
            return make(.dot, from: start)
        case "\"":
            return try quotedText(from: start)
        case "=", "!", "<", ">":
            return try comparison(from: start)
        case "'", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{300C}", "\u{300D}":
            throw failure(
                .syntax, at: start,
                "put text between straight double quotes (\"), e.g. \"Sichuan\", not \(Self.quoted(scalar))")
        case "\u{FF08}", "\u{FF09}", "\u{FF0C}":
            throw failure(.syntax, at: start, "write ( ) and , in ASCII, not the full-width \(Self.quoted(scalar))")
        case "&", "|":
            throw failure(.syntax, at: start, "write and / or as words, not \(Self.quoted(scalar))")
        default:
            if Self.isDigit(scalar) { return try number(from: start) }
            if scalar == "-", let next = peek(1), Self.isDigit(next) { return try number(from: start) }
            if Self.isWordStart(scalar) { return word(from: start) }
            throw failure(.syntax, at: start, "unexpected character \(Self.quoted(scalar))")
        }
    }

    private mutating func comparison(from start: Position) throws(SegmentRuleError) -> SegmentRuleToken {
        let first = scalars[start.index]
        advance()
        let next = peek()
        switch first {
        case "=":
            if next == "=" { throw failure(.syntax, at: start, "write = to compare, not ==") }
            return make(.comparison(.equal), from: start)
        case "!":
            guard next == "=" else { throw failure(.syntax, at: start, "write not to negate a condition, not !") }
            advance()
            return make(.comparison(.notEqual), from: start)
        case "<":
            if next == ">" { throw failure(.syntax, at: start, "write != for \"not equal\", not <>") }
            guard next == "=" else { return make(.comparison(.less), from: start) }
            advance()
            return make(.comparison(.lessOrEqual), from: start)
        default:
            guard next == "=" else { return make(.comparison(.greater), from: start) }
            advance()
            return make(.comparison(.greaterOrEqual), from: start)
        }
    }

    /// `"…"` with `\"` and `\\` as the only escapes; it must close on the line it opens.
    private mutating func quotedText(from start: Position) throws(SegmentRuleError) -> SegmentRuleToken {
        advance()
        var value = String.UnicodeScalarView()
        while let scalar = peek(), scalar != "\n" {
            let escapeStart = position
            advance()
            switch scalar {
            case "\"":
                return make(.string(String(value)), from: start)
            case "\\":
                guard let escaped = peek(), escaped == "\"" || escaped == "\\" else {
                    throw failure(
                        .syntax, at: escapeStart,
                        "only \\\" and \\\\ may follow a backslash in quoted text; write a backslash as \\\\")
                }
                advance()
                value.append(escaped)
            default:
                value.append(scalar)
            }
        }
        throw failure(.syntax, at: start, "this quoted text has no closing \" on its line")
    }

    /// An integer, a decimal, a time span (`90d`) or a date (`2026-01-01`).
    private mutating func number(from start: Position) throws(SegmentRuleError) -> SegmentRuleToken {
        let negative = scalars[start.index] == "-"
        if negative { advance() }
        skipDigits()
        if !negative, peek() == "-" { return try date(from: start) }
        var isDecimal = false
        if peek() == ".", let next = peek(1), Self.isDigit(next) {
            advance()
            skipDigits()
            isDecimal = true
        }
        if let next = peek(), Self.isWordPart(next) {
            return try timeSpan(from: start, countEnd: position.index, whole: !negative && !isDecimal)
        }
        let text = slice(from: start.index)
        if isDecimal {
            guard text.unicodeScalars.count <= 30, let value = Decimal(string: text) else {
                throw failure(.invalidValue, at: start, "the number \(text) has too many digits")
            }
            return make(.decimal(value), from: start)
        }
        guard let value = Int64(text) else {
            throw failure(.invalidValue, at: start, "the number \(text) is too large")
        }
        return make(.integer(value), from: start)
    }

    /// The year's digits are read and a hyphen follows: the rest must make `YYYY-MM-DD`.
    private mutating func date(from start: Position) throws(SegmentRuleError) -> SegmentRuleToken {
        var groups = [position.index - start.index]
        while peek() == "-", groups.count < 3 {
            advance()
            groups.append(skipDigits())
        }
        while let next = peek(), Self.isWordPart(next) || next == "-" { advance() }
        let text = slice(from: start.index)
        guard groups == [4, 2, 2] else {
            throw failure(.syntax, at: start, "write a date as YYYY-MM-DD, e.g. 2026-01-01, not \(text)")
        }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]) else {
            throw failure(.invalidValue, at: start, "\(text) is not a day on the calendar")
        }
        return make(.date(date), from: start)
    }

    /// The count is read (up to `countEnd`) and a letter follows: it must be the unit.
    private mutating func timeSpan(
        from start: Position, countEnd: Int, whole: Bool
    ) throws(SegmentRuleError) -> SegmentRuleToken {
        while let next = peek(), Self.isWordPart(next) { advance() }
        let text = slice(from: start.index)
        guard let unit = TimeSpan.Unit(rawValue: slice(from: countEnd).lowercased()) else {
            throw failure(
                .syntax, at: start, "unknown time unit in \(text); write h (hours), d (days) or w (weeks), e.g. 90d")
        }
        let limit = TimeSpan.maximumCount(in: .days)
        guard whole, let count = Int(slice(from: start.index, to: countEnd)), count >= 1,
            count <= TimeSpan.maximumCount(in: unit)
        else {
            throw failure(
                .invalidValue, at: start,
                "a time span is a whole number of hours, days or weeks from 1h up to \(limit)d, not \(text)")
        }
        return make(.timeSpan(TimeSpan(count, unit)), from: start)
    }

    /// A name or keyword; a dot followed by a letter continues the name (`region.province`).
    private mutating func word(from start: Position) -> SegmentRuleToken {
        while let next = peek() {
            if Self.isWordPart(next) {
                advance()
            } else if next == ".", let after = peek(1), Self.isWordStart(after) {
                advance()
            } else {
                break
            }
        }
        let text = slice(from: start.index)
        if let keyword = SegmentRuleToken.Keyword(rawValue: text.lowercased()) {
            return make(.keyword(keyword), from: start)
        }
        return make(.identifier(text), from: start)
    }

    // MARK: Reading scalars

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position.index + offset
        return index < scalars.count ? scalars[index] : nil
    }

    private mutating func advance() {
        let scalar = scalars[position.index]
        position.index += 1
        if scalar == "\n" {
            position.line += 1
            position.column = 1
        } else {
            position.column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), scalar.properties.isWhitespace { advance() }
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        var count = 0
        while let scalar = peek(), Self.isDigit(scalar) {
            advance()
            count += 1
        }
        return count
    }

    private func slice(from startIndex: Int, to endIndex: Int? = nil) -> String {
        String(String.UnicodeScalarView(scalars[startIndex..<(endIndex ?? position.index)]))
    }

    private func make(_ kind: SegmentRuleToken.Kind, from start: Position) -> SegmentRuleToken {
        SegmentRuleToken(kind: kind, text: slice(from: start.index), line: start.line, column: start.column)
    }

    private func failure(_ code: SegmentRuleError.Code, at start: Position, _ message: String) -> SegmentRuleError {
        SegmentRuleError(code: code, line: start.line, column: start.column, message: message)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }

    private static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) || scalar == "_"
    }

    private static func isWordPart(_ scalar: Unicode.Scalar) -> Bool { isWordStart(scalar) || isDigit(scalar) }

    private static func quoted(_ scalar: Unicode.Scalar) -> String { "\"\(scalar.escaped(asASCII: false))\"" }
}
