import Testing

@testable import HearthChannels

@Suite("HMAC, encodings and status classification")
struct ChannelInternalsTests {
    @Test func hmacMatchesRFC4231TestCase2() {
        let mac = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(HMACSHA256.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.base64(mac) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
    }

    @Test func base64PadsAsRFC4648Says() {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
        for (input, expected) in vectors {
            #expect(HMACSHA256.base64(Array(input.utf8)) == expected)
        }
    }

    @Test func queryEncodingKeepsOnlyUnreservedCharacters() {
        #expect("a+b/c=d~e_f.g-h 中".percentEncodedForQuery == "a%2Bb%2Fc%3Dd~e_f.g-h%20%E4%B8%AD")
    }

    @Test func dingTalkSignatureMatchesAnIndependentComputation() {
        // Python: base64.b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest())
        #expect(
            DingTalkBotChannelAdapter.signature(
                secret: "SECexample0123456789abcdef", timestampMilliseconds: 1_700_000_000_000)
                == "+cxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc=")
    }

    @Test func statusesAreClassified() {
        func result(_ status: Int, _ headers: [String: String] = [:]) -> ChannelSendResult {
            HTTPDeliveryAttempt.classify(
                HTTPTransportResponse(status: status, headers: headers, body: Array("no".utf8)))
        }
        for status in [408, 425, 429, 500, 502, 503, 504] {
            #expect(result(status).isRetryable, "HTTP \(status)")
        }
        for status in [301, 400, 401, 403, 404, 409, 410, 422] {
            #expect(result(status).isPermanent, "HTTP \(status)")
        }
        #expect(result(429).failure?.code == .rateLimited)
        #expect(result(503, ["Retry-After": " 7 "]).failure?.retryAfter == .seconds(7))
        #expect(result(400).failure?.reason == "HTTP 400: no")
    }

    @Test func transportErrorsAreClassified() {
        func result(_ code: HTTPTransportError.Code) -> ChannelSendResult {
            HTTPDeliveryAttempt.classify(HTTPTransportError(code: code, message: "m"))
        }
        #expect(result(.timedOut).failure?.code == .timeout)
        #expect(result(.timedOut).isRetryable)
        #expect(result(.cannotConnect).failure?.code == .connection)
        #expect(result(.connectionLost).isRetryable)
        #expect(result(.cancelled).failure?.code == .cancelled)
        #expect(result(.badURL).isPermanent)
        #expect(result(.tls).isPermanent)
    }

    @Test func robotsGetNationalMobiles() {
        #expect(RobotReply.robotMobile("+8613800001111") == "13800001111")
        #expect(RobotReply.robotMobile("@all") == "@all")
        #expect(RobotReply.robotMobile("+85291234567") == "+85291234567")
        #expect(RobotReply.robotMobile("+86138") == "+86138")
    }
}
