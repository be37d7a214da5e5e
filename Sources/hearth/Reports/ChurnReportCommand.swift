import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

/// `hearth reports churn`: the reactivation list, streamed highest risk first, e.g. as a CSV
/// win-back audience for an SMS campaign.
struct ChurnReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "The churn-risk list, highest risk first: a win-back audience (pipe --output csv to a file).",
        discussion: """
            Risk runs from 0 to 1, from the signals a member shows: gone_silent (engaged, then silent 14+ days), \
            purchase_overdue (past 1.5 times their usual days between purchases), engagement_drop (activity \
            halved against the month before), lapsed (no purchase for 90+ days). Members without a signal are \
            not listed. Computed daily by the churn job; before its first run this exits 1. \
            Example: hearth reports churn --min-risk 0.5 --consent sms --output csv > winback.csv
            """)

    @Option(name: .customLong("min-risk"), help: "Only members at or above this risk, 0 to 1 (default: all).")
    var minRisk: Double = 0
    @Option(help: "At most this many members (default: all).") var limit: Int?
    @Option(name: .customLong("stage"), help: "Only these lifecycle stages, e.g. fan,lapsed; may be repeated.")
    var stages: [String] = []
    @Option(help: "Only members who consented to this channel: sms, im or phone.")
    var consent: EnumArgument<Hearth_Common_V1_ConsentChannel>?
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    static let columns = [
        "rank", "member", "name", "phone", "risk", "signals", "stage", "last_active", "last_purchase",
        "usual_interval_days", "total_spend_fen",
    ]

    func validate() throws {
        guard minRisk.isFinite, (0...1).contains(minRisk) else { throw ValidationError("--min-risk must be 0 to 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        _ = try Self.lifecycleStages(stages)
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_StreamChurnRiskRequest()
        request.minRisk = minRisk
        request.limit = Int64(limit ?? 0)
        request.lifecycleStages = try Self.lifecycleStages(stages)
        request.consentChannel = consent?.value ?? .unspecified
        let options = service.callOptions
        let output = self.output
        let count = try await service.withClient { client in
            try await client.streamChurnRisk(request, options: options) { response in
                var printer = output.streamPrinter(columns: Self.columns)
                var count = 0
                for try await message in response.messages {
                    for candidate in message.candidates { try printer.print(Self.row(candidate)) }
                    count += message.candidates.count
                }
                try printer.finish()
                return count
            }
        }
        if output.output == .table { printError("\(count) members") }
    }

    static func row(_ candidate: Hearth_Analytics_V1_ChurnCandidate) -> [String] {
        [
            "\(candidate.rank)", candidate.memberID, candidate.displayName, candidate.phone, "\(candidate.churnRisk)",
            candidate.signals.map { EnumArgument.text($0) }.joined(separator: ";"),
            EnumArgument.text(candidate.lifecycleStage),
            candidate.hasLastActiveAt ? MemberRows.timestamp(candidate.lastActiveAt.date) : "",
            candidate.hasLastPurchaseAt ? MemberRows.timestamp(candidate.lastPurchaseAt.date) : "",
            candidate.usualPurchaseIntervalDays == 0 ? "" : "\(candidate.usualPurchaseIntervalDays)",
            "\(candidate.totalSpendFen)",
        ]
    }

    /// `--stage` values: each may hold several stages separated by commas.
    static func lifecycleStages(_ items: [String]) throws -> [Hearth_Common_V1_LifecycleStage] {
        try items.flatMap { $0.split(separator: ",") }.map { word in
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let stage = EnumArgument<Hearth_Common_V1_LifecycleStage>(argument: name) else {
                throw ValidationError(
                    "--stage \"\(name)\" is not one of "
                        + EnumArgument<Hearth_Common_V1_LifecycleStage>.allValueStrings.joined(separator: ", "))
            }
            return stage.value
        }
    }
}
