import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns …`: campaigns, their schedules and occurrences, and what was delivered,
/// through campaign-service.
struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "Create, schedule and run campaigns, and see their occurrences and deliveries.",
        discussion: """
            A campaign moves draft → scheduled → running ⇄ paused → completed | cancelled: `create` writes a draft, \
            `schedule` plans its occurrences, `launch` starts sending, `pause` stops new sends at once and `resume` \
            goes on without catching up what passed meanwhile. Times print in the schedule's time zone, or in UTC \
            when the schedule uses the tenant's. The service is found at $HEARTH_CAMPAIGN_ADDR (default \
            127.0.0.1:7102).
            """,
        subcommands: [
            CreateCampaignCommand.self, ListCampaignsCommand.self, ShowCampaignCommand.self,
            ScheduleCampaignCommand.self, LaunchCampaignCommand.self, PauseCampaignCommand.self,
            ResumeCampaignCommand.self, CancelCampaignCommand.self, UpdateCampaignCommand.self,
            DeleteCampaignCommand.self, CampaignDeliveriesCommand.self, OffersCommand.self,
            ConversionsCommand.self, CallsCommand.self, InviteLinkCommand.self, LotteryCommand.self,
            ReferralsCommand.self, TasksCommand.self, ContestCommand.self,
        ])
}

/// How campaigns print: one row each, the same columns in every command.
enum CampaignRows {
    static let columns = [
        "id", "name", "kind", "status", "segment", "community", "channels", "schedule", "next", "goal", "period",
        "reason", "created",
    ]

    static func row(_ campaign: Hearth_Campaign_V1_Campaign) -> [String] {
        let spec = campaign.spec
        let zone = Self.zone(of: campaign)
        return [
            campaign.campaignID, spec.name, EnumArgument.text(spec.kind), EnumArgument.text(campaign.status),
            spec.audience.segmentID, spec.audience.communityID,
            spec.channels.map { EnumArgument.text($0) }.joined(separator: ","),
            spec.hasSchedule ? schedule(spec.schedule) : "",
            campaign.hasNextOccurrenceAt
                ? CampaignArgumentText.timestamp(campaign.nextOccurrenceAt.date, in: zone) : "",
            spec.hasGoal ? goal(spec.goal) : "", spec.hasPeriod ? period(spec.period, in: zone) : "",
            campaign.statusReason, campaign.hasCreatedAt ? MemberRows.timestamp(campaign.createdAt.date) : "",
        ]
    }

    /// The zone a campaign's times read in: its schedule's; `nil` (UTC) when it uses the tenant's,
    /// which the CLI does not know.
    static func zone(of campaign: Hearth_Campaign_V1_Campaign) -> TimeZone? {
        let name = campaign.spec.schedule.timeZone
        return name.isEmpty ? nil : TimeZone(identifier: name)
    }

    /// `weekly thu,fri 19:00 for 2h Asia/Shanghai`, `monthly 1,15,last 10:00 for 1h`,
    /// `cron '0 10 * * 1-5' for 30m`, `once 2026-05-01T20:00:00+0800 for 2h`.
    static func schedule(_ schedule: Hearth_Campaign_V1_Schedule) -> String {
        let zone = schedule.timeZone.isEmpty ? nil : TimeZone(identifier: schedule.timeZone)
        var parts: [String]
        switch schedule.recurrence {
        case .onceAt(let instant)?:
            parts = ["once", CampaignArgumentText.timestamp(instant.date, in: zone)]
        case .weekly(let weekly)?:
            parts = [
                "weekly", weekly.days.map { String(EnumArgument.text($0).prefix(3)) }.joined(separator: ","),
                time(weekly.startTime),
            ]
        case .monthly(let monthly)?:
            parts = [
                "monthly", monthly.daysOfMonth.map { $0 == -1 ? "last" : String($0) }.joined(separator: ","),
                time(monthly.startTime),
            ]
        case .cron(let expression)?:
            parts = ["cron", "'\(expression)'"]
        case nil:
            parts = []
        }
        if schedule.hasDuration { parts.append("for " + CampaignArgumentText.span(seconds: schedule.duration.seconds)) }
        if !schedule.timeZone.isEmpty { parts.append(schedule.timeZone) }
        return parts.joined(separator: " ")
    }

    /// `50000.00 CNY; 300 participants`.
    static func goal(_ goal: Hearth_Campaign_V1_Goal) -> String {
        var parts: [String] = []
        if goal.hasRevenueFen { parts.append(Yuan.text(fen: goal.revenueFen) + " CNY") }
        if goal.hasParticipants { parts.append("\(goal.participants) participants") }
        return parts.joined(separator: "; ")
    }

    static func period(_ range: Hearth_Common_V1_TimeRange, in zone: TimeZone?) -> String {
        let start = range.hasStart ? CampaignArgumentText.timestamp(range.start.date, in: zone) : "…"
        let end = range.hasEnd ? CampaignArgumentText.timestamp(range.end.date, in: zone) : "…"
        return "\(start) to \(end)"
    }

    static func time(_ time: Hearth_Common_V1_LocalTime) -> String {
        (time.hour < 10 ? "0" : "") + String(time.hour) + ":" + (time.minute < 10 ? "0" : "") + String(time.minute)
    }
}

/// How occurrences print, their times in the campaign's zone.
enum OccurrenceRows {
    static let columns = ["occurrence", "starts", "ends", "status", "phase_times"]

    static func row(_ occurrence: Hearth_Campaign_V1_Occurrence, in zone: TimeZone?) -> [String] {
        [
            occurrence.occurrenceID,
            occurrence.hasStartsAt ? CampaignArgumentText.timestamp(occurrence.startsAt.date, in: zone) : "",
            occurrence.hasEndsAt ? CampaignArgumentText.timestamp(occurrence.endsAt.date, in: zone) : "",
            EnumArgument.text(occurrence.status),
            occurrence.phaseTimes.map { phaseTime in
                EnumArgument.text(phaseTime.phase) + " "
                    + (phaseTime.hasAt ? CampaignArgumentText.timestamp(phaseTime.at.date, in: zone) : "?")
            }.joined(separator: "; "),
        ]
    }

    /// Nothing in `columns`: the filler of a flattened row without an occurrence.
    static let empty = columns.map { _ in "" }
}

struct ListCampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List campaigns, newest first.")

    @Option(name: .customLong("status"), help: "Only campaigns in this status; repeat for several.")
    var statuses: [EnumArgument<Hearth_Campaign_V1_CampaignStatus>] = []
    @Option(name: .customLong("kind"), help: "Only campaigns of this kind; repeat for several.")
    var kinds: [EnumArgument<Hearth_Campaign_V1_CampaignKind>] = []
    @Option(help: "Only names containing this.") var query: String?
    @Option(help: "At most this many campaigns (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListCampaignsRequest()
        request.statuses = statuses.map(\.value)
        request.kinds = kinds.map(\.value)
        request.query = query ?? ""
        let (options, limit) = (service.callOptions, self.limit)
        let campaigns = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listCampaigns(request, options: options)
                return (response.campaigns, response.page)
            }
        }
        try output.print(columns: CampaignRows.columns, rows: campaigns.map(CampaignRows.row))
    }
}

struct ShowCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a campaign with its messages and occurrences.",
        discussion: """
            As a table: the campaign, its messages (in the syntax `create` takes) and its occurrences. As JSON or CSV:
            one row per occurrence, the campaign's columns repeated (one row with empty occurrence columns when \
            there is none yet).
            """)

    @Argument(help: "The campaign's id.") var id: String
    @Option(name: .customLong("occurrence-status"), help: "Only occurrences in this status; repeat for several.")
    var occurrenceStatuses: [EnumArgument<Hearth_Campaign_V1_OccurrenceStatus>] = []
    @Option(help: "At most this many occurrences, earliest first.") var limit: Int = 50
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var get = Hearth_Campaign_V1_GetCampaignRequest()
        get.campaignID = id
        var list = Hearth_Campaign_V1_ListOccurrencesRequest()
        list.campaignID = id
        list.statuses = occurrenceStatuses.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let (campaign, occurrences) = try await service.withClient { client in
            let campaign = try await client.getCampaign(get, options: options).campaign
            let occurrences = try await collectPages(limit: limit) { page in
                var request = list
                request.page = page
                let response = try await client.listOccurrences(request, options: options)
                return (response.occurrences, response.page)
            }
            return (campaign, occurrences)
        }
        let zone = CampaignRows.zone(of: campaign)
        let messages = campaign.spec.messages.map(PhaseMessageSyntax.text)
        guard output.output == .table else {
            let rows = (occurrences.isEmpty ? [nil] : occurrences.map { Optional($0) }).map { occurrence in
                CampaignRows.row(campaign) + [messages.joined(separator: "\n")]
                    + (occurrence.map { OccurrenceRows.row($0, in: zone) } ?? OccurrenceRows.empty)
            }
            try output.print(columns: CampaignRows.columns + ["messages"] + OccurrenceRows.columns, rows: rows)
            return
        }
        let width = CampaignRows.columns.map(\.count).max() ?? 0
        for (column, value) in zip(CampaignRows.columns, CampaignRows.row(campaign)) where !value.isEmpty {
            print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        print("")
        if messages.isEmpty {
            print("no messages")
        } else {
            try output.print(
                columns: ["phase", "timing", "channels", "text"],
                rows: campaign.spec.messages.map { message in
                    [
                        EnumArgument.text(message.phase), PhaseMessageSyntax.timingText(message),
                        message.channels.isEmpty
                            ? "(all)" : message.channels.map { EnumArgument.text($0) }.joined(separator: ","),
                        PhaseMessageSyntax.body(message),
                    ]
                })
        }
        print("")
        if occurrences.isEmpty {
            print(
                "no occurrences"
                    + (campaign.status == .draft ? " yet: `hearth campaigns schedule \(id)` plans them" : ""))
        } else {
            try output.print(
                columns: OccurrenceRows.columns, rows: occurrences.map { OccurrenceRows.row($0, in: zone) })
        }
    }
}

/// `hearth campaigns deliveries [stats] ID | list …`: the outbox, counted or row by row.
struct CampaignDeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "A campaign's deliveries: counts by status and reason (the default), or the list.",
        subcommands: [DeliveryStatsCommand.self, DeliveryListCommand.self],
        defaultSubcommand: DeliveryStatsCommand.self)
}

struct DeliveryStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count a campaign's deliveries by status, and the suppressed ones by reason.",
        discussion: """
            Live counts of the delivery outbox: pending (recorded, not sent yet), claimed (a sender is sending), \
            sent, failed (permanently) and suppressed (not sent on purpose: no_consent, quiet_hours, frequency_cap, \
            member_deleted, no_address, campaign_stopped, membership_banned).
            """)

    @Argument(help: "The campaign's id.") var id: String
    @Option(name: .customLong("occurrence"), help: "Only this occurrence's deliveries.") var occurrence: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_GetDeliveryStatsRequest()
        request.campaignID = id
        request.occurrenceID = occurrence ?? ""
        let options = service.callOptions
        let stats = try await service.withClient { client in
            try await client.getDeliveryStats(request, options: options).stats
        }
        var rows = [
            ["pending", "", "\(stats.pending)"], ["claimed", "", "\(stats.claimed)"], ["sent", "", "\(stats.sent)"],
            ["failed", "", "\(stats.failed)"], ["suppressed", "", "\(stats.suppressed)"],
        ]
        for count in stats.suppressedByReason.sorted(by: { $0.count > $1.count }) {
            let reason = EnumArgument.text(count.reason)
            rows.append(["suppressed", reason.isEmpty ? "unspecified" : reason, "\(count.count)"])
        }
        try output.print(columns: ["status", "reason", "count"], rows: rows)
    }
}
