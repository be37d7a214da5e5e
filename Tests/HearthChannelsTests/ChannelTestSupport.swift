import Foundation
import HearthChannels
import Synchronization

/// Fixed inputs shared by the channel tests.
enum Fixture {
    static let deliveryID = UUID(uuidString: "6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB")!
    static let idempotencyKey = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
    /// 2023-11-14T22:13:20Z: unix 1_700_000_000 s, 1_700_000_000_000 ms.
    static let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }
    /// Three attempts a few milliseconds apart.
    static let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
    static let transport = URLSessionHTTPTransport()

    static func message(
        _ content: ChannelContent = .text("Thursday member day: 20% off"),
        to recipient: ChannelRecipient = .phone("+8613800001111"), template: SMSTemplate? = nil,
        mentioning mobiles: [String] = [], id: UUID = Fixture.deliveryID
    ) -> ChannelMessage {
        ChannelMessage(
            deliveryID: id, recipient: recipient, content: content, template: template, mentionedMobiles: mobiles)
    }
}

/// Collects the attempts an adapter reports.
final class AttemptRecorder: Sendable {
    private let recorded = Mutex<[ChannelAttempt]>([])

    var handler: ChannelAttemptHandler {
        { attempt in self.recorded.withLock { $0.append(attempt) } }
    }

    var attempts: [ChannelAttempt] { recorded.withLock { $0 } }
}

/// Whether two JSON texts hold the same value, whatever their key order and spacing.
func sameJSON(_ left: String, _ right: String) -> Bool {
    guard let canonical = canonicalJSON(left) else { return false }
    return canonical == canonicalJSON(right)
}

/// `text` re-serialised with sorted keys, or nil if it is not JSON.
func canonicalJSON(_ text: String) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    else { return nil }
    return String(decoding: data, as: UTF8.self)
}

extension ChannelSendResult {
    var isRetryable: Bool {
        if case .retryable = self { return true }
        return false
    }

    var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }
}

/// Whether two durations are within a microsecond of each other.
func nearly(_ left: Duration, _ right: Duration) -> Bool {
    left - right < .microseconds(1) && right - left < .microseconds(1)
}

/// A fresh file path in a folder that does not exist yet.
func temporaryLogPath() -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("hearth-channels-\(UUID().uuidString)")
        .appendingPathComponent("deliveries.jsonl").path
}
