/// The bearer text of a join link: 256 random bits, URL-safe, so it fits a URL or a QR code and
/// cannot be guessed. Only its SHA-256 is stored, so someone reading the database cannot use the
/// links; an unknown (or forged) token simply finds nothing.
public enum JoinLinkToken {
    static let prefix = "hjl1_"
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A fresh token from the system's cryptographically secure generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A token from `generator` (tests pass a seeded one).
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 { withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) } }
        return prefix + base64URL(bytes)
    }

    /// Whether `text` has a token's shape; anything else cannot name a link.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count)
        return body.count == 43 && body.allSatisfy { alphabet.contains($0) }
    }

    /// URL-safe base64 without padding (RFC 4648 §5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var n: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { n |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            let characters = chunk.count + 1
            for position in 0..<characters { out.append(alphabet[Int(n >> (18 - 6 * UInt32(position)) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
