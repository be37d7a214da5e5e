import ArgumentParser
import Foundation
import HearthProtos
import HearthReportPages
import SwiftProtobuf

/// `hearth reports campaign ID`: a campaign's funnel, pacing, occurrences, agents and referral tree.
struct CampaignReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "A campaign's funnel, revenue against the goal with pacing, agents' calls and referral tree.",
        discussion: """
            The funnel counts members: targeted (a delivery was planned) → delivered → joined (a call or an invite \
            link brought them in) → participated (took part, entered, claimed a task) → converted (an order not \
            refunded); suppressed and failed members are those no message reached, suppressed ones by reason. \
            Pacing compares revenue with the goal at an even pace over the period: expected by now, projected at \
            the end, on track or not. Per occurrence when the campaign has several (or only --occurrence). Computed \
            every 15 minutes by the campaign_reports job while the campaign runs; before its first report this exits \
            1 (run `hearth jobs run campaign_reports`). --html FILE also writes the report as one standalone HTML page \
            with charts (inline SVG, nothing fetched). As JSON or CSV: one row per figure (section, scope, key, \
            value).
            """)

    @Argument(help: "The campaign's id.") var id: String
    @Option(name: .customLong("occurrence"), help: "Only this occurrence's funnel.") var occurrence: String?
    @Option(help: "Also write the report as a standalone HTML page to this file.") var html: String?
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard UUID(uuidString: id) != nil else { throw ValidationError("campaign id \"\(id)\" is not a UUID") }
        if let occurrence, UUID(uuidString: occurrence) == nil {
            throw ValidationError("occurrence id \"\(occurrence)\" is not a UUID")
        }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetCampaignReportRequest()
        request.campaignID = id
        request.occurrenceID = occurrence ?? ""
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getCampaignReport(request, options: options).report
        }
        if let html { try HTMLReport.write(HTMLReport.campaign(report), to: html) }
        guard output.output == .table else {
            try output.print(columns: CampaignReportRows.columns, rows: CampaignReportRows.rows(report))
            return
        }
        try output.print(facts: [
            "campaign": HTMLReport.campaignLabel(report)
                + (report.occurrenceID.isEmpty ? "" : ", occurrence \(report.occurrenceID)"),
            "report": HTMLReport.infoText(report.info),
        ])
        print("")
        let funnel = report.funnel
        let stages: [(String, Int64)] = [
            ("targeted", funnel.targeted), ("delivered", funnel.delivered), ("joined", funnel.joined),
            ("participated", funnel.participated), ("converted", funnel.converted),
        ]
        let base = Double(funnel.targeted)
        let widest = Double(stages.map { $0.1 }.max() ?? 0)
        try output.print(
            columns: ["stage", "members", "of_targeted", ""],
            rows: stages.map { stage, count in
                [
                    stage, "\(count)", base > 0 ? HTMLReport.percent(Double(count) / base) : "",
                    TerminalCharts.bar(Double(count), max: widest, width: 30),
                ]
            })
        print(
            "not reached: \(funnel.suppressed) suppressed, \(funnel.failed) failed; revenue "
                + HTMLReport.yuan(funnel.revenueFen) + ", net of refunds")
        if !funnel.suppressedByReason.isEmpty {
            print("")
            try output.print(
                columns: ["suppressed_because", "members"],
                rows: funnel.suppressedByReason.map { [EnumArgument.text($0.reason), "\($0.count)"] })
        }
        print("")
        try output.print(facts: Self.pacingFacts(report.pacing))
        if !report.occurrences.isEmpty {
            print("")
            let converted = report.occurrences.map { Double($0.funnel.converted) }
            print("converted per occurrence  " + TerminalCharts.sparkline(converted))
            try output.print(
                columns: [
                    "occurrence", "starts", "targeted", "delivered", "joined", "participated", "converted", "revenue",
                ],
                rows: report.occurrences.map { occurrence in
                    let funnel = occurrence.funnel
                    return [
                        occurrence.occurrenceID, MemberRows.timestamp(occurrence.startsAt.date), "\(funnel.targeted)",
                        "\(funnel.delivered)", "\(funnel.joined)", "\(funnel.participated)", "\(funnel.converted)",
                        HTMLReport.yuan(funnel.revenueFen),
                    ]
                })
        }
        if !report.agents.isEmpty {
            print("")
            try output.print(
                columns: ["agent", "assigned", "pending", "not_reached", "declined", "invited", "joined"],
                rows: report.agents.map { agent in
                    [
                        HTMLReport.agentLabel(agent), "\(agent.assigned)", "\(agent.pending)", "\(agent.notReached)",
                        "\(agent.declined)", "\(agent.invited)", "\(agent.joined)",
                    ]
                })
        }
        let tree = report.referralTree
        if tree.size > 0 {
            print("")
            print("referral tree: \(tree.size) members, \(tree.roots) roots, \(tree.depth) levels deep")
            let largest = Double(tree.membersPerLevel.max() ?? 0)
            try output.print(
                columns: ["level", "members", ""],
                rows: tree.membersPerLevel.enumerated().map { level, members in
                    ["\(level)", "\(members)", TerminalCharts.bar(Double(members), max: largest, width: 30)]
                })
        }
    }

    static func pacingFacts(_ pacing: Hearth_Analytics_V1_Pacing) -> KeyValuePairs<String, String> {
        let revenue =
            pacing.hasGoalRevenueFen
            ? "\(HTMLReport.yuan(pacing.revenueFen)) of \(HTMLReport.yuan(pacing.goalRevenueFen)); "
                + "expected by now \(HTMLReport.yuan(pacing.expectedRevenueFen)), "
                + "projected \(HTMLReport.yuan(pacing.projectedRevenueFen))"
            : "\(HTMLReport.yuan(pacing.revenueFen)) (no revenue goal)"
        let participants =
            pacing.hasGoalParticipants
            ? "\(pacing.participants) of \(pacing.goalParticipants); projected \(pacing.projectedParticipants)"
            : "\(pacing.participants) (no participants goal)"
        return [
            "revenue": revenue,
            "participants": participants,
            "elapsed": HTMLReport.percent(pacing.elapsedFraction) + " of the period",
            "on track": pacing.onTrack ? "yes" : "no",
        ]
    }
}

