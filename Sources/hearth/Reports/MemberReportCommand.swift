import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth reports member ID`: one member's engagement score and what it is made of, their
/// lifecycle stage and moves, their social role per group and their daily activity.
struct MemberReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "One member's engagement score (explained), lifecycle moves, social roles and activity.",
        discussion: """
            The score (0-100) adds up each kind of event the member did, weighted (purchase 8, referral 5, \
            campaign participation 4, share 3, check-in 2, message 1) and halving every 30 days; the table shows \
            each kind's points with a bar. Computed hourly by the scores job, lifecycle stages daily by the \
            lifecycle job, social roles daily by the social_roles job; before the scores job's first run this \
            exits 1 (run `hearth jobs run scores`). As JSON or CSV: one row per fact (section, key, value, \
            count, at).
            """)

    @Argument(help: "The member's id.") var id: String
    @Option(help: "Days of daily activity to show, ending now (1 to 366).") var days: Int = 90
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard UUID(uuidString: id) != nil else { throw ValidationError("member id \"\(id)\" is not a UUID") }
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366") }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetMemberReportRequest()
        request.memberID = id
        let end = Date()
        request.period.start = Google_Protobuf_Timestamp(date: end.addingTimeInterval(-Double(days) * 86_400))
        request.period.end = Google_Protobuf_Timestamp(date: end)
        let (call, options) = (request, service.callOptions)
        let report = try await service.withClient { client in
            try await client.getMemberReport(call, options: options).report
        }
        guard output.output == .table else {
            try output.print(columns: MemberReportRows.columns, rows: MemberReportRows.rows(report))
            return
        }
        let roles = report.communityRoles.map { "\(EnumArgument.text($0.role)) in \($0.communityID)" }
        try output.print(facts: [
            "member": report.memberID,
            "engagement": String(format: "%.1f", report.engagementScore),
            "stage": EnumArgument.text(report.lifecycleStage),
            "roles": roles.isEmpty ? "none yet" : roles.joined(separator: ", "),
            "computed": MemberRows.timestamp(report.info.computedAt.date),
        ])
        print("")
        if report.contributions.isEmpty {
            print("no scored events")
        } else {
            let total = report.contributions.reduce(0) { $0 + $1.points }
            let largest = report.contributions.map(\.points).max() ?? 0
            try output.print(
                columns: ["kind", "events", "points", "share", ""],
                rows: report.contributions.map { contribution in
                    [
                        EnumArgument.text(contribution.kind), "\(contribution.eventCount)",
                        String(format: "%.2f", contribution.points),
                        total > 0 ? String(format: "%.0f%%", contribution.points / total * 100) : "",
                        MemberReportBars.bar(contribution.points, of: largest),
                    ]
                })
        }
        print("")
        if report.lifecycleMoves.isEmpty {
            print("no lifecycle moves")
        } else {
            try output.print(
                columns: ["moved", "from", "to", "reason"],
                rows: report.lifecycleMoves.map { move in
                    [
                        MemberRows.timestamp(move.movedAt.date), EnumArgument.text(move.from),
                        EnumArgument.text(move.to), move.reason,
                    ]
                })
        }
        let counts = report.activityTrend.map(\.value)
        let events = Int(counts.reduce(0, +))
        print("")
        print(
            "activity, last \(counts.count) days: \(MemberReportBars.sparkline(counts))  "
                + "\(events) event\(events == 1 ? "" : "s") on \(counts.filter { $0 > 0 }.count) days")
    }
}

/// The report as rows of facts for JSON and CSV: one row per score, stage, contribution, move,
/// role and day.
enum MemberReportRows {
    static let columns = ["member_id", "section", "key", "value", "count", "at"]

    static func rows(_ report: Hearth_Analytics_V1_MemberReport) -> [[String]] {
        let member = report.memberID
        var rows: [[String]] = [
            [member, "score", "engagement", "\(report.engagementScore)", "", timestamp(report.info.computedAt)],
            [member, "stage", "lifecycle", EnumArgument.text(report.lifecycleStage), "", ""],
        ]
        rows += report.contributions.map { contribution in
            [
                member, "contribution", EnumArgument.text(contribution.kind), "\(contribution.points)",
                "\(contribution.eventCount)", "",
            ]
        }
        rows += report.lifecycleMoves.map { move in
            [
                member, "move", EnumArgument.text(move.from) + "->" + EnumArgument.text(move.to), move.reason, "",
                timestamp(move.movedAt),
            ]
        }
        rows += report.communityRoles.map { role in
            [member, "community_role", role.communityID, EnumArgument.text(role.role), "", ""]
        }
        rows += report.activityTrend.map { day in
            let date = String(format: "%04d-%02d-%02d", day.date.year, day.date.month, day.date.day)
            return [member, "activity", date, "", "\(Int64(day.value))", ""]
        }
        return rows
    }

    static func timestamp(_ timestamp: Google_Protobuf_Timestamp) -> String {
        MemberRows.timestamp(timestamp.date)
    }
}

/// Block-character charts of the member report: a bar per contributing kind, a sparkline of
/// the daily activity.
enum MemberReportBars {
    /// `value` as a bar of up to `width` cells, full at `maximum`, in eighths of a cell.
    static func bar(_ value: Double, of maximum: Double, width: Int = 20) -> String {
        guard maximum > 0, value > 0 else { return "" }
        let eighths = Int((min(value, maximum) / maximum * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// One block per value, ▁ for none to █ for the largest.
    static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let peak = values.max() ?? 0
        return String(values.map { peak > 0 ? blocks[Int((max(0, $0) / peak * 7).rounded())] : blocks[0] })
    }
}
