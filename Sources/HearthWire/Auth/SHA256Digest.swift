import CLibSSL

/// SHA-256 through libcrypto, for the places that need a plain hash rather than a signature: the
/// lottery's seed commitment and entry digest (HearthDomain takes the hash as a function so it
/// stays free of OpenSSL; the service and the CLI hand it this one).
public enum SHA256Digest {
    /// Bytes in a SHA-256 digest.
    public static let byteCount = 32

    /// The 32-byte SHA-256 of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty array may have no storage; libcrypto reads nothing for a zero count but wants
        // a valid pointer, so an empty message hashes through a one-byte buffer of count 0.
        let storage = message.isEmpty ? [0] : message
        let succeeded = storage.withUnsafeBufferPointer { bytes in
            EVP_Digest(bytes.baseAddress, message.count, &digest, &length, EVP_sha256(), nil)
        }
        // EVP_Digest fails only when libcrypto cannot allocate a context: nothing to recover.
        precondition(succeeded == 1 && length == UInt32(byteCount), "libcrypto's SHA-256 failed")
        return Array(digest.prefix(byteCount))
    }

    /// Lowercase hex of the SHA-256 of `message`.
    public static func hex(_ message: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(byteCount * 2)
        for byte in hash(message) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
