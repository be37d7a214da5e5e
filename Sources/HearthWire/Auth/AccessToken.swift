import CLibSSL

/// A signed statement of who is calling: tenant, operator, role and expiry, sealed with
/// HMAC-SHA256 under the deployment's secret (`HEARTH_AUTH_SECRET`).
///
/// Text form: `hst1.<claims>.<signature>`, both parts base64url. The claims are not encrypted: they
/// hold ids and a role, never personal data.
public struct AccessToken: Hashable, Sendable {
    public var tenant: String
    public var operatorID: String
    /// `viewer`, `agent`, `operator` or `admin`; the server decides what each may call.
    public var role: String
    /// Seconds since 1970-01-01 UTC after which the token is refused.
    public var expiresAt: Int64

    public init(tenant: String, operatorID: String, role: String, expiresAt: Int64) {
        self.tenant = tenant
        self.operatorID = operatorID
        self.role = role
        self.expiresAt = expiresAt
    }

    static let prefix = "hst1"
    private static let separator: UInt8 = 0x1F  // ASCII unit separator: never part of an id or role

    /// The signed text form.
    public func signed(with secret: AccessTokenSecret) -> String {
        let claims = Array([tenant, operatorID, role, String(expiresAt)].joined(separator: "\u{1F}").utf8)
        let encodedClaims = Base64URL.encode(claims)
        let signature = secret.sign(Array("\(Self.prefix).\(encodedClaims)".utf8))
        return "\(Self.prefix).\(encodedClaims).\(Base64URL.encode(signature))"
    }

    /// Checks the signature (in constant time) and the expiry, then reads the claims.
    public init(verifying text: String, with secret: AccessTokenSecret, now: Int64) throws(AccessTokenError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.prefix, let signature = Base64URL.decode(parts[2]) else {
            throw AccessTokenError.malformed
        }
        let expected = secret.sign(Array("\(parts[0]).\(parts[1])".utf8))
        guard constantTimeEquals(signature, expected) else { throw AccessTokenError.badSignature }
        guard let claimBytes = Base64URL.decode(parts[1]) else { throw AccessTokenError.malformed }
        let fields = claimBytes.split(separator: Self.separator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 4, let expiry = Int64(fields[3]), !fields[0].isEmpty, !fields[1].isEmpty,
            !fields[2].isEmpty
        else { throw AccessTokenError.malformed }
        guard now < expiry else { throw AccessTokenError.expired }
        self.init(tenant: fields[0], operatorID: fields[1], role: fields[2], expiresAt: expiry)
    }
}

/// Why a token was refused. The server answers each with UNAUTHENTICATED and never says which.
public enum AccessTokenError: Error, Hashable, Sendable {
    case malformed
    case badSignature
    case expired
}

/// The HMAC key. At least 32 bytes, so a short password cannot be brute-forced offline.
public struct AccessTokenSecret: Sendable {
    private let key: [UInt8]

    public init(_ secret: String) throws(AccessTokenSecretError) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= 32 else { throw AccessTokenSecretError(length: bytes.count) }
        key = bytes
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
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
}

/// `HEARTH_AUTH_SECRET` is too short to be safe.
public struct AccessTokenSecretError: Error, Hashable, Sendable, CustomStringConvertible {
    public var length: Int
    public var description: String {
        "HEARTH_AUTH_SECRET has \(length) bytes; use at least 32 random bytes (e.g. `openssl rand -hex 32`)"
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count, !lhs.isEmpty else { return false }
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
    }
}