/// The campaign report as rows of figures for JSON and CSV.
enum CampaignReportRows {
    static let columns = ["section", "scope", "key", "value"]

    static func rows(_ report: Hearth_Analytics_V1_CampaignReport) -> [[String]] {
        var rows: [[String]] = [
            ["report", report.campaignID, "campaign_name", report.campaignName],
            ["report", report.campaignID, "occurrence_id", report.occurrenceID],
            ["report", report.campaignID, "period_start", MemberRows.timestamp(report.info.period.start.date)],
            ["report", report.campaignID, "period_end", MemberRows.timestamp(report.info.period.end.date)],
            ["report", report.campaignID, "computed_at", MemberRows.timestamp(report.info.computedAt.date)],
        ]
        rows += funnel(report.funnel, scope: report.occurrenceID)
        let pacing = report.pacing
        if pacing.hasGoalRevenueFen { rows.append(["pacing", "", "goal_revenue_fen", "\(pacing.goalRevenueFen)"]) }
        rows += [
            ["pacing", "", "revenue_fen", "\(pacing.revenueFen)"],
            ["pacing", "", "expected_revenue_fen", "\(pacing.expectedRevenueFen)"],
            ["pacing", "", "projected_revenue_fen", "\(pacing.projectedRevenueFen)"],
        ]
        if pacing.hasGoalParticipants {
            rows.append(["pacing", "", "goal_participants", "\(pacing.goalParticipants)"])
        }
        rows += [
            ["pacing", "", "participants", "\(pacing.participants)"],
            ["pacing", "", "projected_participants", "\(pacing.projectedParticipants)"],
            ["pacing", "", "elapsed_fraction", String(format: "%.4f", pacing.elapsedFraction)],
            ["pacing", "", "on_track", pacing.onTrack ? "true" : "false"],
        ]
        for occurrence in report.occurrences {
            let starts = MemberRows.timestamp(occurrence.startsAt.date)
            rows.append(["occurrence", occurrence.occurrenceID, "starts_at", starts])
            rows += funnel(occurrence.funnel, scope: occurrence.occurrenceID, section: "occurrence")
        }
        for agent in report.agents {
            rows +=
                [
                    ("assigned", agent.assigned), ("pending", agent.pending), ("not_reached", agent.notReached),
                    ("declined", agent.declined), ("invited", agent.invited), ("joined", agent.joined),
                ].map { ["agent", agent.agentOperatorID, $0.0, "\($0.1)"] }
                + [["agent", agent.agentOperatorID, "name", agent.agentName]]
        }
        let tree = report.referralTree
        rows += [
            ["referral_tree", "", "size", "\(tree.size)"], ["referral_tree", "", "depth", "\(tree.depth)"],
            ["referral_tree", "", "roots", "\(tree.roots)"],
        ]
        rows += tree.membersPerLevel.enumerated().map {
            ["referral_level", "\($0.offset)", "members", "\($0.element)"]
        }
        return rows
    }

    static func funnel(_ funnel: Hearth_Analytics_V1_CampaignFunnel, scope: String, section: String = "funnel")
        -> [[String]]
    {
        let stages: [(String, Int64)] = [
            ("targeted", funnel.targeted), ("delivered", funnel.delivered), ("suppressed", funnel.suppressed),
            ("failed", funnel.failed), ("joined", funnel.joined), ("participated", funnel.participated),
            ("converted", funnel.converted), ("revenue_fen", funnel.revenueFen),
        ]
        return stages.map { [section, scope, $0.0, "\($0.1)"] }
            + funnel.suppressedByReason.map {
                [section, scope, "suppressed_" + EnumArgument.text($0.reason), "\($0.count)"]
            }
    }
}
