import Foundation
import HearthChannels
import HearthDomain
import Testing

@Suite("Log channel")
struct LogChannelTests {
    @Test func writesOneJSONLinePerMessage() async throws {
        let path = temporaryLogPath()
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        let adapter = try LogChannelAdapter(path: path, now: Fixture.now)
        let recorder = AttemptRecorder()
        let template = SMSTemplate(id: "SMS_1", params: ["code": "VIP20"])
        let result = await adapter.send(Fixture.message(template: template), onAttempt: recorder.handler)
        #expect(result == .delivered(providerMessageID: nil))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text
                == #"{"at":"2023-11-14T22:13:20Z","channel":"log","content":"Thursday member day: 20% off","#
                + #""delivery_id":"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab","format":"text","params":{"code":"VIP20"},"#
                + #""recipient":{"kind":"phone","value":"+8613800001111"},"template_id":"SMS_1"}"# + "\n")
        #expect(recorder.attempts.map(\.channel) == [.log])
        #expect(recorder.attempts.first?.httpStatus == nil)
    }

    @Test func concurrentSendersWriteOnlyWholeLines() async throws {
        let path = temporaryLogPath()
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        let adapter = try LogChannelAdapter(path: path)
        let delivered = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            for sender in 0..<8 {
                group.addTask {
                    var count = 0
                    for index in 0..<125 {
                        // Lines of a few hundred bytes, so torn writes would show.
                        let content = "sender \(sender) message \(index) " + String(repeating: "会员", count: 60)
                        let result = await adapter.send(Fixture.message(.text(content), id: UUID()))
                        if result.isDelivered { count += 1 }
                    }
                    return count
                }
            }
            var total = 0
            for await count in group { total += count }
            return total
        }
        #expect(delivered == 1000)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1000)
        var ids = Set<String>()
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let id = object?["delivery_id"] as? String { ids.insert(id) }
        }
        #expect(ids.count == 1000)
    }

    @Test func aLogThatCannotBeOpenedIsRefusedUpFront() {
        #expect(throws: DomainError.self) {
            try LogChannelAdapter(path: "/proc/hearth-cannot-write-here/deliveries.jsonl")
        }
    }
}
