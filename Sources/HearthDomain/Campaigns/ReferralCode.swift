/// A member's invite code for one referral campaign: short enough to read out on the phone or
/// type from a poster, safe in a URL as it is, and unambiguous on paper.
///
/// Eight symbols from 32 (digits and capital letters without the look-alikes 0, O, 1 and I), so
/// 2^40 codes per tenant: a random draw collides so rarely that the store simply draws again.
/// Input is read case-insensitively, so a code typed in lower case still works.
public struct ReferralCode: Hashable, Sendable, CustomStringConvertible {
    /// `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`; the schema checks the same set.
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    public static let length = 8

    /// The canonical (upper-case) text.
    public let text: String

    private init(checked text: String) { self.text = text }

    /// Reads a code as an operator or a member typed it: surrounding spaces are ignored and lower
    /// case is taken as upper case; anything else outside the alphabet is refused.
    public init(validating text: String) throws(DomainError) {
        let normalized = text.trimmedOfWhitespace.uppercased()
        guard normalized.count == Self.length, normalized.allSatisfy({ Self.alphabet.contains($0) }) else {
            throw DomainError(
                code: .invalidArgument,
                message: "a referral code is \(Self.length) characters from \(String(Self.alphabet)) "
                    + "(no 0, O, 1 or I); \"\(text)\" is not one")
        }
        self.init(checked: normalized)
    }

    /// A fresh code drawn from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> ReferralCode {
        var text = ""
        for _ in 0..<length {
            text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return ReferralCode(checked: text)
    }

    /// A fresh code from the system's secure generator, so codes cannot be guessed from each other.
    public static func random() -> ReferralCode {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public var description: String { text }
}
