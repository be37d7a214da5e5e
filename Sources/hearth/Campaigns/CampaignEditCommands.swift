import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

// Changing and deleting campaigns. A draft can change anything but its kind; once scheduled, only
// the name, goal, messages and the period's end (later occurrences are laid out again).

struct UpdateCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a campaign's name, goal, messages or period end (anything but its kind while a draft).",
        discussion: """
            Only the options given change. --message replaces all messages (repeat it for each, in the syntax of \
            `create`). Once a campaign is scheduled, occurrences that have not started and sent nothing yet take the \
            new messages and period end; those past a shortened end are cancelled.
            """)

    @Argument(help: "The campaign's id.") var id: String
    @Option(help: "A new name.") var name: String?
    @Option(name: .customLong("goal-revenue"), help: "A new revenue goal in yuan.") var goalRevenue: String?
    @Option(name: .customLong("goal-participants"), help: "A new participants goal.") var goalParticipants: Int?
    @Option(help: "A new end of the period (ISO 8601).") var until: String?
    @Option(name: .customLong("message"), help: "A message, PHASE@TIMING: TEXT; repeat for several.")
    var messages: [String] = []
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard name != nil || goalRevenue != nil || goalParticipants != nil || until != nil || !messages.isEmpty else {
            throw ValidationError(
                "name something to change: --name, --goal-revenue, --goal-participants, --until or --message")
        }
    }

    func run() async throws {
        let options = service.callOptions
        let id = self.id
        let current = try await service.withClient { client in
            var get = Hearth_Campaign_V1_GetCampaignRequest()
            get.campaignID = id
            return try await client.getCampaign(get, options: options).campaign
        }
        var request = Hearth_Campaign_V1_UpdateCampaignRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        request.spec = current.spec
        if let name {
            request.spec.name = name
            request.updateMask.paths.append("name")
        }
        if goalRevenue != nil || goalParticipants != nil {
            if let goalRevenue {
                request.spec.goal.revenueFen = try CampaignArgumentText.fen(yuan: goalRevenue, option: "--goal-revenue")
            }
            if let goalParticipants { request.spec.goal.participants = Int32(clamping: goalParticipants) }
            request.updateMask.paths.append("goal")
        }
        if let until {
            let zone = current.spec.schedule.timeZone
            request.spec.period.end = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(until, option: "--until", timeZone: zone.isEmpty ? nil : zone))
            request.updateMask.paths.append("period.end")
        }
        if !messages.isEmpty {
            request.spec.messages = try messages.map(PhaseMessageSyntax.parse)
            request.updateMask.paths.append("messages")
        }
        let updated = try await service.withClient { client in
            try await client.updateCampaign(request, options: options).campaign
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(updated)])
    }
}

struct DeleteCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a draft (a campaign past draft is cancelled instead, and kept).")

    @Argument(help: "The campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_DeleteCampaignRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        _ = try await service.withClient { client in
            try await client.deleteCampaign(request, options: options)
        }
        print("deleted campaign \(id)")
    }
}
