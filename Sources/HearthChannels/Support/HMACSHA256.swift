import CLibSSL

/// HMAC-SHA256 through libssl, and the two text forms the channels put a MAC in.
enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key`.
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress,
                    messageBytes.count, &digest, &length)
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    /// Lower-case hexadecimal, two digits a byte.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Standard base64 with padding (RFC 4648 §4), as DingTalk's `sign` wants it.
    static func base64(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        // EVP_EncodeBlock writes 4 characters per 3 bytes and a terminating NUL.
        var text = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let written = bytes.withUnsafeBufferPointer { input in
            EVP_EncodeBlock(&text, input.baseAddress, Int32(input.count))
        }
        return String(decoding: text.prefix(Int(max(written, 0))), as: UTF8.self)
    }
}
