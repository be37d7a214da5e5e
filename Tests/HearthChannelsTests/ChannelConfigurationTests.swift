import Foundation
import HearthChannels
import HearthDomain
import Testing

@Suite("Channel configuration")
struct ChannelConfigurationTests {
    func refusal(_ message: String) -> DomainError {
        DomainError(code: .invalidArgument, message: message)
    }

    @Test func eachKindSaysWhatItIsMissing() {
        #expect(throws: refusal("webhook needs url")) { try ChannelConfiguration(settings: ["kind": "webhook"]) }
        #expect(throws: refusal("sms_webhook needs url")) {
            try ChannelConfiguration(settings: ["kind": "sms_webhook"])
        }
        #expect(throws: refusal("wecom_bot needs url or key")) {
            try ChannelConfiguration(settings: ["kind": "wecom_bot"])
        }
        #expect(throws: refusal("dingtalk_bot needs url or access_token")) {
            try ChannelConfiguration(settings: ["kind": "dingtalk_bot"])
        }
        #expect(throws: refusal("a channel needs a kind (one of log, webhook, wecom_bot, dingtalk_bot, sms_webhook)")) {
            try ChannelConfiguration(settings: ["url": "https://hooks.example.com/h"])
        }
        #expect(
            throws: refusal("unknown channel kind \"fax\" (one of log, webhook, wecom_bot, dingtalk_bot, sms_webhook)")
        ) {
            try ChannelConfiguration(settings: ["kind": "fax"])
        }
    }

    @Test func wrongValuesAreRefusedWithTheReason() {
        #expect(
            throws: refusal("dingtalk_bot secret must start with SEC (copy it from the robot's security settings)")
        ) {
            try ChannelConfiguration(settings: ["kind": "dingtalk_bot", "access_token": "t", "secret": "abc"])
        }
        #expect(throws: refusal("webhook url must be an http:// or https:// URL with a host")) {
            try ChannelConfiguration(settings: ["kind": "webhook", "url": "ftp://files.example.com/x"])
        }
        #expect(throws: refusal("wecom_bot takes url or key, not both")) {
            try ChannelConfiguration(settings: [
                "kind": "wecom_bot", "url": "https://qyapi.weixin.qq.com/x", "key": "k",
            ])
        }
        #expect(throws: refusal("webhook max_attempts must be between 1 and 10")) {
            try ChannelConfiguration(settings: ["kind": "webhook", "url": "https://h.example.com", "max_attempts": "0"])
        }
        #expect(throws: refusal("webhook timeout_ms must be a whole number of milliseconds, not \"soon\"")) {
            try ChannelConfiguration(settings: [
                "kind": "webhook", "url": "https://h.example.com", "timeout_ms": "soon",
            ])
        }
        let misspelt = #expect(throws: DomainError.self) {
            try ChannelConfiguration(settings: ["kind": "webhook", "url": "https://h.example.com", "secert": "s"])
        }
        #expect(misspelt?.code == .invalidArgument)
        #expect(misspelt?.message.hasPrefix("webhook has no setting \"secert\"") == true)
    }

    @Test func settingsBecomeAConfiguration() throws {
        let webhook = try ChannelConfiguration(settings: [
            "kind": "webhook", "url": "https://hooks.example.com/hearth", "secret": "s3cret", "timeout_ms": "2500",
            "max_attempts": "5", "base_delay_ms": "100", "max_delay_ms": "2000",
        ])
        #expect(webhook.kind == .webhook)
        #expect(webhook.url?.absoluteString == "https://hooks.example.com/hearth")
        #expect(webhook.secret == "s3cret")
        #expect(webhook.timeout == .milliseconds(2500))
        #expect(webhook.retry == RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(2)))

        let dingtalk = try ChannelConfiguration(settings: [
            "kind": "dingtalk_bot", "access_token": "abc", "secret": "SECxyz",
        ])
        #expect(dingtalk.url?.absoluteString == "https://oapi.dingtalk.com/robot/send?access_token=abc")
        #expect(dingtalk.retry == .standard)

        let log = try ChannelConfiguration(settings: ["kind": "log"])
        #expect(log.kind == .log)
        #expect(log.path == nil)
    }

    @Test func jsonSettingsMayBeNumbers() throws {
        let json = #"{"kind":"wecom_bot","key":"abc 123","timeout_ms":5000,"max_attempts":2}"#
        let configuration = try ChannelConfiguration(json: Data(json.utf8))
        #expect(configuration.kind == .wecomBot)
        #expect(configuration.url?.absoluteString == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc%20123")
        #expect(configuration.timeout == .seconds(5))
        #expect(configuration.retry.maxAttempts == 2)
        #expect(throws: DomainError.self) { try ChannelConfiguration(json: Data("[1,2]".utf8)) }
    }

    @Test func theDescriptionLeavesSecretsOut() throws {
        let configuration = try ChannelConfiguration(settings: [
            "kind": "dingtalk_bot", "access_token": "tok-PRIVATE", "secret": "SECprivate",
        ])
        #expect(!configuration.description.contains("tok-PRIVATE"))
        #expect(!configuration.description.contains("SECprivate"))
        #expect(configuration.description.contains("oapi.dingtalk.com"))
    }

    @Test func eachKindMakesItsAdapter() throws {
        let http: [[String: String]] = [
            ["kind": "webhook", "url": "https://hooks.example.com/h"],
            ["kind": "wecom_bot", "key": "k"],
            ["kind": "dingtalk_bot", "access_token": "t", "secret": "SECs"],
            ["kind": "sms_webhook", "url": "https://sms.example.com/send", "sign_name": "Hearth"],
        ]
        for settings in http {
            let adapter = try ChannelConfiguration(settings: settings).makeAdapter(transport: Fixture.transport)
            #expect(adapter.kind.rawValue == settings["kind"])
            #expect(adapter is RetryingChannelAdapter)
        }
        let path = temporaryLogPath()
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        let log = try ChannelConfiguration.log(path: path).makeAdapter()
        #expect(log.kind == .log)
        #expect(log is LogChannelAdapter)
    }
}
