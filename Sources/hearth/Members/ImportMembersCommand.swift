import ArgumentParser
import Foundation
import HearthImportClient

/// `hearth members import FILE.csv`: adds and updates members from a spreadsheet export.
struct ImportMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import members from a CSV file (UTF-8, header row naming the columns).",
        discussion: """
            Rows are matched to existing members by phone, then WeChat, QQ or DingTalk id; matched \
            members get the file's non-empty values, others are added. Columns are found by name \
            (display_name/name/姓名, phone/手机号, email, province/省份, city/城市, org_kind, tags/标签, \
            interests, source_channel, vip_tier, lifecycle_stage, wechat/微信, qq, dingtalk/钉钉, \
            consent_sms, consent_im, consent_phone); unknown columns are reported and skipped. \
            Row numbers count the header as row 1, as a spreadsheet shows them. Refused rows go to \
            the rejects file with their reason. Re-running the same file changes nothing.
            """)

    @Argument(help: "The CSV file.") var file: String

    @Flag(help: "Check every row and report what would happen; write nothing.") var dryRun = false

    @Option(help: "Where to write refused rows (default: FILE.rejects.csv).") var rejects: String?
    @Flag(help: "Exit 1 when any row was refused, after the summary (for scripts and cron jobs).")
    var failOnRejects = false

    @Option(help: "Rows per message to the service (1 to 5000).") var batchSize = MemberFileImport.defaultBatchSize

    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...5_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 5000") }
    }

    func run() async throws {
        let session = try FileImportSession(path: file, rejectsPath: rejects)
        // An import of millions of rows runs for minutes: no deadline unless one is asked for.
        let options = service.callOptions(defaultTimeout: nil)
        let (dryRun, batchSize) = (self.dryRun, self.batchSize)
        let outcome = try await session.run {
            try await service.withClient { client in
                try await MemberFileImport.run(
                    file: session.file, client: client, dryRun: dryRun, callOptions: options, batchSize: batchSize,
                    onProgress: session.bar.show, onRejected: { rows in session.rejectsFile.append(rows) })
            }
        }
        if !outcome.unknownColumns.isEmpty {
            printError(
                "hearth: columns not imported (no such field): \(outcome.unknownColumns.joined(separator: ", "))")
        }
        try output.print(facts: [
            "rows": "\(outcome.rowsRead)",
            "inserted": "\(outcome.inserted)",
            "updated": "\(outcome.updated)",
            "unchanged": "\(outcome.unchanged)",
            "rejected": "\(outcome.rejected)",
            "rejects_file": outcome.rejected > 0 ? session.rejectsFile.url.path : "",
            "dry_run": "\(outcome.dryRun)",
            "unknown_columns": outcome.unknownColumns.joined(separator: ";"),
        ])
        try session.failIfRefused(outcome.rejected, when: failOnRejects)
    }
}
