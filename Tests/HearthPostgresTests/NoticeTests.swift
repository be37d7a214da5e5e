import HearthPostgres
import HearthTestSupport
import Logging
import Synchronization
import Testing

@Suite("Server notices go to the logger")
struct NoticeTests {
    /// Keeps every log line it receives, for assertions.
    final class RecordingLogHandler: LogHandler, Sendable {
        let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
        var metadata: Logger.Metadata {
            get { [:] }
            set {}
        }
        var logLevel: Logger.Level {
            get { .trace }
            set {}
        }
        subscript(metadataKey _: String) -> Logger.Metadata.Value? {
            get { nil }
            set {}
        }
        func log(event: LogEvent) {
            lines.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
        }
    }

    @Test func noticesAndWarningsAreLoggedNotPrinted() async throws {
        let handler = RecordingLogHandler()
        let logger = Logger(label: "notices") { _ in handler }
        try await TestDatabase.with(migrated: false) { database in
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConfiguration(url: database.ownerURL), logger: logger)
            try await connection.executeScript(
                "DO $$ BEGIN RAISE NOTICE 'segment % refreshed', 7; RAISE WARNING 'capacity at 95%%'; END $$;")
            await connection.close()
        }
        let lines = handler.lines.withLock { $0 }
        let notice = try #require(lines.first { $0.1 == "segment 7 refreshed" })
        #expect(notice.0 == .info)
        #expect(notice.2["pg.severity"] == "NOTICE")
        let warning = try #require(lines.first { $0.1.hasPrefix("capacity at 95") })
        #expect(warning.0 == .warning)
    }
}
