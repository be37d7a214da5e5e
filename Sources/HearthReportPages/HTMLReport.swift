public import Foundation
import HearthDomain
public import HearthProtos
import SwiftProtobuf

/// Standalone HTML reports an operator can open or mail: one file, its charts inline SVG, its style
/// inline, no script and nothing fetched from the network (the only URL in it is the SVG namespace).
/// Every text from the report is escaped. Each builder is a pure function of the RPC's report.
public enum HTMLReport {
    // MARK: Reports

    /// The tenant overview: figures, activity and revenue per day, lifecycle stages, social roles
    /// and the engagement histogram.
    public static func overview(_ report: Hearth_Analytics_V1_OverviewReport) -> String {
        let figures = facts([
            ("Members", "\(report.memberCount)"), ("New members", "\(report.newMembers)"),
            ("Active members", "\(report.activeMembers)"), ("Revenue, net of refunds", yuan(report.revenueFen)),
            ("Orders", "\(report.orderCount)"), ("Repurchase rate", percent(report.repurchaseRate)),
            ("Communities", "\(report.communityCount), \(report.communitiesWithWarnings) with warnings"),
            ("Running campaigns", "\(report.runningCampaigns)"),
        ])
        let active: [(label: String, value: Double)] = report.activeMembersTrend.map { day in
            (label: date(day.date), value: day.value)
        }
        let revenue: [(label: String, value: Double)] = report.revenueFenTrend.map { day in
            (label: date(day.date), value: day.value / 100)
        }
        let stages: [(label: String, value: Double)] = report.lifecycleStages.map { stage in
            (label: caseName(stage.stage), value: Double(stage.count))
        }
        let moves = table(
            columns: ["From", "To", "Members"],
            rows: report.lifecycleMoves.map { [caseName($0.from), caseName($0.to), "\($0.count)"] })
        let roles: [(label: String, value: Double)] = report.socialRoles.map { role in
            (label: caseName(role.role), value: Double(role.count))
        }
        let scores: [(label: String, value: Double)] = report.engagementHistogram.map { bucket in
            (label: "\(Int(bucket.lower))–\(Int(bucket.upper))", value: Double(bucket.count))
        }
        let sections = [
            section("Figures", figures),
            section("Active members per day", lineChart(active)),
            section("Revenue per day (CNY)", lineChart(revenue, valueText: { String(format: "%.2f", $0) })),
            section("Lifecycle stages", barChart(stages) + (report.lifecycleMoves.isEmpty ? "" : moves)),
            section("Social roles", barChart(roles)),
            section("Engagement scores", barChart(scores)),
        ]
        return page(title: "Hearth overview", subtitle: infoText(report.info), sections: sections)
    }

    /// A campaign's (or one occurrence's) funnel, pacing against the goal, occurrences, agents and
    /// referral tree.
    public static func campaign(_ report: Hearth_Analytics_V1_CampaignReport) -> String {
        let funnel = report.funnel
        let stages: [(label: String, value: Double)] = [
            (label: "targeted", value: Double(funnel.targeted)),
            (label: "delivered", value: Double(funnel.delivered)),
            (label: "joined", value: Double(funnel.joined)),
            (label: "participated", value: Double(funnel.participated)),
            (label: "converted", value: Double(funnel.converted)),
        ]
        var funnelHTML = barChart(stages)
        funnelHTML += facts([
            ("Suppressed", "\(funnel.suppressed)"), ("Failed", "\(funnel.failed)"),
            ("Revenue, net of refunds", yuan(funnel.revenueFen)),
        ])
        if !funnel.suppressedByReason.isEmpty {
            funnelHTML += table(
                columns: ["Suppressed because", "Members"],
                rows: funnel.suppressedByReason.map { [caseName($0.reason), "\($0.count)"] })
        }
        var sections = [section("Funnel", funnelHTML)]
        sections.append(section("Revenue against the goal", pacing(report.pacing)))
        if !report.occurrences.isEmpty {
            let converted: [(label: String, value: Double)] = report.occurrences.map { occurrence in
                (label: timestamp(occurrence.startsAt.date), value: Double(occurrence.funnel.converted))
            }
            let rows: [[String]] = report.occurrences.map { occurrence in
                let funnel = occurrence.funnel
                return [
                    timestamp(occurrence.startsAt.date), "\(funnel.targeted)", "\(funnel.delivered)",
                    "\(funnel.joined)", "\(funnel.participated)", "\(funnel.converted)", yuan(funnel.revenueFen),
                ]
            }
            sections.append(
                section(
                    "Occurrences (converted members per occurrence)",
                    lineChart(converted)
                        + table(
                            columns: [
                                "Starts", "Targeted", "Delivered", "Joined", "Participated", "Converted", "Revenue",
                            ],
                            rows: rows)))
        }
        if !report.agents.isEmpty {
            sections.append(
                section(
                    "Calls per agent",
                    table(
                        columns: ["Agent", "Assigned", "Pending", "Not reached", "Declined", "Invited", "Joined"],
                        rows: report.agents.map { agent in
                            [
                                agentLabel(agent), "\(agent.assigned)", "\(agent.pending)", "\(agent.notReached)",
                                "\(agent.declined)", "\(agent.invited)", "\(agent.joined)",
                            ]
                        })))
        }
        let tree = report.referralTree
        if tree.size > 0 {
            let levels: [(label: String, value: Double)] = tree.membersPerLevel.enumerated().map { level in
                (label: "level \(level.offset)", value: Double(level.element))
            }
            let summary = facts([("Members", "\(tree.size)"), ("Roots", "\(tree.roots)"), ("Depth", "\(tree.depth)")])
            sections.append(section("Referral tree", summary + barChart(levels)))
        }
        let title =
            campaignLabel(report) + (report.occurrenceID.isEmpty ? "" : ", occurrence " + report.occurrenceID)
        return page(title: title, subtitle: infoText(report.info), sections: sections)
    }

