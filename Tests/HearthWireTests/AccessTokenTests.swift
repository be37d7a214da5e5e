import Testing

@testable import HearthWire

@Suite("Signed access tokens")
struct AccessTokenTests {
    let secret = try! AccessTokenSecret(String(repeating: "s3cret-", count: 6))
    let token = AccessToken(
        tenant: "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", operatorID: "op-7", role: "agent", expiresAt: 2_000_000_000)

    @Test func aSignedTokenVerifiesAndCarriesItsClaims() throws {
        let text = token.signed(with: secret)
        #expect(text.hasPrefix("hst1."))
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(try AccessToken(verifying: text, with: secret, now: 1_900_000_000) == token)
    }

    @Test func forgedExpiredAndMalformedTokensAreRefused() throws {
        let text = token.signed(with: secret)
        #expect(throws: AccessTokenError.expired) { try AccessToken(verifying: text, with: secret, now: 2_000_000_000) }
        let other = try AccessTokenSecret(String(repeating: "other-", count: 6))
        #expect(throws: AccessTokenError.badSignature) { try AccessToken(verifying: text, with: other, now: 0) }
        // Claims changed to admin, signature kept: refused.
        let admin = AccessToken(tenant: token.tenant, operatorID: "op-7", role: "admin", expiresAt: token.expiresAt)
        let forgedParts = admin.signed(with: other).split(separator: ".")
        let originalParts = text.split(separator: ".")
        let forged = "\(forgedParts[0]).\(forgedParts[1]).\(originalParts[2])"
        #expect(throws: AccessTokenError.badSignature) { try AccessToken(verifying: forged, with: secret, now: 0) }
        for garbage in ["", "hst1", "hst1..", "hst2.\(originalParts[1]).\(originalParts[2])", "hst1.!!.??", text + "x"]
        {
            #expect(throws: AccessTokenError.self) { try AccessToken(verifying: garbage, with: secret, now: 0) }
        }
    }

    @Test func shortSecretsAreRefused() {
        #expect(throws: AccessTokenSecretError.self) { try AccessTokenSecret("password") }
    }

    @Test func base64URLRoundTripsEveryLength() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes)
        }
        #expect(Base64URL.encode(Array("hearth".utf8)) == "aGVhcnRo")
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("a$bc") == nil)
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!constantTimeEquals([], []))
    }
}
