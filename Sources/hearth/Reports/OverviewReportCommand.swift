import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import HearthReportPages
import SwiftProtobuf

/// `hearth reports overview`: the tenant at a glance over the last days.
struct OverviewReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "Tenant-wide figures: members, lifecycle, social roles, engagement, revenue, groups, campaigns.",
        discussion: """
            Members, activity, revenue (orders net of refunds) and repurchase over the last --days days, with a \
            sparkline per day; lifecycle stages, social roles and engagement scores as the analytics jobs last \
            computed them, with bars; groups with a health warning as the community_health job last judged them \
            (before its first run this exits 1: run `hearth jobs run community_health`). --html FILE also writes the \
            report as one standalone HTML page with charts (inline SVG, nothing fetched), to open or mail. As JSON or \
            CSV: one row per figure (section, scope, key, value).
            """)

    @Option(help: "Days of the period, ending now (1 to 366).") var days: Int = 30
    @Option(help: "Also write the report as a standalone HTML page to this file.") var html: String?
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366") }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetOverviewRequest()
        let end = Date()
        request.period.start = Google_Protobuf_Timestamp(date: end.addingTimeInterval(-Double(days) * 86_400))
        request.period.end = Google_Protobuf_Timestamp(date: end)
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getOverview(request, options: options).report
        }
        if let html { try HTMLReport.write(HTMLReport.overview(report), to: html) }
        guard output.output == .table else {
            try output.print(columns: OverviewReportRows.columns, rows: OverviewReportRows.rows(report))
            return
        }
        try output.print(facts: [
            "members": "\(report.memberCount) (\(report.newMembers) new, \(report.activeMembers) active)",
            "revenue": "\(HTMLReport.yuan(report.revenueFen)) in \(report.orderCount) orders, net of refunds",
            "repurchase": HTMLReport.percent(report.repurchaseRate),
            "communities": "\(report.communityCount), \(report.communitiesWithWarnings) with warnings",
            "campaigns": "\(report.runningCampaigns) running",
            "report": HTMLReport.infoText(report.info),
        ])
        print("")
        let active = report.activeMembersTrend.map(\.value)
        let revenue = report.revenueFenTrend.map(\.value)
        print("active members per day  \(TerminalCharts.sparkline(active))  peak \(Int((active.max() ?? 0).rounded()))")
        print(
            "revenue per day         \(TerminalCharts.sparkline(revenue))  peak "
                + HTMLReport.yuan(Int64((revenue.max() ?? 0).rounded())))
        print("")
        try printCounts("stage", report.lifecycleStages.map { (EnumArgument.text($0.stage), $0.count) })
        if !report.lifecycleMoves.isEmpty {
            print("")
            let moves = report.lifecycleMoves.map { move in
                (EnumArgument.text(move.from) + " → " + EnumArgument.text(move.to), move.count)
            }
            try printCounts("move", moves)
        }
        print("")
        try printCounts("role", report.socialRoles.map { (EnumArgument.text($0.role), $0.count) })
        print("")
        try printCounts(
            "engagement", report.engagementHistogram.map { ("\(Int($0.lower))-\(Int($0.upper))", $0.count) })
    }

    /// A table of named counts with a bar each, scaled to the largest.
    func printCounts(_ name: String, _ counts: [(String, Int64)]) throws {
        let largest = Double(counts.map { $0.1 }.max() ?? 0)
        try output.print(
            columns: [name, "members", ""],
            rows: counts.map { [$0.0, "\($0.1)", TerminalCharts.bar(Double($0.1), max: largest, width: 30)] })
    }
}

/// The overview as rows of figures for JSON and CSV.
enum OverviewReportRows {
    static let columns = ["section", "scope", "key", "value"]

    static func rows(_ report: Hearth_Analytics_V1_OverviewReport) -> [[String]] {
        var rows: [[String]] = [
            ["report", "", "period_start", MemberRows.timestamp(report.info.period.start.date)],
            ["report", "", "period_end", MemberRows.timestamp(report.info.period.end.date)],
            [
                "report", "", "computed_at",
                report.info.hasComputedAt ? MemberRows.timestamp(report.info.computedAt.date) : "",
            ],
            ["members", "", "count", "\(report.memberCount)"],
            ["members", "", "new", "\(report.newMembers)"],
            ["members", "", "active", "\(report.activeMembers)"],
            ["revenue", "", "revenue_fen", "\(report.revenueFen)"],
            ["revenue", "", "orders", "\(report.orderCount)"],
            ["revenue", "", "repurchase_rate", String(format: "%.4f", report.repurchaseRate)],
            ["communities", "", "count", "\(report.communityCount)"],
            ["communities", "", "with_warnings", "\(report.communitiesWithWarnings)"],
            ["campaigns", "", "running", "\(report.runningCampaigns)"],
        ]
        rows += report.lifecycleStages.map { ["lifecycle_stage", "", EnumArgument.text($0.stage), "\($0.count)"] }
        rows += report.lifecycleMoves.map {
            ["lifecycle_move", EnumArgument.text($0.from), EnumArgument.text($0.to), "\($0.count)"]
        }
        rows += report.socialRoles.map { ["social_role", "", EnumArgument.text($0.role), "\($0.count)"] }
        rows += report.engagementHistogram.map {
            ["engagement", "", "\(Int($0.lower))-\(Int($0.upper))", "\($0.count)"]
        }
        rows += report.activeMembersTrend.map {
            ["trend", HTMLReport.date($0.date), "active_members", String(format: "%.0f", $0.value)]
        }
        rows += report.revenueFenTrend.map {
            ["trend", HTMLReport.date($0.date), "revenue_fen", String(format: "%.0f", $0.value)]
        }
        return rows
    }
}
