/// A phone number in E.164 form (`+8613800138000`): the one spelling Hearth stores, compares and texts.
///
/// Operators and imports type numbers many ways (`138-0013-8000`, `0086 138…`, full-width digits, `(0755) …`);
/// ``init(parsing:defaultRegion:)`` turns every spelling of one number into the same value, so the per-tenant
/// uniqueness of a member's phone holds however it was typed.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `+`, the country code and the national significant number; nothing else.
    public let e164: String

    /// Reads a number as people write it.
    ///
    /// A number starting with `+` or `00` carries its country; any other is read as dialled inside
    /// `defaultRegion` (the tenant's setting). Spaces, dashes, dots, parentheses and full-width digits are
    /// ignored; a trunk `0` is dropped, as E.164 requires.
    ///
    /// - Throws: `invalidArgument`, naming the input and what is wrong with it.
    public init(parsing text: String, defaultRegion: PhoneRegion = .cn) throws(DomainError) {
        let input = Self.trimmed(text)
        guard !input.isEmpty else {
            throw DomainError(code: .invalidArgument, message: "a phone number cannot be empty")
        }
        do throws(PhoneNumberRejection) {
            e164 = try Self.normalised(input, defaultRegion: defaultRegion)
        } catch {
            let shown = input.count > 40 ? String(input.prefix(40)) + "…" : input
            throw DomainError(code: .invalidArgument, message: "\(shown) is not a phone number: \(error.reason)")
        }
    }

    public var description: String { e164 }

    /// The ITU calling code without `+`, e.g. `86`, `852`, `1`.
    public var countryCode: String {
        let digits = e164.dropFirst()
        return String(digits.prefix(Self.countryCodeLength(of: digits)))
    }

    /// Whether the number is a mainland mobile (`+86 1[3-9]…`), the only kind Hearth texts.
    ///
    /// `false` outside the mainland: there the number alone does not tell a mobile from a landline.
    public var isMobile: Bool {
        let significant = e164.dropFirst(3)
        return e164.hasPrefix("+86") && significant.first == "1" && significant.dropFirst().first != "0"
    }

    /// The number for logs: the country code and the last 4 digits, the rest starred (`+86*******8000`).
    public var masked: String {
        let code = countryCode
        let significant = e164.dropFirst(1 + code.count)
        let shown = min(4, significant.count)
        return "+\(code)" + String(repeating: "*", count: significant.count - shown) + String(significant.suffix(shown))
    }

    /// Decodes E.164 text only: another spelling in stored data means something skipped parsing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do throws(DomainError) {
            self = try PhoneNumber(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
        guard e164 == text else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text) is not in E.164 form; it would be \(e164)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

/// Why some text is not a phone number; ``PhoneNumber/init(parsing:defaultRegion:)`` adds the input.
struct PhoneNumberRejection: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension PhoneNumber {
    private static func normalised(_ input: String, defaultRegion: PhoneRegion) throws(PhoneNumberRejection)
        -> String
    {
        let (leadingPlus, digits) = try significantCharacters(of: input)
        if leadingPlus { return try international(digits[...], after: "+") }
        if digits.hasPrefix("00") { return try international(digits.dropFirst(2), after: "00") }
        guard !digits.isEmpty else { throw PhoneNumberRejection("it has no digits") }
        return try defaultRegion.e164(national: digits[...])
    }

    /// Reads the digits after `+` or `00`. Regions Hearth knows get their own rules; any other country only
    /// a plausible shape, since we keep no numbering plan for it.
    private static func international(_ digits: Substring, after prefix: String) throws(PhoneNumberRejection)
        -> String
    {
        guard let first = digits.first else { throw PhoneNumberRejection("it has no digits after the \(prefix)") }
        guard first != "0" else { throw PhoneNumberRejection("a country code never starts with 0") }
        for region in PhoneRegion.allCases where digits.hasPrefix(region.countryCode) {
            return try region.e164(afterCountryCode: digits.dropFirst(region.countryCode.count))
        }
        guard (8...15).contains(digits.count) else {
            throw PhoneNumberRejection("an international number has 8 to 15 digits, this has \(digits.count)")
        }
        return "+\(digits)"
    }

    /// Drops the separators people type and folds full-width characters (as Chinese input methods produce) to
    /// ASCII; anything else is a reason to reject, never to skip.
    private static func significantCharacters(of input: String) throws(PhoneNumberRejection)
        -> (leadingPlus: Bool, digits: String)
    {
        var leadingPlus = false
        var digits = ""
        for scalar in input.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39:
                digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19:  // full-width 0-9
                digits.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value - 0xFF10) + 0x30))
            case 0x2B, 0xFF0B:  // + and full-width +
                guard !leadingPlus, digits.isEmpty else {
                    throw PhoneNumberRejection("a + may only stand before the country code")
                }
                leadingPlus = true
            case 0x28, 0x29, 0x2D, 0x2E, 0xFF08, 0xFF09, 0xFF0D, 0xFF0E, 0x2010...0x2015:
                continue  // ( ) - . in ASCII and full width, and typographic dashes
            default:
                if scalar.properties.isWhitespace { continue }
                if scalar.properties.isAlphabetic {
                    throw PhoneNumberRejection("it contains letters (\"\(Character(scalar))\")")
                }
                throw PhoneNumberRejection(
                    "it contains \"\(Character(scalar))\", which is neither a digit nor a separator")
            }
        }
        return (leadingPlus, digits)
    }

    /// Length of the ITU country code that starts `digits`: 1 and 7 stand alone, the listed pairs are
    /// two-digit codes, every other code has three digits.
    private static func countryCodeLength(of digits: Substring) -> Int {
        if digits.first == "1" || digits.first == "7" { return 1 }
        return twoDigitCountryCodes.contains(String(digits.prefix(2))) ? 2 : 3
    }

    private static let twoDigitCountryCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    private static func trimmed(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
            let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }
}
