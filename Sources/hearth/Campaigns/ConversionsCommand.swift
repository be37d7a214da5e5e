import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns conversions …`: orders and the campaigns they are credited to, through
/// campaign-service.
struct ConversionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversions",
        abstract: "Record, refund and list orders credited to campaigns.",
        discussion: """
            An order counts once per order id: recording it again (a retried shop webhook) prints the stored \
            conversion, marked duplicate, whatever else changed. It is credited to the campaign its --code names (a \
            campaign id or a join link's token; a code naming no campaign is refused), else to the campaign of the \
            member's latest message sent within --window before the order (default 7d, at most 90d), else to none. \
            A refunded order stays on record but no longer counts as revenue. Amounts are in yuan; times print in \
            --time-zone, or in UTC.
            """,
        subcommands: [RecordConversionCommand.self, RefundConversionCommand.self, ListConversionsCommand.self])
}

/// How conversions print: one row each, the same columns in every command.
enum ConversionRows {
    static let columns = [
        "id", "order", "member", "campaign", "attribution", "amount", "occurred", "refunded", "created",
    ]

    static func row(_ conversion: Hearth_Campaign_V1_Conversion, in zone: TimeZone?) -> [String] {
        [
            conversion.conversionID, conversion.orderID, conversion.memberID, conversion.campaignID,
            EnumArgument.text(conversion.attribution), Yuan.text(fen: conversion.amountFen),
            conversion.hasOccurredAt ? CampaignArgumentText.timestamp(conversion.occurredAt.date, in: zone) : "",
            conversion.hasRefundedAt ? CampaignArgumentText.timestamp(conversion.refundedAt.date, in: zone) : "",
            conversion.hasCreatedAt ? CampaignArgumentText.timestamp(conversion.createdAt.date, in: zone) : "",
        ]
    }

    /// The zone `--time-zone` names, refused unless it is an IANA name; `nil` (UTC) without one.
    static func zone(_ name: String?) throws -> TimeZone? {
        guard let name else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            throw ValidationError("--time-zone \"\(name)\" is not an IANA time zone such as Asia/Shanghai")
        }
        return zone
    }

    /// The canonical text of an id option, refused unless it is a UUID.
    static func id(_ text: String, option: String, what: String) throws -> String {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("\(option) \"\(text)\" is not a \(what) id")
        }
        return id.uuidString.lowercased()
    }

    /// An order id as the service takes it: trimmed, 1 to 128 characters.
    static func orderID(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Conversion.maximumOrderIDLength).contains(trimmed.unicodeScalars.count) else {
            throw ValidationError("--order has 1 to \(Conversion.maximumOrderIDLength) characters")
        }
        return trimmed
    }
}

struct RecordConversionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record an order and credit it to a campaign (by code, else last touch, else none).",
        discussion: """
            Example: hearth campaigns conversions record --order SO-20260501-0042 --member MEMBER_ID --amount 199.00 \\
                       --at 2026-05-01T20:15:00+08:00
            """)

    @Option(help: "The shop's order id, 1 to 128 characters; an order counts once however often it is recorded.")
    var order: String
    @Option(help: "The member who placed it (default: none; then only --code can credit a campaign).")
    var member: String?
    @Option(help: "What was paid, in yuan, e.g. 199.00.") var amount: String
    @Option(help: "When the order was placed, ISO 8601 (default: now).") var at: String?
    @Option(help: "A campaign id or join-link token given with the order; it wins over last touch.") var code: String?
    @Option(help: "How long before the order a message still earns it, e.g. 7d, 36h (default: 7d; at most 90d).")
    var window: String?
    @Option(
        name: .customLong("time-zone"),
        help: "The IANA time zone --at is read in when it has no offset, and times print in (default: UTC).")
    var timeZone: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try recordRequest()
    }

    func run() async throws {
        let call = try recordRequest()
        let zone = try ConversionRows.zone(timeZone)
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.recordConversion(call, options: options)
        }
        try output.print(
            columns: ConversionRows.columns + ["duplicate"],
            rows: [ConversionRows.row(response.conversion, in: zone) + [response.duplicate ? "yes" : "no"]])
    }

    /// The request the options describe; every mistake is a ValidationError naming the option.
    func recordRequest() throws -> Hearth_Campaign_V1_RecordConversionRequest {
        var request = Hearth_Campaign_V1_RecordConversionRequest()
        request.orderID = try ConversionRows.orderID(order)
        if let member { request.memberID = try ConversionRows.id(member, option: "--member", what: "member") }
        request.amountFen = try CampaignArgumentText.fen(yuan: amount, option: "--amount")
        _ = try ConversionRows.zone(timeZone)
        let occurredAt = try at.map { try CampaignArgumentText.instant($0, option: "--at", timeZone: timeZone) }
        request.occurredAt = Google_Protobuf_Timestamp(date: occurredAt ?? Date())
        if let code {
            let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ValidationError("--code is empty; leave it out to attribute by last touch")
            }
            request.campaignCode = trimmed
        }
        if let window {
            guard let seconds = CampaignArgumentText.spanSeconds(Substring(window)), seconds > 0,
                seconds <= 90 * 86_400
            else {
                throw ValidationError(
                    "--window \"\(window)\" is not a span from 1s to 90d; write e.g. 7d, 36h or 1d12h")
            }
            request.attributionWindow = Google_Protobuf_Duration(seconds: seconds)
        }
        return request
    }
}

struct RefundConversionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Mark an order refunded: it stays on record but no longer counts as revenue.",
        discussion: "Refunding a refunded order prints it unchanged; a refund before the order is refused.")

    @Option(help: "The shop's order id, as recorded.") var order: String
    @Option(help: "When it was refunded, ISO 8601 (default: now).") var at: String?
    @Option(
        name: .customLong("time-zone"),
        help: "The IANA time zone --at is read in when it has no offset, and times print in (default: UTC).")
    var timeZone: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try refundRequest()
    }

    func run() async throws {
        let call = try refundRequest()
        let zone = try ConversionRows.zone(timeZone)
        let options = service.callOptions
        let conversion = try await service.withClient { client in
            try await client.refundConversion(call, options: options).conversion
        }
        try output.print(columns: ConversionRows.columns, rows: [ConversionRows.row(conversion, in: zone)])
    }

    func refundRequest() throws -> Hearth_Campaign_V1_RefundConversionRequest {
        var request = Hearth_Campaign_V1_RefundConversionRequest()
        request.orderID = try ConversionRows.orderID(order)
        _ = try ConversionRows.zone(timeZone)
        if let at {
            request.refundedAt = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(at, option: "--at", timeZone: timeZone))
        }
        return request
    }
}

struct ListConversionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List conversions, newest order first; refunded ones only with --include-refunded.")

    @Option(help: "Only orders credited to this campaign.") var campaign: String?
    @Option(help: "Only orders of this member.") var member: String?
    @Option(help: "Only orders placed at or after this time, ISO 8601.") var since: String?
    @Option(help: "Only orders placed before this time, ISO 8601.") var until: String?
    @Flag(name: .customLong("include-refunded"), help: "Also list refunded orders.") var includeRefunded = false
    @Option(help: "At most this many conversions (all pages are fetched until then).") var limit: Int = 100
    @Option(
        name: .customLong("time-zone"),
        help: "The IANA time zone for --since/--until without an offset and for printed times (default: UTC).")
    var timeZone: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        _ = try listRequest()
    }

    func run() async throws {
        let call = try listRequest()
        let zone = try ConversionRows.zone(timeZone)
        let (options, limit) = (service.callOptions, self.limit)
        let conversions = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = call
                request.page = page
                let response = try await client.listConversions(request, options: options)
                return (response.conversions, response.page)
            }
        }
        try output.print(columns: ConversionRows.columns, rows: conversions.map { ConversionRows.row($0, in: zone) })
    }

    func listRequest() throws -> Hearth_Campaign_V1_ListConversionsRequest {
        var request = Hearth_Campaign_V1_ListConversionsRequest()
        if let campaign { request.campaignID = try ConversionRows.id(campaign, option: "--campaign", what: "campaign") }
        if let member { request.memberID = try ConversionRows.id(member, option: "--member", what: "member") }
        _ = try ConversionRows.zone(timeZone)
        let start = try since.map { try CampaignArgumentText.instant($0, option: "--since", timeZone: timeZone) }
        let end = try until.map { try CampaignArgumentText.instant($0, option: "--until", timeZone: timeZone) }
        if let start, let end, end <= start { throw ValidationError("--until must come after --since") }
        if let start { request.occurred.start = Google_Protobuf_Timestamp(date: start) }
        if let end { request.occurred.end = Google_Protobuf_Timestamp(date: end) }
        request.includeRefunded = includeRefunded
        return request
    }
}
