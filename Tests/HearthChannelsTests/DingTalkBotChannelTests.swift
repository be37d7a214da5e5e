import Foundation
import HearthChannels
import Testing

@Suite("DingTalk custom robot")
struct DingTalkBotChannelTests {
    static let secret = "SECexample0123456789abcdef"
    /// base64(HMAC-SHA256(key: secret, message: "1700000000000\n" + secret)), computed independently
    /// with Python's `hmac` and `base64` modules; the URL carries it percent-encoded.
    static let expectedSign = "+cxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc="
    static let expectedEncodedSign = "%2Bcxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc%3D"
    static let ok = #"{"errcode":0,"errmsg":"ok"}"#

    func robot(_ server: ScriptedHTTPServer, secret: String? = DingTalkBotChannelTests.secret) -> RetryingChannelAdapter
    {
        RetryingChannelAdapter(
            DingTalkBotChannelAdapter(
                url: server.url("/robot/send?access_token=T0KEN"), secret: secret, timeout: .seconds(5),
                transport: Fixture.transport, now: Fixture.now),
            policy: Fixture.fastRetry)
    }

    @Test func aSignedTextCarriesTimestampSignAndMentions() async throws {
        try await withScriptedServer([.json(Self.ok)]) { server in
            let message = Fixture.message(.text("本周四会员日"), to: .group("g-1"), mentioning: ["+8613800001111"])
            let result = await robot(server).send(message)
            #expect(result == .delivered(providerMessageID: nil))

            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/robot/send")
            #expect(request.rawQuery == "access_token=T0KEN&timestamp=1700000000000&sign=\(Self.expectedEncodedSign)")
            #expect(request.query["timestamp"] == "1700000000000")
            #expect(request.query["sign"] == Self.expectedSign)
            #expect(request.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(
                request.bodyText
                    == #"{"at":{"atMobiles":["13800001111"],"isAtAll":false},"msgtype":"text","#
                    + #""text":{"content":"本周四会员日 @13800001111"}}"#)
        }
    }

    @Test func withoutASecretTheURLIsLeftAlone() async throws {
        try await withScriptedServer([.json(Self.ok)]) { server in
            let result = await robot(server, secret: nil).send(Fixture.message(.text("hello"), mentioning: ["@all"]))
            #expect(result == .delivered(providerMessageID: nil))
            let request = try #require(server.requests.first)
            #expect(request.rawQuery == "access_token=T0KEN")
            #expect(
                request.bodyText
                    == #"{"at":{"atMobiles":[],"isAtAll":true},"msgtype":"text","text":{"content":"hello"}}"#)
        }
    }

    @Test func markdownTakesItsTitleFromTheFirstLine() async throws {
        try await withScriptedServer([.json(Self.ok)]) { server in
            let result = await robot(server).send(Fixture.message(.markdown("## 周四会员日\n专享价 99")))
            #expect(result == .delivered(providerMessageID: nil))
            let request = try #require(server.requests.first)
            #expect(
                request.bodyText
                    == ###"{"markdown":{"text":"## 周四会员日\n专享价 99","title":"周四会员日"},"msgtype":"markdown"}"###)
        }
    }

    @Test func aRefusedSignatureIsPermanent() async throws {
        let refusal = #"{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/x]"}"#
        try await withScriptedServer([.json(refusal)]) { server in
            let result = await robot(server).send(Fixture.message())
            #expect(result.isPermanent)
            #expect(result.failure?.providerCode == 310000)
            #expect(result.failure?.reason.contains("sign not match") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test func sendingTooFastIsRetried() async throws {
        let answers: [ScriptedResponse] = [
            .json(#"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#), .json(Self.ok),
        ]
        try await withScriptedServer(answers) { server in
            let recorder = AttemptRecorder()
            let result = await robot(server).send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: nil))
            #expect(server.requests.count == 2)
            #expect(recorder.attempts.first?.result.failure?.code == .rateLimited)
            #expect(recorder.attempts.map(\.number) == [1, 2])
        }
    }
}
