import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth reports rfm`: the RFM segments as the rfm job last computed them, or their quintile
/// boundaries.
struct RfmReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "RFM segments of the customers with their sizes, or (--edges) the quintile boundaries.",
        discussion: """
            Every member who bought is scored 1 (worst fifth) to 5 (best) on recency (days since the last \
            purchase), frequency (orders) and monetary value (spend), and placed in a segment by recency and \
            frequency: champions, loyal, potential_loyalist, new_customer, promising, needs_attention, \
            about_to_sleep, at_risk, cannot_lose, hibernating, lost. Computed daily by the rfm job; before its \
            first run this exits 1 (run `hearth jobs run rfm`).
            """)

    @Flag(help: "Print the 20th, 40th, 60th and 80th percentiles of each dimension instead of the segments.")
    var edges = false
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    static let columns = ["segment", "members", "share", "avg_recency_days", "avg_orders", "avg_spend_fen"]

    func run() async throws {
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getRfmReport(Hearth_Analytics_V1_GetRfmReportRequest(), options: options).report
        }
        if edges {
            try output.print(columns: ["dimension", "p20", "p40", "p60", "p80"], rows: Self.edgeRows(report))
        } else {
            try output.print(columns: Self.columns, rows: report.segments.map { Self.row($0, output: output.output) })
        }
        if output.output == .table {
            let customers = report.segments.reduce(Int64(0)) { $0 + $1.memberCount }
            print("\(customers) customers; computed \(MemberRows.timestamp(report.info.computedAt.date))")
        }
    }

    static func row(_ segment: Hearth_Analytics_V1_RfmSegmentSummary, output: OutputFormat) -> [String] {
        [
            EnumArgument.text(segment.segment), "\(segment.memberCount)",
            output == .table ? String(format: "%.1f%%", segment.share * 100) : String(format: "%.4f", segment.share),
            String(format: "%.1f", segment.avgRecencyDays), String(format: "%.2f", segment.avgFrequency),
            "\(segment.avgMonetaryFen)",
        ]
    }

    static func edgeRows(_ report: Hearth_Analytics_V1_RfmReport) -> [[String]] {
        func cells(_ values: [String]) -> [String] { (0..<4).map { $0 < values.count ? values[$0] : "" } }
        return [
            ["recency_days"] + cells(report.recencyDaysEdges.map { String(format: "%.1f", $0) }),
            ["orders"] + cells(report.frequencyEdges.map { String(format: "%.1f", $0) }),
            ["spend_fen"] + cells(report.monetaryFenEdges.map { "\($0)" }),
        ]
    }
}
