import Foundation
import HearthChannels
import Testing

@Suite("SMS gateway webhook")
struct SMSWebhookChannelTests {
    static let template = SMSTemplate(id: "SMS_240915", params: ["day": "Thursday", "code": "VIP20"])
    static let expectedBody =
        #"{"idempotency_key":"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab","params":{"code":"VIP20","day":"Thursday"},"#
        + #""phone":"+8613800001111","sign_name":"Hearth","template_id":"SMS_240915"}"#
    /// HMAC-SHA256(key: "sms-gateway-secret", message: "1700000000." + expectedBody) in hex, computed
    /// independently with Python's `hmac` module.
    static let expectedSignature = "t=1700000000,v1=d20f3b8feb28b6a125d6b3807b95f38349a370bbb80d5fc5910bf7bf73fc39c9"

    func gateway(_ server: ScriptedHTTPServer) -> RetryingChannelAdapter {
        RetryingChannelAdapter(
            SMSWebhookChannelAdapter(
                url: server.url("/sms/send"), secret: "sms-gateway-secret", signName: "Hearth", timeout: .seconds(5),
                transport: Fixture.transport, now: Fixture.now),
            policy: Fixture.fastRetry)
    }

    @Test func postsTheTemplateSignedWithTheDeliveryIDAsIdempotencyKey() async throws {
        try await withScriptedServer([.json(#"{"message_id":"sms-9"}"#, status: 202)]) { server in
            let result = await gateway(server).send(Fixture.message(template: Self.template))
            #expect(result == .delivered(providerMessageID: "sms-9"))
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/sms/send")
            #expect(request.bodyText == Self.expectedBody)
            #expect(request.headers["idempotency-key"] == Fixture.idempotencyKey)
            #expect(request.headers["x-hearth-signature"] == Self.expectedSignature)
        }
    }

    @Test func aGatewayOutageIsRetriedWithTheSameIdempotencyKey() async throws {
        try await withScriptedServer([.json("{}", status: 503), .json(#"{"id":"sms-10"}"#)]) { server in
            let result = await gateway(server).send(Fixture.message(template: Self.template))
            #expect(result == .delivered(providerMessageID: "sms-10"))
            #expect(server.requests.count == 2)
            #expect(server.requests.allSatisfy { $0.bodyText == Self.expectedBody })
        }
    }

    @Test func messagesAnSMSCannotCarryAreRefusedWithoutSending() async throws {
        try await withScriptedServer([]) { server in
            let noTemplate = await gateway(server).send(Fixture.message())
            #expect(noTemplate.isPermanent)
            #expect(noTemplate.failure?.code == .badMessage)
            let noPhone = await gateway(server).send(Fixture.message(to: .imID("wxid_42"), template: Self.template))
            #expect(noPhone.isPermanent)
            let notE164 = await gateway(server).send(
                Fixture.message(to: .phone("13800001111"), template: Self.template))
            #expect(notE164.isPermanent)
            #expect(server.requests.isEmpty)
        }
    }
}
