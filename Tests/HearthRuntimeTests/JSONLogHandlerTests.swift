import Foundation
import HearthRuntime
import Logging
import Synchronization
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    static let moment = Date(timeIntervalSince1970: 1_700_000_000.123)

    @Test func rendersTheFixedFieldsThenRequestIDThenFlattenedMetadataByKey() {
        let line = JSONLogHandler.render(
            timestamp: Self.moment, level: .info, label: "hearth.member-service", message: "rpc",
            metadata: [
                "rpc.method": "hearth.member.v1.MemberService/GetMember",
                "request_id": "r-42",
                "peer": ["host": "10.0.0.7", "port": "5123"],
                "duration_ms": "12",
            ])
        #expect(
            line
                == #"{"ts":"2023-11-14T22:13:20.123Z","level":"info","label":"hearth.member-service","message":"rpc","#
                + #""request_id":"r-42","duration_ms":"12","peer.host":"10.0.0.7","peer.port":"5123","#
                + #""rpc.method":"hearth.member.v1.MemberService/GetMember"}"#)
    }

    @Test func escapesQuotesAndControlCharactersAndStaysValidJSON() throws {
        let message = "said \"hi\"\n\tthen\u{01} 四川 \\ done"
        let line = JSONLogHandler.render(
            timestamp: Self.moment, level: .warning, label: "hearth.test", message: message,
            metadata: ["message": "shadowed", "tags": ["vip", "sichuan"]])
        #expect(line.contains(#""message":"said \"hi\"\n\tthen\u0001 四川 \\ done""#))
        #expect(line.contains(#""tags":["vip","sichuan"]"#))
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        let object = try #require(parsed as? [String: Any])
        #expect(object["message"] as? String == message)
        #expect(object["meta.message"] as? String == "shadowed")
        #expect(object["level"] as? String == "warning")
        #expect(object["tags"] as? [String] == ["vip", "sichuan"])
    }

    @Test(arguments: [
        ("+8613800138000", "+86138****8000"),
        ("13800138000", "138****8000"),
        ("8613912345678", "86139****5678"),
        ("member 13912345678 joined", "member 139****5678 joined"),
        ("phone=+8613800138000;backup=15900001111", "phone=+86138****8000;backup=159****1111"),
        ("+12025550123", "+120****0123"),
        ("+4915112345678", "+49151****5678"),
        ("+12345678", "+****5678"),
    ])
    func masksPhoneNumbersKeepingTheFirstAndLastDigits(input: String, expected: String) {
        #expect(JSONLogHandler.mask(input) == expected)
    }

    @Test(arguments: [
        "order 20240101123",
        "10800138000",
        "138001380001",
        "+1234567",
        "+1234567890123456",
        "took 1700000000123 ms",
        "member 550e8400-e29b-41d4-a716-446655440000",
        "四川 VIP",
    ])
    func leavesTextWithoutPhoneNumbersAlone(input: String) {
        #expect(JSONLogHandler.mask(input) == input)
    }

    @Test func redactsSecretsByKeyAndMasksPhonesButKeepsTheRequestID() {
        let line = JSONLogHandler.render(
            timestamp: Self.moment, level: .error, label: "hearth.test",
            message: "no member with phone +8613800138000",
            metadata: [
                "Authorization": "Bearer abc.def",
                "auth_token": "t0k3n",
                "db_password": "hunter2",
                "client_secret": "s3cr3t",
                "webhook": ["api_key": "k3y", "url": "https://example.test/hook"],
                "phone": "13800138000",
                "request_id": "13800138000",
            ])
        #expect(
            line
                == #"{"ts":"2023-11-14T22:13:20.123Z","level":"error","label":"hearth.test","#
                + #""message":"no member with phone +86138****8000","request_id":"13800138000","#
                + #""Authorization":"[redacted]","auth_token":"[redacted]","client_secret":"[redacted]","#
                + #""db_password":"[redacted]","phone":"138****8000","webhook.api_key":"[redacted]","#
                + #""webhook.url":"https://example.test/hook"}"#)
        for secret in ["abc.def", "t0k3n", "hunter2", "s3cr3t", "k3y"] {
            #expect(!line.contains(secret))
        }
    }

    @Test func aLoggerWritesOneLinePerEventAboveItsLevelWithHandlerAndCallMetadata() {
        let sink = LineSink()
        var logger = Logger(label: "hearth.test") { label in
            JSONLogHandler(
                label: label, logLevel: .info, metadataProvider: nil, output: { sink.append($0) },
                now: { JSONLogHandlerTests.moment })
        }
        logger[metadataKey: "process"] = "member-service"
        logger.debug("not written below info")
        logger.info("served", metadata: ["request_id": "abc", "phone": "+8613800138000"])
        #expect(
            sink.lines == [
                #"{"ts":"2023-11-14T22:13:20.123Z","level":"info","label":"hearth.test","message":"served","#
                    + #""request_id":"abc","phone":"+86138****8000","process":"member-service"}"# + "\n"
            ])
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        let cases: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500Z"),
            (-1.25, "1969-12-31T23:59:58.750Z"),
        ]
        for (seconds, expected) in cases {
            let line = JSONLogHandler.render(
                timestamp: Date(timeIntervalSince1970: seconds), level: .info, label: "t", message: "m", metadata: [:])
            #expect(line.hasPrefix(#"{"ts":"\#(expected)""#))
        }
    }
}

/// Collects what a handler writes.
final class LineSink: Sendable {
    private let stored = Mutex<[String]>([])

    func append(_ line: String) {
        stored.withLock { $0.append(line) }
    }

    var lines: [String] { stored.withLock { $0 } }
}
