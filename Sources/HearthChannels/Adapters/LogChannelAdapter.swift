public import Foundation
public import HearthDomain
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends one JSON line per message to a file: the default channel, for dry runs and tests.
///
/// ```json
/// {"at":"2026-05-14T02:00:00Z","channel":"log","content":"…","delivery_id":"6f1c…","format":"text",
///  "recipient":{"kind":"phone","value":"+8613800001111"}}
/// ```
///
/// (plus `mentioned_mobiles`, `params` and `template_id` when set). The file is opened once with
/// `O_APPEND` and each line is written by a single `write(2)`, so concurrent senders, in this
/// process or in others appending to the same file, never interleave within a line, and a process
/// killed mid-send leaves whole lines. Like a gateway honouring an idempotency key, it writes a
/// delivery id once: the ids already in the file are read when it opens, so a message sent again
/// after a crash (written, but the process died before the outbox heard) is acknowledged without a
/// second line. The write goes to the page cache (no fsync): fast enough for benchmarks, and it
/// survives the process, though not the machine.
public final class LogChannelAdapter: ChannelAdapter {
    public let path: String
    private let descriptor: Int32
    private let now: @Sendable () -> Date
    /// The delivery ids in the file: read at open, then each one written.
    private let written: Mutex<Set<UUID>>

    /// Opens (creating it and its folder if need be) the file at `path` for appending.
    public init(path: String, now: @escaping @Sendable () -> Date = { Date() }) throws(DomainError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DomainError(
                code: .failedPrecondition, message: "cannot open the channel log \(path): \(Self.lastError())")
        }
        self.path = path
        self.descriptor = descriptor
        self.now = now
        self.written = Mutex(Self.deliveryIDs(in: path))
    }

    /// The `delivery_id` of every whole line already in the file.
    static func deliveryIDs(in path: String) -> Set<UUID> {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let key = Array(#""delivery_id":""#.utf8)
        var ids = Set<UUID>()
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var index = 0
            while index + key.count + 36 <= bytes.count {
                if bytes[index] == key[0], zip(key.indices, key).allSatisfy({ bytes[index + $0] == $1 }) {
                    let start = index + key.count
                    if let text = String(bytes: bytes[start..<start + 36], encoding: .utf8),
                        let id = UUID(uuidString: text)
                    {
                        ids.insert(id)
                    }
                    index = start + 36
                } else {
                    index += 1
                }
            }
        }
        return ids
    }

    deinit {
        close(descriptor)
    }

    public var kind: ChannelKind { .log }

    public func send(_ message: ChannelMessage, onAttempt: @escaping ChannelAttemptHandler) async -> ChannelSendResult {
        let clock = ContinuousClock()
        let start = clock.now
        let result: ChannelSendResult
        if written.withLock({ $0.contains(message.deliveryID) }) {
            result = .delivered(providerMessageID: nil)
        } else {
            do {
                var line = try ChannelJSON.encode(MessageEnvelope(message, channel: .log, at: now()))
                line.append(UInt8(ascii: "\n"))
                result = append(line)
            } catch {
                result = .permanent(ChannelFailure(code: .badMessage, reason: "cannot encode the message: \(error)"))
            }
            if result.isDelivered { written.withLock { _ = $0.insert(message.deliveryID) } }
        }
        onAttempt(
            ChannelAttempt(
                deliveryID: message.deliveryID, channel: .log, number: 1, duration: start.duration(to: clock.now),
                result: result))
        return result
    }

    /// Writes `line` with one `write(2)` (retried only if interrupted before writing anything).
    private func append(_ line: [UInt8]) -> ChannelSendResult {
        let written = line.withUnsafeBytes { bytes -> Int in
            var count: Int
            repeat {
                count = write(descriptor, bytes.baseAddress, bytes.count)
            } while count < 0 && errno == EINTR
            return count
        }
        if written == line.count { return .delivered(providerMessageID: nil) }
        let reason =
            written < 0
            ? "cannot write to the channel log \(path): \(Self.lastError())"
            : "short write to the channel log \(path) (\(written) of \(line.count) bytes): the file may hold a "
                + "partial line"
        return .retryable(ChannelFailure(code: .sinkUnavailable, reason: reason))
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
