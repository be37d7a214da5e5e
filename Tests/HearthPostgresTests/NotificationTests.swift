import HearthPostgres
import HearthTestSupport
import Testing

@Suite("LISTEN/NOTIFY")
struct NotificationTests {
    @Test func notificationsArriveAsAnAsyncSequence() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let listener = try await database.connect(owner: true)
            let stream = try await listener.notifications(channels: ["outbox_ready", "Mixed Case"])
            let sender = try await database.connect(owner: true)
            try await sender.notify(channel: "outbox_ready", payload: "tenant-a")
            try await sender.notify(channel: "Mixed Case", payload: "四川")
            try await sender.notify(channel: "not_listened", payload: "ignored")
            try await sender.notify(channel: "outbox_ready", payload: "tenant-b")
            var received: [PostgresNotification] = []
            for try await notification in stream {
                received.append(notification)
                if received.count == 3 { break }
            }
            #expect(received.map(\.channel) == ["outbox_ready", "Mixed Case", "outbox_ready"])
            #expect(received.map(\.payload) == ["tenant-a", "四川", "tenant-b"])
            await sender.close()
        }
    }
}
