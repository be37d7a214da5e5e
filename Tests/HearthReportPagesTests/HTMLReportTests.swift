import Foundation
import HearthProtos
import HearthReportPages
import SwiftProtobuf
import Testing

/// The HTML reports as a browser shows them: each page is opened in headless Chromium (Debian's
/// `chromium`, which `scripts/test` installs) and the text it renders is checked.
@Suite("HTML reports, opened in headless Chromium")
struct HTMLReportTests {
    static func campaignReport() -> Hearth_Analytics_V1_CampaignReport {
        var report = Hearth_Analytics_V1_CampaignReport()
        report.campaignID = "6f1c0a52-0000-4000-8000-000000000001"
        report.funnel.targeted = 4_812
        report.funnel.delivered = 4_530
        report.funnel.suppressed = 250
        report.funnel.failed = 32
        report.funnel.joined = 1_210
        report.funnel.participated = 873
        report.funnel.converted = 402
        report.funnel.revenueFen = 31_245_000
        var quiet = Hearth_Common_V1_SuppressionCount()
        quiet.reason = .quietHours
        quiet.count = 250
        report.funnel.suppressedByReason = [quiet]
        report.pacing.goalRevenueFen = 30_000_000
        report.pacing.revenueFen = 31_245_000
        report.pacing.expectedRevenueFen = 22_500_000
        report.pacing.projectedRevenueFen = 41_660_000
        report.pacing.elapsedFraction = 0.75
        report.pacing.onTrack = true
        return report
    }

    /// The text Chromium renders for `html`: the DOM after parsing, with tags removed.
    static func renderedText(_ html: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-html-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: file)
        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            Issue.record("headless Chromium is not installed (apt-get install chromium; scripts/test does)")
            return ""
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--dump-dom", file.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let dom = String(decoding: data, as: UTF8.self)
        return dom.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    @Test func aCampaignReportShowsItsFunnelAndPacingInABrowser() throws {
        let html = HTMLReport.campaign(Self.campaignReport())
        // Self-contained: no script, nothing fetched; the only URL is the SVG namespace.
        #expect(!html.contains("<script"))
        let urls = html.components(separatedBy: "http").dropFirst().map { "http" + $0.prefix(30) }
        #expect(urls.allSatisfy { $0.hasPrefix("http://www.w3.org/2000/svg") })
        let text = try Self.renderedText(html)
        for figure in ["4812", "4530", "1210", "873", "402", "312450.00 CNY", "300000.00 CNY", "quiet_hours"] {
            #expect(text.contains(figure), "\(figure) is not on the rendered page")
        }
        #expect(html.contains("<svg"))
    }

    @Test func textFromTheReportIsEscaped() throws {
        var report = Hearth_Analytics_V1_OverviewReport()
        report.memberCount = 5_000
        let html = HTMLReport.overview(report)
        #expect(HTMLReport.escape("<b>Tom & \"Jerry\"</b>") == "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;")
        let text = try Self.renderedText(html)
        #expect(text.contains("5000"))
    }

    @Test func terminalChartsScaleToTheirMaximum() {
        #expect(TerminalCharts.sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(TerminalCharts.bar(10, max: 10, width: 4) == "████")
        #expect(TerminalCharts.bar(0, max: 10, width: 4).trimmingCharacters(in: .whitespaces).isEmpty)
    }
}
