import ArgumentParser
import Foundation
import HearthProtos
import HearthReportPages
import SwiftProtobuf

/// `hearth reports community ID`: one group's daily health, its warnings and score.
struct CommunityReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "community",
        abstract: "One group's daily health: activity, inflow and outflow, lurkers, warnings and score.",
        discussion: """
            Per day (tenant time zone): active members (anyone with an event in the group), messages, joins, leaves, \
            the share of lurkers (members without a message in 30 days) and the health score (0-100: activity 40, \
            members who speak 30, new members 15, owner or admin activity 15, minus 10 while activity falls), with \
            sparklines. Warnings: activity falling 3 days running, no new members for 7 days, no owner or admin \
            activity for 7 days (silence), and 90 % of the seats taken (replicate the group). Computed daily at 02:00 \
            by the community_health job; before its first run this exits 1 (run `hearth jobs run community_health`). \
            As JSON or CSV: one row per figure (section, scope, key, value).
            """)

    @Argument(help: "The community's id.") var id: String
    @Option(help: "Days to show, ending now (1 to 366).") var days: Int = 30
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard UUID(uuidString: id) != nil else { throw ValidationError("community id \"\(id)\" is not a UUID") }
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366") }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetCommunityHealthRequest()
        request.communityID = id
        let end = Date()
        request.period.start = Google_Protobuf_Timestamp(date: end.addingTimeInterval(-Double(days) * 86_400))
        request.period.end = Google_Protobuf_Timestamp(date: end)
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getCommunityHealth(request, options: options).report
        }
        guard output.output == .table else {
            try output.print(columns: CommunityReportRows.columns, rows: CommunityReportRows.rows(report))
            return
        }
        try output.print(facts: [
            "community": "\(report.communityID) \(report.name)",
            "health": String(format: "%.1f of 100", report.healthScore),
            "members": "\(report.memberCount) of \(report.capacity) seats (\(HTMLReport.percent(report.fillRatio)))",
            "report": HTMLReport.infoText(report.info),
        ])
        print("")
        if report.warnings.isEmpty {
            print("no warnings")
        } else {
            try output.print(
                columns: ["warning", "since", "message", "suggestion"],
                rows: report.warnings.map { warning in
                    [
                        EnumArgument.text(warning.kind), MemberRows.timestamp(warning.since.date), warning.message,
                        warning.suggestion,
                    ]
                })
        }
        print("")
        let series: [(String, [Double])] = [
            ("active members", report.days.map { Double($0.activeMembers) }),
            ("messages", report.days.map { Double($0.messages) }),
            ("joins", report.days.map { Double($0.joins) }),
            ("leaves", report.days.map { Double($0.leaves) }),
            ("lurker share", report.days.map(\.lurkerShare)),
            ("health", report.days.map(\.healthScore)),
        ]
        for (name, values) in series {
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + TerminalCharts.sparkline(values))
        }
        print("")
        if report.days.isEmpty {
            print("no days computed in the last \(days) days")
        } else {
            try output.print(
                columns: ["date", "active", "messages", "joins", "leaves", "lurkers", "health", ""],
                rows: report.days.map { day in
                    [
                        HTMLReport.date(day.date), "\(day.activeMembers)", "\(day.messages)", "\(day.joins)",
                        "\(day.leaves)", HTMLReport.percent(day.lurkerShare), String(format: "%.1f", day.healthScore),
                        TerminalCharts.bar(day.healthScore, max: 100, width: 20),
                    ]
                })
        }
        let largest = Double(report.socialRoles.map(\.count).max() ?? 0)
        if largest > 0 {
            print("")
            try output.print(
                columns: ["role", "members", ""],
                rows: report.socialRoles.map { role in
                    [
                        EnumArgument.text(role.role), "\(role.count)",
                        TerminalCharts.bar(Double(role.count), max: largest, width: 30),
                    ]
                })
        }
    }
}

/// `hearth reports communities`: every group's latest health, least healthy first.
struct CommunitiesReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "communities",
        abstract: "Every group's latest health, least healthy first.",
        discussion: """
            One row per group the community_health job has judged: its latest score, members against capacity, \
            active members on its latest day and its warnings (activity_declining, no_new_members, no_staff_activity, \
            near_capacity). Groups not judged yet are not listed.
            """)

    @Option(name: .customLong("warning"), help: "Only groups with this warning; repeat for any of several.")
    var warnings: [EnumArgument<Hearth_Analytics_V1_HealthWarningKind>] = []
    @Option(help: "At most this many groups (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_ListCommunityHealthRequest()
        request.warnings = warnings.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let communities = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listCommunityHealth(request, options: options)
                return (response.communities, response.page)
            }
        }
        let table = output.output == .table
        let columns = [
            "community", "name", "platform", "health", "members", "capacity", "active", "warnings", "computed",
        ]
        let rows: [[String]] = communities.map { community in
            var row: [String] = [
                community.communityID, community.name, EnumArgument.text(community.platform),
                String(format: "%.1f", community.healthScore), "\(community.memberCount)", "\(community.capacity)",
                "\(community.activeMembers)", community.warnings.map { EnumArgument.text($0) }.joined(separator: ","),
                community.hasComputedAt ? MemberRows.timestamp(community.computedAt.date) : "",
            ]
            if table { row.append(TerminalCharts.bar(community.healthScore, max: 100, width: 20)) }
            return row
        }
        try output.print(columns: columns + (table ? [""] : []), rows: rows)
    }
}

/// The community report as rows of figures for JSON and CSV.
enum CommunityReportRows {
    static let columns = ["section", "scope", "key", "value"]

    static func rows(_ report: Hearth_Analytics_V1_CommunityHealthReport) -> [[String]] {
        var rows: [[String]] = [
            ["community", report.communityID, "name", report.name],
            ["community", report.communityID, "health_score", String(format: "%.1f", report.healthScore)],
            ["community", report.communityID, "member_count", "\(report.memberCount)"],
            ["community", report.communityID, "capacity", "\(report.capacity)"],
            ["community", report.communityID, "fill_ratio", String(format: "%.4f", report.fillRatio)],
            ["report", "", "period_start", MemberRows.timestamp(report.info.period.start.date)],
            ["report", "", "period_end", MemberRows.timestamp(report.info.period.end.date)],
            ["report", "", "computed_at", MemberRows.timestamp(report.info.computedAt.date)],
        ]
        for warning in report.warnings {
            let kind = EnumArgument.text(warning.kind)
            rows += [
                ["warning", kind, "since", MemberRows.timestamp(warning.since.date)],
                ["warning", kind, "message", warning.message],
                ["warning", kind, "suggestion", warning.suggestion],
            ]
        }
        for day in report.days {
            let date = HTMLReport.date(day.date)
            rows += [
                ["day", date, "active_members", "\(day.activeMembers)"],
                ["day", date, "messages", "\(day.messages)"],
                ["day", date, "joins", "\(day.joins)"],
                ["day", date, "leaves", "\(day.leaves)"],
                ["day", date, "lurker_share", String(format: "%.4f", day.lurkerShare)],
                ["day", date, "health_score", String(format: "%.1f", day.healthScore)],
            ]
        }
        rows += report.socialRoles.map { ["social_role", "", EnumArgument.text($0.role), "\($0.count)"] }
        return rows
    }
}
