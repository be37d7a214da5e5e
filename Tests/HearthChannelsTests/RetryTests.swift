import Foundation
import HearthChannels
import Testing

@Suite("Retries with backoff")
struct RetryTests {
    func webhook(
        _ server: ScriptedHTTPServer, timeout: Duration = .seconds(5), policy: RetryPolicy = Fixture.fastRetry
    ) -> RetryingChannelAdapter {
        RetryingChannelAdapter(
            WebhookChannelAdapter(
                url: server.url("/hook"), secret: "whsec-hearth-test", timeout: timeout, transport: Fixture.transport,
                now: Fixture.now),
            policy: policy)
    }

    @Test func aServerErrorIsRetriedWithTheSameBodyAndIdempotencyKey() async throws {
        let answers: [ScriptedResponse] = [
            .json(#"{"error":"overloaded"}"#, status: 500), .json(#"{"message_id":"m-1"}"#),
        ]
        try await withScriptedServer(answers) { server in
            let recorder = AttemptRecorder()
            let result = await webhook(server).send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: "m-1"))

            let requests = server.requests
            #expect(requests.count == 2)
            #expect(Set(requests.map(\.bodyText)).count == 1)
            #expect(requests.allSatisfy { $0.headers["idempotency-key"] == Fixture.idempotencyKey })
            #expect(Set(requests.compactMap { $0.headers["x-hearth-signature"] }).count == 1)

            let attempts = recorder.attempts
            #expect(attempts.map(\.number) == [1, 2])
            #expect(attempts.map(\.httpStatus) == [500, 200])
            #expect(attempts.first?.result.isRetryable == true)
            #expect(attempts.first?.result.failure?.code == .httpStatus)
            #expect(attempts.first?.result.failure?.reason.contains("overloaded") == true)
            #expect(attempts.last?.result == result)
        }
    }

    @Test func aClientErrorIsPermanentAndNotRetried() async throws {
        try await withScriptedServer([.json(#"{"error":"unknown recipient"}"#, status: 400)]) { server in
            let recorder = AttemptRecorder()
            let result = await webhook(server).send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result.isPermanent)
            #expect(result.failure?.code == .httpStatus)
            #expect(result.failure?.httpStatus == 400)
            #expect(result.failure?.reason.contains("unknown recipient") == true)
            #expect(server.requests.count == 1)
            #expect(recorder.attempts.map(\.httpStatus) == [400])
        }
    }

    @Test func aTimeoutIsRetried() async throws {
        try await withScriptedServer([.hang, .json("{}")]) { server in
            let recorder = AttemptRecorder()
            // Long enough that the answered second try never times out on a loaded machine too.
            let result = await webhook(server, timeout: .seconds(2)).send(
                Fixture.message(), onAttempt: recorder.handler)
            #expect(result == .delivered(providerMessageID: nil))
            #expect(server.requests.count == 2)

            let attempts = recorder.attempts
            #expect(attempts.map(\.number) == [1, 2])
            #expect(attempts.first?.httpStatus == nil)
            #expect(attempts.first?.transportError != nil)
            #expect(attempts.first?.result.failure?.code == .timeout)
            #expect(attempts.first?.result.isRetryable == true)
            #expect(attempts.last?.httpStatus == 200)
        }
    }

    @Test func aRefusedConnectionIsRetriedUpToTheLimitAndStaysRetryable() async throws {
        let closed = try await ScriptedHTTPServer.start([])
        let url = closed.url("/hook")
        await closed.stop()
        let adapter = RetryingChannelAdapter(
            WebhookChannelAdapter(url: url, timeout: .seconds(5), transport: Fixture.transport),
            policy: Fixture.fastRetry)
        let recorder = AttemptRecorder()
        let result = await adapter.send(Fixture.message(), onAttempt: recorder.handler)
        #expect(result.isRetryable)
        #expect(result.failure?.code == .connection)
        #expect(recorder.attempts.map(\.number) == [1, 2, 3])
        #expect(recorder.attempts.allSatisfy { $0.httpStatus == nil && $0.transportError != nil })
    }

    @Test func aRetryAfterLongerThanTheMaximumDelayEndsTheRetriesAndIsPassedOn() async throws {
        try await withScriptedServer([.json("{}", status: 429, headers: ["Retry-After": "120"])]) { server in
            let result = await webhook(server).send(Fixture.message())
            #expect(result.isRetryable)
            #expect(result.failure?.code == .rateLimited)
            #expect(result.failure?.retryAfter == .seconds(120))
            #expect(server.requests.count == 1)
        }
    }

    @Test func aShortRetryAfterIsHonouredAndRetried() async throws {
        try await withScriptedServer([.json("{}", status: 503, headers: ["Retry-After": "0"]), .json("{}")]) { server in
            let result = await webhook(server).send(Fixture.message())
            #expect(result == .delivered(providerMessageID: nil))
            #expect(server.requests.count == 2)
        }
    }

    @Test func theLastRetryableResultIsReturnedWhenAttemptsRunOut() async throws {
        try await withScriptedServer([], otherwise: .json("{}", status: 502)) { server in
            let recorder = AttemptRecorder()
            let result = await webhook(server).send(Fixture.message(), onAttempt: recorder.handler)
            #expect(result.isRetryable)
            #expect(result.failure?.httpStatus == 502)
            #expect(server.requests.count == 3)
            #expect(recorder.attempts.map(\.number) == [1, 2, 3])
        }
    }

    @Test func theBackoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500))
        #expect(nearly(policy.delay(afterAttempt: 1, jitter: 1), .milliseconds(100)))
        #expect(nearly(policy.delay(afterAttempt: 2, jitter: 1), .milliseconds(200)))
        #expect(nearly(policy.delay(afterAttempt: 3, jitter: 1), .milliseconds(400)))
        #expect(nearly(policy.delay(afterAttempt: 4, jitter: 1), .milliseconds(500)))
        #expect(nearly(policy.delay(afterAttempt: 40, jitter: 1), .milliseconds(500)))
        #expect(nearly(policy.delay(afterAttempt: 1, jitter: 0), .milliseconds(50)))
        #expect(nearly(policy.delay(afterAttempt: 3, jitter: 0.5), .milliseconds(300)))
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 2, jitter: Double.random(in: 0...1))
            #expect(delay >= .milliseconds(100) && delay <= .milliseconds(200))
        }
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
