import Foundation
import HearthChannels
import Testing

@Suite("Webhook channel")
struct WebhookChannelTests {
    static let secret = "whsec-hearth-test"
    static let expectedBody =
        #"{"content":"Thursday member day: 20% off","delivery_id":"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab","#
        + #""format":"text","recipient":{"kind":"phone","value":"+8613800001111"}}"#
    /// HMAC-SHA256(key: "whsec-hearth-test", message: "1700000000." + expectedBody) in hex, computed
    /// independently with Python's `hmac` module.
    static let expectedSignature = "t=1700000000,v1=fbfafdc92a737edd3325fcf30c472144adbaa45b23f735bff5ed1b456fe922ca"

    @Test func postsTheMessageSignedWithItsDeliveryIDAsIdempotencyKey() async throws {
        try await withScriptedServer([.json(#"{"id":"gw-42"}"#)]) { server in
            let adapter = WebhookChannelAdapter(
                url: server.url("/hooks/hearth"), secret: Self.secret, timeout: .seconds(5),
                transport: Fixture.transport, now: Fixture.now)
            let recorder = AttemptRecorder()
            let result = await adapter.send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: "gw-42"))

            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/hooks/hearth")
            #expect(request.bodyText == Self.expectedBody)
            #expect(sameJSON(request.bodyText, Self.expectedBody))
            #expect(request.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(request.headers["idempotency-key"] == Fixture.idempotencyKey)
            #expect(request.headers["x-hearth-signature"] == Self.expectedSignature)

            let attempt = try #require(recorder.attempts.first)
            #expect(recorder.attempts.count == 1)
            #expect(attempt.number == 1)
            #expect(attempt.channel == .webhook)
            #expect(attempt.deliveryID == Fixture.deliveryID)
            #expect(attempt.httpStatus == 200)
            #expect(attempt.transportError == nil)
            #expect(attempt.result == result)
        }
    }

    @Test func withoutASecretNothingIsSignedAndTemplatesAndMentionsAreCarried() async throws {
        try await withScriptedServer([.json("")]) { server in
            let adapter = WebhookChannelAdapter(
                url: server.url("/hooks/hearth"), timeout: .seconds(5), transport: Fixture.transport)
            let message = Fixture.message(
                .markdown("**VIP** day"), to: .imID("wxid_42"), template: SMSTemplate(id: "T1", params: ["a": "1"]),
                mentioning: ["+8613800001111"])
            let result = await adapter.send(message)
            #expect(result == .delivered(providerMessageID: nil))
            let request = try #require(server.requests.first)
            #expect(request.headers["x-hearth-signature"] == nil)
            #expect(request.headers["idempotency-key"] == Fixture.idempotencyKey)
            #expect(
                request.bodyText
                    == #"{"content":"**VIP** day","delivery_id":"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab","#
                    + #""format":"markdown","mentioned_mobiles":["+8613800001111"],"params":{"a":"1"},"#
                    + #""recipient":{"kind":"im_id","value":"wxid_42"},"template_id":"T1"}"#)
        }
    }
}