    /// "周四会员日 (campaign 6f1c…)", or the id alone when the report carries no name.
    public static func campaignLabel(_ report: Hearth_Analytics_V1_CampaignReport) -> String {
        report.campaignName.isEmpty
            ? "Campaign " + report.campaignID : "\(report.campaignName) (campaign \(report.campaignID))"
    }

    /// The agent's name, else their operator id.
    public static func agentLabel(_ agent: Hearth_Analytics_V1_AgentCallOutcomes) -> String {
        agent.agentName.isEmpty ? agent.agentOperatorID : agent.agentName
    }

    public static func pacing(_ pacing: Hearth_Analytics_V1_Pacing) -> String {
        var bars = [(label: "revenue", value: Double(pacing.revenueFen) / 100)]
        var rows = [("Revenue", yuan(pacing.revenueFen)), ("Period elapsed", percent(pacing.elapsedFraction))]
        if pacing.hasGoalRevenueFen {
            bars += [
                (label: "expected by now", value: Double(pacing.expectedRevenueFen) / 100),
                (label: "projected", value: Double(pacing.projectedRevenueFen) / 100),
                (label: "goal", value: Double(pacing.goalRevenueFen) / 100),
            ]
            rows += [
                ("Goal", yuan(pacing.goalRevenueFen)), ("Expected by now", yuan(pacing.expectedRevenueFen)),
                ("Projected at the end", yuan(pacing.projectedRevenueFen)),
            ]
        }
        rows.append(("Participants", "\(pacing.participants)"))
        if pacing.hasGoalParticipants {
            rows += [
                ("Participants goal", "\(pacing.goalParticipants)"),
                ("Participants projected", "\(pacing.projectedParticipants)"),
            ]
        }
        rows.append(("On track", pacing.onTrack ? "yes" : "no"))
        return facts(rows) + barChart(bars, valueText: { String(format: "%.2f CNY", $0) })
    }

    // MARK: Building blocks

