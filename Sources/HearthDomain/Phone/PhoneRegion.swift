/// Where a tenant's members mostly live: a number written without `+` or `00` is read the way people there
/// write their own numbers.
///
/// A tenant setting names it by its ISO 3166 code (`CN`, `HK`, `MO`, `TW`, `US`); see ``init(code:)``.
public enum PhoneRegion: String, Hashable, Sendable, Codable, CaseIterable {
    /// Mainland China: mobiles `1[3-9]` and 11 digits; landlines `0`, an area code and 7 or 8 digits.
    case cn = "CN"
    /// Hong Kong: 8 digits, no trunk prefix.
    case hk = "HK"
    /// Macau: 8 digits, no trunk prefix.
    case mo = "MO"
    /// Taiwan: a leading `0`, then 8 or 9 digits.
    case tw = "TW"
    /// The United States (and the rest of the +1 plan): 10 digits, optionally after a `1`; area code and
    /// exchange start with 2 to 9.
    case us = "US"

    /// Reads an ISO 3166 code in any case; `nil` for a region Hearth has no numbering rules for.
    public init?(code: String) {
        self.init(rawValue: code.uppercased())
    }

    /// The ITU calling code, without `+`.
    public var countryCode: String {
        switch self {
        case .cn: "86"
        case .hk: "852"
        case .mo: "853"
        case .tw: "886"
        case .us: "1"
        }
    }

    /// Reads digits written without `+` or `00`, as dialled inside the region; returns E.164.
    func e164(national digits: Substring) throws(PhoneNumberRejection) -> String {
        switch self {
        case .cn:
            // A mainland number dialled at home starts with 0 or 1, so a leading 86 can only be the country code.
            if digits.hasPrefix(countryCode) { return try e164(afterCountryCode: digits.dropFirst(2)) }
            if digits.first == "0" { return try e164(significant: digits.dropFirst()) }
            if digits.first == "1" {
                try Self.checkMainlandMobile(digits)
                return "+\(countryCode)\(digits)"
            }
            throw PhoneNumberRejection(
                "a mainland number starts with 1 (a mobile), 0 and an area code (a landline), or +86; "
                    + "this starts with \(digits.prefix(1))")
        case .hk, .mo:
            if digits.count == 11, digits.hasPrefix(countryCode) {
                return try e164(afterCountryCode: digits.dropFirst(3))
            }
            return try e164(significant: digits)
        case .tw:
            if digits.first == "0" { return try e164(significant: digits.dropFirst()) }
            if digits.hasPrefix(countryCode) { return try e164(afterCountryCode: digits.dropFirst(3)) }
            // Without its 0 a number could be a local one missing its area code; guessing would reach a stranger.
            throw PhoneNumberRejection("a Taiwan number is written with its leading 0 (0912 345 678) or with +886")
        case .us:
            if digits.count == 11, digits.first == "1" { return try e164(significant: digits.dropFirst()) }
            return try e164(significant: digits)
        }
    }

    /// Reads what follows the country code, allowing the trunk `0` some people keep (`+86 (0)10 …`).
    func e164(afterCountryCode digits: Substring) throws(PhoneNumberRejection) -> String {
        let keptTrunkZero = (self == .cn || self == .tw) && digits.first == "0"
        return try e164(significant: keptTrunkZero ? digits.dropFirst() : digits)
    }

    /// Checks a national significant number (no country code, no trunk prefix); returns E.164.
    private func e164(significant digits: Substring) throws(PhoneNumberRejection) -> String {
        switch self {
        case .cn:
            if digits.first == "1", digits.dropFirst().first != "0" {
                try Self.checkMainlandMobile(digits)
            } else {
                try Self.checkMainlandLandline(digits)
            }
        case .hk:
            guard digits.count == 8 else {
                throw PhoneNumberRejection("a Hong Kong number has 8 digits, this has \(digits.count)")
            }
        case .mo:
            guard digits.count == 8 else {
                throw PhoneNumberRejection("a Macau number has 8 digits, this has \(digits.count)")
            }
        case .tw:
            guard (8...9).contains(digits.count) else {
                throw PhoneNumberRejection("a Taiwan number has 8 or 9 digits after the 0, this has \(digits.count)")
            }
        case .us:
            guard digits.count == 10 else {
                throw PhoneNumberRejection("a North American number has 10 digits, this has \(digits.count)")
            }
            guard let areaStart = digits.first, ("2"..."9").contains(areaStart) else {
                throw PhoneNumberRejection(
                    "a North American area code starts with 2 to 9, this starts with \(digits.prefix(1))")
            }
            let exchange = digits.dropFirst(3)
            guard let exchangeStart = exchange.first, ("2"..."9").contains(exchangeStart) else {
                throw PhoneNumberRejection(
                    "a North American number's 3 digits after the area code start with 2 to 9, "
                        + "these start with \(exchange.prefix(1))")
            }
        }
        return "+\(countryCode)\(digits)"
    }

    /// A mainland mobile: `1`, then `3` to `9`, 11 digits in all.
    private static func checkMainlandMobile(_ digits: Substring) throws(PhoneNumberRejection) {
        if let second = digits.dropFirst().first, !("3"..."9").contains(second) {
            throw PhoneNumberRejection("a mainland mobile starts with 13 to 19, this starts with \(digits.prefix(2))")
        }
        guard digits.count == 11 else {
            throw PhoneNumberRejection("a mainland mobile has 11 digits, this has \(digits.count)")
        }
    }

    /// A mainland landline after its trunk `0`: area code `10` or `2x` and 8 digits, or a 3-digit area code
    /// (`755`, `571`, …) and 7 or 8 digits.
    private static func checkMainlandLandline(_ digits: Substring) throws(PhoneNumberRejection) {
        guard digits.count >= 3, let first = digits.first else {
            throw PhoneNumberRejection(
                "a mainland landline is 0, an area code and 7 or 8 digits; this has only \(digits.count) after the 0")
        }
        guard first != "0", first != "1" || digits.hasPrefix("10") else {
            throw PhoneNumberRejection("no mainland area code starts with \(digits.prefix(2))")
        }
        let twoDigitArea = first == "1" || first == "2"
        let area = digits.prefix(twoDigitArea ? 2 : 3)
        let subscriber = digits.count - area.count
        let allowed = twoDigitArea ? 8...8 : 7...8
        guard allowed.contains(subscriber) else {
            let expected = twoDigitArea ? "8" : "7 or 8"
            throw PhoneNumberRejection(
                "a mainland landline has \(expected) digits after area code 0\(area), this has \(subscriber)")
        }
    }
}
