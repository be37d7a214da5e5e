import ArgumentParser
import Foundation
import HearthProtos

// The status moves: schedule, launch, pause, resume, cancel. Each sends one idempotency key per
// invocation, so a retry of the call inside the client never acts twice; an illegal move exits 1
// with the service's reason (e.g. "a paused campaign cannot be launched; resume it").

struct ScheduleCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Plan a draft's occurrences (draft → scheduled); nothing is sent until `launch`.",
        discussion: """
            Needs a schedule, channels and messages, and for a recurring schedule a period (--from/--until at \
            create). Prints how many occurrences were planned and the first few. As JSON or CSV: one row per \
            upcoming occurrence.
            """)

    @Argument(help: "The campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_ScheduleCampaignRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.scheduleCampaign(request, options: options)
        }
        let zone = CampaignRows.zone(of: response.campaign)
        guard output.output == .table else {
            let upcoming = response.upcoming.isEmpty ? [nil] : response.upcoming.map { Optional($0) }
            try output.print(
                columns: ["campaign", "status", "occurrence_count"] + OccurrenceRows.columns,
                rows: upcoming.map { occurrence in
                    [
                        response.campaign.campaignID, EnumArgument.text(response.campaign.status),
                        "\(response.occurrenceCount)",
                    ] + (occurrence.map { OccurrenceRows.row($0, in: zone) } ?? OccurrenceRows.empty)
                })
            return
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(response.campaign)])
        print("")
        print(
            "\(response.occurrenceCount) occurrence\(response.occurrenceCount == 1 ? "" : "s") planned"
                + (response.upcoming.isEmpty ? "" : "; the first \(response.upcoming.count):"))
        if !response.upcoming.isEmpty {
            try output.print(
                columns: OccurrenceRows.columns, rows: response.upcoming.map { OccurrenceRows.row($0, in: zone) })
        }
    }
}

struct LaunchCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Start a scheduled campaign (scheduled → running): occurrences send at their times.")

    @Argument(help: "The campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_LaunchCampaignRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let campaign = try await service.withClient { client in
            try await client.launchCampaign(request, options: options).campaign
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(campaign)])
    }
}

struct PauseCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop a running campaign's sends at once (running → paused).",
        discussion: "Occurrences that start while it is paused are skipped, not caught up on `resume`.")

    @Argument(help: "The campaign's id.") var id: String
    @Option(help: "Why, kept with the campaign.") var reason: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_PauseCampaignRequest()
        request.campaignID = id
        request.reason = reason ?? ""
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let campaign = try await service.withClient { client in
            try await client.pauseCampaign(request, options: options).campaign
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(campaign)])
    }
}

struct ResumeCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Go on with a paused campaign (paused → running), never re-sending what went out.",
        discussion:
            "Occurrences whose start passed during the pause are cancelled, not caught up; the count is printed."
    )

    @Argument(help: "The campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_ResumeCampaignRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.resumeCampaign(request, options: options)
        }
        try output.print(
            columns: CampaignRows.columns + ["skipped_occurrences"],
            rows: [CampaignRows.row(response.campaign) + ["\(response.skippedOccurrenceCount)"]])
    }
}

struct CancelCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a campaign for good; its pending deliveries are suppressed (campaign_stopped).")

    @Argument(help: "The campaign's id.") var id: String
    @Option(help: "Why (required), kept with the campaign.") var reason: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--reason must say why the campaign is cancelled")
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_CancelCampaignRequest()
        request.campaignID = id
        request.reason = reason
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let campaign = try await service.withClient { client in
            try await client.cancelCampaign(request, options: options).campaign
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(campaign)])
    }
}
