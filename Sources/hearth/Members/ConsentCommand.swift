import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth members consent set|history`: a member's consent per channel and its history.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "Record a member's consent decision, or show the history.",
        subcommands: [SetConsentCommand.self, ConsentHistoryCommand.self])
}

/// A consent channel as typed on the command line.
enum ConsentChannelArgument: String, ExpressibleByArgument, CaseIterable {
    case sms, im, phone

    var message: Hearth_Common_V1_ConsentChannel {
        switch self {
        case .sms: .sms
        case .im: .im
        case .phone: .phone
        }
    }
}

struct SetConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Record a consent decision. A refusal at the same time or later is never overridden by a grant.")

    @Argument(help: "The member's id.") var id: String
    @Option(help: "sms, im or phone.") var channel: ConsentChannelArgument
    @Flag(help: "The member agreed to contact on the channel.") var grant = false
    @Flag(help: "The member refused contact on the channel.") var refuse = false
    @Option(help: "Where the decision came from, e.g. signup_form, sms_reply_td, operator.") var source: String
    @Option(help: "When the member decided (ISO 8601, e.g. 2025-03-01T10:00:00+08:00); default now.") var at: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard grant != refuse else { throw ValidationError("give exactly one of --grant and --refuse") }
        if let at, ISO8601DateFormatter().date(from: at) == nil {
            throw ValidationError("--at \(at) is not an ISO 8601 time such as 2025-03-01T10:00:00+08:00")
        }
    }

    func run() async throws {
        var request = Hearth_Member_V1_SetConsentRequest()
        request.memberID = id
        request.consent.channel = channel.message
        request.consent.granted = grant
        request.consent.source = source
        if let at, let date = ISO8601DateFormatter().date(from: at) {
            request.consent.changedAt = Google_Protobuf_Timestamp(date: date)
        }
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.setConsent(request, options: options)
        }
        let consent = response.consent
        try output.print(facts: [
            "member": id, "channel": ConsentRows.channel(consent.channel),
            "consent": consent.granted ? "granted" : "refused", "source": consent.source,
            "changed": consent.hasChangedAt ? MemberRows.timestamp(consent.changedAt.date) : "",
            "applied": response.applied
                ? "yes" : "no (a refusal at the same time or later stands; kept in the history)",
        ])
    }
}

struct ConsentHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "A member's consent decisions, newest first.")

    @Argument(help: "The member's id.") var id: String
    @Option(help: "Only this channel: sms, im or phone.") var channel: ConsentChannelArgument?
    @Option(help: "At most this many entries (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_ListConsentChangesRequest()
        request.memberID = id
        request.channel = channel?.message ?? .unspecified
        let (options, limit) = (service.callOptions, self.limit)
        let changes = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listConsentChanges(request, options: options)
                return (response.changes, response.page)
            }
        }
        try output.print(columns: ConsentRows.columns, rows: changes.map(ConsentRows.row))
    }
}

/// How consent history prints.
enum ConsentRows {
    static let columns = ["changed", "channel", "consent", "source", "operator", "recorded"]

    static func row(_ change: Hearth_Member_V1_ConsentChange) -> [String] {
        [
            change.hasChangedAt ? MemberRows.timestamp(change.changedAt.date) : "", channel(change.channel),
            change.granted ? "granted" : "refused", change.source, change.operatorID,
            change.hasRecordedAt ? MemberRows.timestamp(change.recordedAt.date) : "",
        ]
    }

    static func channel(_ channel: Hearth_Common_V1_ConsentChannel) -> String {
        switch channel {
        case .sms: "sms"
        case .im: "im"
        case .phone: "phone"
        case .unspecified, .UNRECOGNIZED: "?"
        }
    }
}
