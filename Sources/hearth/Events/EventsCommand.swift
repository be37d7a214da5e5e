import ArgumentParser
import Foundation
import HearthImportClient
import HearthProtos
import SwiftProtobuf

/// `hearth events …`: what members did.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Import and list member events.",
        subcommands: [ImportEventsCommand.self, ListEventsCommand.self])
}

struct ImportEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import events from NDJSON (.ndjson, .jsonl) or CSV.",
        discussion: """
            Each event names its member by member_id or a handle (phone, wechat, qq, dingtalk, email) and \
            has kind (message, check_in, share, referral, purchase, campaign_participation, visit, feedback, \
            join, leave), occurred_at (ISO 8601 with a zone), idempotency_key and, as its kind needs, \
            amount_fen, community_id, campaign_id, feedback_status, resolves_idempotency_key and (NDJSON) \
            properties. Events already recorded (same idempotency_key) count as duplicates, so a re-run \
            changes nothing. Refused rows go to the rejects file with their reason.
            """)

    @Argument(help: "The NDJSON or CSV file.") var file: String
    @Flag(help: "Check every row and report what would happen; write nothing.") var dryRun = false
    @Option(help: "Where to write refused rows (default: FILE.rejects.csv).") var rejects: String?
    @Flag(help: "Exit 1 when any row was refused, after the summary (for scripts and cron jobs).")
    var failOnRejects = false
    @Option(help: "Rows per message to the service (1 to 5000).") var batchSize = 2_000
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...5_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 5000") }
    }

    func run() async throws {
        let session = try FileImportSession(path: file, rejectsPath: rejects)
        let options = service.callOptions(defaultTimeout: nil)
        let (dryRun, batchSize) = (self.dryRun, self.batchSize)
        let outcome = try await session.run {
            try await service.withClient { client in
                try await EventFileImport.run(
                    file: session.file, client: client, dryRun: dryRun, callOptions: options, batchSize: batchSize,
                    onProgress: session.bar.show, onRejected: { rows in session.rejectsFile.append(rows) })
            }
        }
        try output.print(facts: [
            "rows": "\(outcome.rowsRead)",
            "accepted": "\(outcome.accepted)",
            "duplicate": "\(outcome.duplicate)",
            "rejected": "\(outcome.rejected)",
            "rejects_file": outcome.rejected > 0 ? session.rejectsFile.url.path : "",
            "dry_run": "\(outcome.dryRun)",
        ])
        try session.failIfRefused(outcome.rejected, when: failOnRejects)
    }
}

struct ListEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List events, newest first.")

    @Option(help: "Only this member's events (id).") var member: String?
    @Option(help: "Only events in this community (id).") var community: String?
    @Option(help: "Only events of this campaign (id).") var campaign: String?
    @Option(help: "Only this kind; repeat for several.") var kind: [String] = []
    @Option(help: "How many at most (1 to 10000).") var limit = 50
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    static let kinds: [String: Hearth_Common_V1_EventKind] = [
        "message": .message, "check_in": .checkIn, "share": .share, "referral": .referral, "purchase": .purchase,
        "campaign_participation": .campaignParticipation, "visit": .visit, "feedback": .feedback, "join": .join,
        "leave": .leave,
    ]

    /// A kind as `--kind` and event files write it (check_in, not checkIn).
    static func kindName(_ kind: Hearth_Common_V1_EventKind) -> String {
        kinds.first { $0.value == kind }?.key ?? "\(kind)"
    }

    func validate() throws {
        for name in kind where Self.kinds[name] == nil {
            throw ValidationError("--kind \(name) is not one of \(Self.kinds.keys.sorted().joined(separator: ", "))")
        }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListEventsRequest()
        request.filter.memberID = member ?? ""
        request.filter.communityID = community ?? ""
        request.filter.campaignID = campaign ?? ""
        request.filter.kinds = kind.compactMap { Self.kinds[$0] }
        let (options, limit) = (service.callOptions, self.limit)
        let events = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listEvents(request, options: options)
                return (response.events, response.page)
            }
        }
        try output.print(
            columns: ["id", "member", "kind", "occurred", "amount_fen", "community", "campaign", "key"],
            rows: events.map { event in
                [
                    event.eventID, event.memberID, Self.kindName(event.kind),
                    MemberRows.timestamp(event.occurredAt.date),
                    event.hasAmountFen ? "\(event.amountFen)" : "", event.communityID, event.campaignID,
                    event.idempotencyKey,
                ]
            })
    }
}