    /// A whole page around `sections` (HTML fragments built by the functions below).
    public static func page(title: String, subtitle: String, sections: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
               max-width: 60em; padding: 0 1em; color: #1d2329; }
        h1 { font-size: 1.5em; margin-bottom: 0.2em; }
        h2 { font-size: 1.15em; margin-top: 1.8em; border-bottom: 1px solid #d8dde3; padding-bottom: 0.2em; }
        p.subtitle { color: #5b6670; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.8em 0; }
        th, td { padding: 0.25em 0.8em; text-align: left; border-bottom: 1px solid #eceff2; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        svg { display: block; margin: 0.8em 0; max-width: 100%; height: auto; }
        svg text { font-size: 12px; fill: #1d2329; }
        .bar { fill: #3d7fd6; }
        .line { fill: none; stroke: #3d7fd6; stroke-width: 2; }
        .point { fill: #3d7fd6; }
        .axis { stroke: #b8c0c8; stroke-width: 1; }
        p.empty { color: #5b6670; font-style: italic; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>
        <p class="subtitle">\(escape(subtitle))</p>
        \(sections.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    public static func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2>\n\(content)</section>"
    }

    /// A two-column table of named figures.
    public static func facts(_ rows: [(String, String)]) -> String {
        "<table>"
            + rows.map { "<tr><th>\(escape($0.0))</th><td class=\"number\">\(escape($0.1))</td></tr>" }.joined()
            + "</table>"
    }

    public static func table(columns: [String], rows: [[String]]) -> String {
        "<table><tr>" + columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
            + rows.map { row in "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined()
            + "</table>"
    }

    /// Horizontal bars, one per figure, scaled to the largest, each labelled with its value.
    public static func barChart(
        _ bars: [(label: String, value: Double)], valueText: (Double) -> String = { String(Int64($0.rounded())) }
    ) -> String {
        guard !bars.isEmpty else { return "<p class=\"empty\">nothing to show</p>" }
        let (rowHeight, labelWidth, barWidth) = (26, 170, 400)
        let (width, height) = (labelWidth + barWidth + 130, bars.count * rowHeight + 8)
        let peak = bars.map { Swift.max(0, $0.value) }.max() ?? 0
        var svg = svgOpen(width: width, height: height)
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 4
            let length = peak > 0 ? Swift.max(0, bar.value) / peak * Double(barWidth) : 0
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(escape(bar.label))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(number(length))\" height=\"18\"/>"
            svg += "<text x=\"\(number(Double(labelWidth) + length + 6))\" y=\"\(y + 17)\">"
            svg += "\(escape(valueText(bar.value)))</text>"
        }
        return svg + "</svg>"
    }

    /// A line through the points in order, on an axis from zero (or the lowest value, if negative)
    /// to the highest; the first and last labels under it, each point titled with its label and value.
    public static func lineChart(
        _ points: [(label: String, value: Double)], valueText: (Double) -> String = { String(Int64($0.rounded())) }
    ) -> String {
        guard !points.isEmpty else { return "<p class=\"empty\">nothing to show</p>" }
        let (width, height) = (640, 220)
        let (left, right, top, bottom) = (64.0, 16.0, 12.0, 32.0)
        let values = points.map { $0.value.isFinite ? $0.value : 0 }
        let high = Swift.max(0, values.max() ?? 0)
        let low = Swift.min(0, values.min() ?? 0)
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        func x(_ index: Int) -> Double {
            points.count > 1 ? left + Double(index) / Double(points.count - 1) * plotWidth : left + plotWidth / 2
        }
        func y(_ value: Double) -> Double {
            high > low ? top + (1 - (value - low) / (high - low)) * plotHeight : top + plotHeight
        }
        let baseline = number(top + plotHeight)
        var svg = svgOpen(width: width, height: height)
        svg += "<line class=\"axis\" x1=\"\(number(left))\" y1=\"\(baseline)\" x2=\"\(number(left + plotWidth))\""
        svg += " y2=\"\(baseline)\"/>"
        svg += "<line class=\"axis\" x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\""
        svg += " y2=\"\(baseline)\"/>"
        svg += "<text x=\"\(number(left - 6))\" y=\"\(number(top + 8))\" text-anchor=\"end\">"
        svg += "\(escape(valueText(high)))</text>"
        svg += "<text x=\"\(number(left - 6))\" y=\"\(baseline)\" text-anchor=\"end\">\(escape(valueText(low)))</text>"
        let path = values.enumerated().map { "\(number(x($0.offset))),\(number(y($0.element)))" }
        svg += "<polyline class=\"line\" points=\"\(path.joined(separator: " "))\"/>"
        for (index, point) in points.enumerated() {
            svg += "<circle class=\"point\" cx=\"\(number(x(index)))\" cy=\"\(number(y(values[index])))\" r=\"3\">"
            svg += "<title>\(escape(point.label)): \(escape(valueText(values[index])))</title></circle>"
        }
        let labelY = number(Double(height) - 10)
        svg += "<text x=\"\(number(left))\" y=\"\(labelY)\">\(escape(points[0].label))</text>"
        if points.count > 1 {
            svg += "<text x=\"\(number(left + plotWidth))\" y=\"\(labelY)\" text-anchor=\"end\">"
            svg += "\(escape(points[points.count - 1].label))</text>"
        }
        return svg + "</svg>"
    }

    /// Text made safe inside elements and quoted attributes.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: Text

    private static func svgOpen(width: Int, height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\""
            + " height=\"\(height)\" role=\"img\">"
    }

    /// Coordinates with at most one decimal, in the POSIX way.
    private static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    public static func yuan(_ fen: Int64) -> String { Yuan.text(fen: fen) + " CNY" }

    public static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }

    public static func date(_ date: Hearth_Common_V1_CalendarDate) -> String {
        String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }

    /// "period … to …, computed …" in UTC timestamps, as the CLI prints them.
    public static func infoText(_ info: Hearth_Analytics_V1_ReportInfo) -> String {
        var parts: [String] = []
        if info.hasPeriod {
            parts.append(
                "period " + timestamp(info.period.start.date) + " to "
                    + timestamp(info.period.end.date))
        }
        if info.hasComputedAt { parts.append("computed " + timestamp(info.computedAt.date)) }
        return parts.joined(separator: ", ")
    }

    /// A time as the CLI's tables print it (ISO 8601, UTC, to the second).
    public static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    /// An enum case as the CLI writes it: `membershipBanned` → `membership_banned`; "" for UNSPECIFIED.
    public static func caseName(_ value: some Any) -> String {
        var name = ""
        for character in String(describing: value) {
            if character.isUppercase {
                name += "_" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name == "unspecified" ? "" : name
    }
}
