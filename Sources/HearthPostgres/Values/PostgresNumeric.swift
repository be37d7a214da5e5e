/// An exact `numeric` value carried as its decimal text, so no digit is lost to floating point.
public struct PostgresNumeric: Sendable, Hashable, CustomStringConvertible, PostgresEncodable, PostgresDecodable {
    /// Canonical decimal text such as `-12.500`, `NaN`, `Infinity` or `-Infinity`.
    public let description: String

    /// Accepts an optional sign, digits with at most one decimal point, or NaN/Infinity; `nil` otherwise.
    public init?(_ text: String) {
        let special = ["NaN", "Infinity", "-Infinity"]
        if special.contains(text) {
            description = text
            return
        }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            parts.contains(where: { !$0.isEmpty })
        else { return nil }
        description = text
    }

    public static var postgresType: PostgresTypeOID { .numeric }
    public static var postgresFormat: PostgresBind.Format { .text }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: description.utf8) }

    /// Decodes the binary form: ndigits, weight, sign, dscale, then base-10000 digits.
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .numeric else { throw cell.mismatch(PostgresNumeric.self) }
        var reader = ByteReader(bytes)
        guard let count = reader.read(Int16.self), let weight = reader.read(Int16.self),
            let sign = reader.read(UInt16.self), let scale = reader.read(Int16.self), count >= 0, scale >= 0
        else { throw cell.malformed(PostgresNumeric.self) }
        switch sign {
        case 0xC000:
            description = "NaN"
            return
        case 0xD000:
            description = "Infinity"
            return
        case 0xF000:
            description = "-Infinity"
            return
        case 0x0000, 0x4000: break
        default: throw cell.malformed(PostgresNumeric.self)
        }
        var digits: [Int16] = []
        digits.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let digit = reader.read(Int16.self), (0..<10_000).contains(digit) else {
                throw cell.malformed(PostgresNumeric.self)
            }
            digits.append(digit)
        }
        // Integer part: groups 0...weight; fractional part: groups after weight, cut to dscale digits.
        var integer = ""
        if weight < 0 {
            integer = "0"
        } else {
            for index in 0...Int(weight) {
                let group = index < digits.count ? digits[index] : 0
                integer += index == 0 ? String(group) : pad4(group)
            }
        }
        var fraction = ""
        if scale > 0 {
            var index = Int(weight) + 1
            while fraction.count < Int(scale) {
                let group = index >= 0 && index < digits.count ? digits[index] : 0
                fraction += pad4(group)
                index += 1
            }
            fraction = String(fraction.prefix(Int(scale)))
        }
        let negative = sign == 0x4000
        description = (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction)
    }
}

private func pad4(_ group: Int16) -> String {
    let text = String(group)
    return String(repeating: "0", count: 4 - text.count) + text
}
