import Foundation
import HearthDomain
import HearthTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("campaign-service: a sender process killed with SIGKILL loses and doubles nothing")
struct SenderProcessKillTests {
    /// The built `campaign-service` next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("campaign-service")
    }

    func start(_ harness: CampaignEngineHarness) throws -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.environment = [
            "HEARTH_DATABASE_URL": harness.database.appURL,
            // Below Linux's ephemeral ports (32768 and up): a port the suite's own connections use
            // would make the restarted process fail to listen and exit, and sending would stop.
            "HEARTH_CAMPAIGN_LISTEN": "127.0.0.1:\(Int.random(in: 20_000..<32_000))",
            "HEARTH_MEMBER_ADDR": "127.0.0.1:\(harness.memberPort)",
            // No metrics endpoint: its fixed port would collide with a Hearth running on this machine.
            "HEARTH_METRICS_LISTEN": "off",
            "HEARTH_AUTH_SECRET": String(repeating: "c", count: 48),
            "HEARTH_CHANNEL_LOG": harness.sinkPath,
            "HEARTH_SEND_LEASE_SECONDS": "2",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: executable.path)))
    func killedMidFanOutThenRestarted() async throws {
        try await CampaignEngineHarness.with { harness in
            try await harness.seedMembers(3_000, goneEvery: 1_000_000)
            _ = try await harness.launchedCampaign()
            var kills = 0
            var process = try start(harness)
            // Kill it twice while it sends, at different depths of the fan-out.
            for threshold in [400, 1_600] {
                for _ in 0..<600 {
                    if try await harness.statusCounts()["sent", default: 0] >= threshold { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                kills += 1
                process = try start(harness)
            }
            defer {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            for _ in 0..<1_200 {
                let counts = try await harness.statusCounts()
                if counts["sent", default: 0] == 3_000 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let counts = try await harness.statusCounts()
            #expect(
                process.isRunning,
                "the restarted campaign-service exited (status \(process.isRunning ? 0 : process.terminationStatus))")
            #expect(counts["sent"] == 3_000)
            #expect(kills == 2)
            let atSink = try harness.sinkDeliveryIDs()
            let expected = try await harness.expectedRecipients()
            #expect(Set(atSink) == expected.sent)
            // Exactly one line a delivery: the restarted sink reads the ids already written.
            #expect(atSink.count == Set(atSink).count)
        }
    }
}
