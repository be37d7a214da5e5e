import Foundation
import HearthChannels
import Testing

@Suite("WeCom group robot")
struct WeComBotChannelTests {
    func robot(_ server: ScriptedHTTPServer) -> RetryingChannelAdapter {
        RetryingChannelAdapter(
            WeComBotChannelAdapter(
                url: server.url("/cgi-bin/webhook/send?key=test-key"), timeout: .seconds(5),
                transport: Fixture.transport),
            policy: Fixture.fastRetry)
    }

    @Test func textWithMentionsIsPostedInWeComsShape() async throws {
        try await withScriptedServer([.json(#"{"errcode":0,"errmsg":"ok"}"#)]) { server in
            let message = Fixture.message(
                .text("本周四会员日 20% off"), to: .group("vip-group-3"), mentioning: ["+8613800001111", "@all"])
            let recorder = AttemptRecorder()
            let result = await robot(server).send(message, onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: nil))

            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/cgi-bin/webhook/send")
            #expect(request.query == ["key": "test-key"])
            #expect(request.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(
                request.bodyText
                    == #"{"msgtype":"text","text":{"content":"本周四会员日 20% off","mentioned_mobile_list":["13800001111","@all"]}}"#
            )
            #expect(recorder.attempts.map(\.channel) == [.wecomBot])
        }
    }

    @Test func markdownIsPostedWithoutMentions() async throws {
        try await withScriptedServer([.json(#"{"errcode":0,"errmsg":"ok"}"#)]) { server in
            let message = Fixture.message(
                .markdown("# 周四会员日\n> 专享价 <font color=\"warning\">99</font>"), mentioning: ["+8613800001111"])
            let result = await robot(server).send(message)
            #expect(result == .delivered(providerMessageID: nil))
            let request = try #require(server.requests.first)
            #expect(
                request.bodyText
                    == ##"{"markdown":{"content":"# 周四会员日\n> 专享价 <font color=\"warning\">99</font>"},"msgtype":"markdown"}"##
            )
        }
    }

    @Test func theRateLimitErrcodeIsRetried() async throws {
        let answers: [ScriptedResponse] = [
            .json(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#), .json(#"{"errcode":0,"errmsg":"ok"}"#),
        ]
        try await withScriptedServer(answers) { server in
            let recorder = AttemptRecorder()
            let result = await robot(server).send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: nil))
            #expect(server.requests.count == 2)
            #expect(Set(server.requests.map(\.bodyText)).count == 1)
            let first = try #require(recorder.attempts.first)
            #expect(first.httpStatus == 200)
            #expect(first.result.isRetryable)
            #expect(first.result.failure?.code == .rateLimited)
            #expect(first.result.failure?.providerCode == 45009)
            #expect(recorder.attempts.map(\.number) == [1, 2])
        }
    }

    @Test func anInvalidKeyIsPermanent() async throws {
        try await withScriptedServer([.json(#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)]) { server in
            let result = await robot(server).send(Fixture.message())
            #expect(result.isPermanent)
            #expect(result.failure?.code == .providerError)
            #expect(result.failure?.providerCode == 93000)
            #expect(result.failure?.reason.contains("invalid webhook url") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test func anAnswerWithoutErrcodeIsNotRetried() async throws {
        try await withScriptedServer([.json("<html>gateway</html>")]) { server in
            let result = await robot(server).send(Fixture.message())
            #expect(result.isPermanent)
            #expect(result.failure?.code == .badResponse)
            #expect(server.requests.count == 1)
        }
    }

    @Test func tooLongATextIsRefusedWithoutSending() async throws {
        try await withScriptedServer([]) { server in
            let recorder = AttemptRecorder()
            let message = Fixture.message(.text(String(repeating: "x", count: 2049)))
            let result = await robot(server).send(message, onAttempt: recorder.handler)
            #expect(result.isPermanent)
            #expect(result.failure?.code == .badMessage)
            #expect(server.requests.isEmpty)
            #expect(recorder.attempts.count == 1)
        }
    }

    @Test func aKeyBecomesTheRobotsWebhookURL() {
        #expect(
            WeComBotChannelAdapter.webhookURL(key: "693a91f6-7xxx")?.absoluteString
                == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")
    }
}
