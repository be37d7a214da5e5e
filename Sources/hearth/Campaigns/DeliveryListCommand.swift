import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns deliveries list`: the messages of a campaign or to a member, one row each, with
/// what became of them (where `deliveries` only counts them).
struct DeliveryListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the deliveries of a campaign or a member, newest first, with status and suppression reason.",
        discussion: """
            Give --campaign, --member or both. A pending delivery may be held back (held_until, hold: quiet_hours, \
            platform_cap, retry_later): it is sent later, never dropped. Filters take one value or several separated \
            by commas, and may be repeated:
              --status   pending, claimed, sent, failed, suppressed
              --reason   no_consent, quiet_hours, frequency_cap, member_deleted, no_address, campaign_stopped,
                         membership_banned
              --channel  sms, im, phone, wecom_bot, dingtalk_bot, webhook, log
              --phase    announce, warm_up, live, review
            Example: hearth campaigns deliveries list --campaign CAMPAIGN_ID --status suppressed --reason quiet_hours
            """)

    @Option(help: "The campaign whose deliveries to list.") var campaign: String?
    @Option(help: "The member whose deliveries to list (with --campaign: in that campaign only).") var member: String?
    @Option(help: "Only this occurrence's deliveries.") var occurrence: String?
    @Option(name: .customLong("status"), help: "Only these statuses, e.g. sent,suppressed.")
    var statuses: [String] = []
    @Option(name: .customLong("reason"), help: "Only these suppression reasons, e.g. quiet_hours.")
    var reasons: [String] = []
    @Option(name: .customLong("channel"), help: "Only these channels, e.g. sms,log.") var channels: [String] = []
    @Option(name: .customLong("phase"), help: "Only these phases, e.g. announce,live.") var phases: [String] = []
    @Option(help: "At most this many deliveries (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    static let columns = [
        "id", "campaign", "occurrence", "phase", "member", "channel", "status", "reason", "held_until", "hold",
        "attempts", "sent", "error", "created",
    ]

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        _ = try listRequest()
    }

    func run() async throws {
        let call = try listRequest()
        let (options, limit) = (service.callOptions, self.limit)
        let deliveries = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = call
                request.page = page
                let response = try await client.listDeliveries(request, options: options)
                return (response.deliveries, response.page)
            }
        }
        try output.print(columns: Self.columns, rows: deliveries.map(Self.row))
    }

    func listRequest() throws -> Hearth_Campaign_V1_ListDeliveriesRequest {
        guard campaign != nil || member != nil else {
            throw ValidationError("give --campaign, --member or both: deliveries are listed per campaign or per member")
        }
        var request = Hearth_Campaign_V1_ListDeliveriesRequest()
        if let campaign { request.campaignID = try Self.id(campaign, option: "--campaign", what: "campaign") }
        if let member { request.memberID = try Self.id(member, option: "--member", what: "member") }
        if let occurrence { request.occurrenceID = try Self.id(occurrence, option: "--occurrence", what: "occurrence") }
        request.statuses = try Self.values(statuses, option: "--status")
        request.suppressionReasons = try Self.values(reasons, option: "--reason")
        request.channels = try Self.values(channels, option: "--channel")
        request.phases = try Self.values(phases, option: "--phase")
        return request
    }

    static func row(_ delivery: Hearth_Campaign_V1_Delivery) -> [String] {
        [
            delivery.deliveryID, delivery.campaignID, delivery.occurrenceID, EnumArgument.text(delivery.phase),
            delivery.memberID, EnumArgument.text(delivery.channel), EnumArgument.text(delivery.status),
            EnumArgument.text(delivery.suppressionReason),
            delivery.hasHeldUntil ? CampaignArgumentText.timestamp(delivery.heldUntil.date, in: nil) : "",
            EnumArgument.text(delivery.heldReason), "\(delivery.attempts)",
            delivery.hasSentAt ? CampaignArgumentText.timestamp(delivery.sentAt.date, in: nil) : "",
            delivery.lastError,
            delivery.hasCreatedAt ? CampaignArgumentText.timestamp(delivery.createdAt.date, in: nil) : "",
        ]
    }

    /// The enumeration values of a filter option: each occurrence may hold several, separated by
    /// commas (`sent,suppressed`); a value that is not one of the enumeration's is a ValidationError.
    static func values<Value: CaseIterable & Sendable>(_ items: [String], option: String) throws -> [Value] {
        var values: [Value] = []
        for word in items.flatMap({ $0.split(separator: ",") }) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let value = EnumArgument<Value>(argument: name) else {
                throw ValidationError(
                    "\(option) \"\(name)\" is not one of "
                        + EnumArgument<Value>.allValueStrings.joined(separator: ", "))
            }
            values.append(value.value)
        }
        return values
    }

    static func id(_ text: String, option: String, what: String) throws -> String {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("\(option) \"\(text)\" is not a \(what) id")
        }
        return id.uuidString.lowercased()
    }
}
