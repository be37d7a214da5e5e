import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

struct CreateCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write a draft campaign: audience, channels, schedule, goal and messages.",
        discussion: """
            Schedule: exactly one of
              --once 2026-05-01T20:00:00+08:00     one occurrence at that instant
              --weekly thu[,fri] --at 19:00         every Thursday (and Friday) at 19:00
              --monthly 1,15|last --at 10:00        those days of every month (the 31st falls on a shorter month's last day)
              --cron 'M H DOM MON DOW'              five cron fields, e.g. '0 10 * * 1-5' (weekdays at 10:00)
            with --duration (how long each occurrence's live phase lasts: 2h, 90m, 1d) and --time-zone (an IANA \
            name; default: the tenant's). Instants without an offset (2026-05-01T20:00, 2026-05-01) are read in \
            --time-zone. A recurring schedule needs a period (--from and --until) before `hearth campaigns schedule`.

            Messages: --message 'PHASE@TIMING: TEXT', once per message.
              PHASE   announce, warm_up, live or review
              TIMING  relative to each occurrence's start (review: its end), either
                      an offset of elapsed time: -2h, -1h30m, -45m, 0m, +30m (units d, h, m, s), or
                      a day and a wall-clock time: -1d10:00 (the day before at 10:00), 0d18:00 (the same day at
                      18:00; 18:00 alone says the same), +1d09:00 (the next day at 09:00)
              TEXT    everything after the colon that ends the timing; {{display_name}} and {{invite_link}} are
                      filled in per member; @PATH reads the text from a file
            Announcements and warm-ups go out before the start, the live message at or after it, the review after \
            the end. Each message goes out on all the campaign's channels.

            Example: a members-only price every Thursday at 20:00, announced the day before:
              hearth campaigns create 周四会员价 --kind flash_offer --segment SEGMENT_ID --channel wecom_bot \\
                --weekly thu --at 20:00 --duration 2h --time-zone Asia/Shanghai --from 2026-05-01 --until 2026-06-01 \\
                --goal-revenue 300000 --message 'announce@-1d10:00: 明晚八点会员专享价' \\
                --message 'warm_up@-2h: 两小时后开抢' --message 'live@0m: 开抢啦' --message 'review@+1h: 感谢参与'
            """)

    @Argument(help: "The campaign's name, 1 to 200 characters.") var name: String
    @Option(help: "What it does; fixed once created.") var kind: EnumArgument<Hearth_Campaign_V1_CampaignKind>
    @Option(help: "The segment whose members it addresses.") var segment: String?
    @Option(help: "The community whose active members it addresses (with --segment: the segment's members in it).")
    var community: String?
    @Option(name: .customLong("channel"), help: "A channel messages go out on; repeat for several.")
    var channels: [EnumArgument<Hearth_Common_V1_DeliveryChannel>] = []
    @Option(help: "One occurrence at this instant (ISO 8601).") var once: String?
    @Option(help: "Days of the week, e.g. thu or thu,fri (with --at).") var weekly: String?
    @Option(help: "Days of the month, e.g. 1,15 or last (with --at).") var monthly: String?
    @Option(help: "A five-field cron expression: 'minute hour day-of-month month day-of-week'.") var cron: String?
    @Option(help: "When weekly or monthly occurrences start, HH:MM on a 24-hour clock.") var at: String?
    @Option(help: "How long each occurrence's live phase lasts, e.g. 2h, 90m, 1d.") var duration: String
    @Option(
        name: .customLong("time-zone"),
        help: "The schedule's IANA time zone, e.g. Asia/Shanghai (default: the tenant's).")
    var timeZone: String?
    @Option(help: "When the campaign's period starts (ISO 8601); occurrences and the goal fall inside it.")
    var from: String?
    @Option(help: "When the period ends (exclusive).") var until: String?
    @Option(name: .customLong("goal-revenue"), help: "Revenue goal in yuan, e.g. 50000.00.") var goalRevenue: String?
    @Option(name: .customLong("goal-participants"), help: "Participants goal, e.g. 300.") var goalParticipants: Int?
    @Option(name: .customLong("message"), help: "A message, PHASE@TIMING: TEXT (see below); repeat for several.")
    var messages: [String] = []
    @Option(
        name: .customLong("referral-reward"),
        help: "A referral reward per level (1: the direct referrer), LEVEL=points:100|yuan:5.00|gift:TEXT; repeatable.")
    var referralRewards: [String] = []
    @Option(
        name: .customLong("referral-max-depth"),
        help: "The deepest level a referral earns a reward at, 0 to 20 (0: the deepest --referral-reward level).")
    var referralMaxDepth: Int?
    @Option(
        name: .customLong("lottery-closes"),
        help: "Lottery: when entries close (ISO 8601); the seed must be committed before then.")
    var lotteryCloses: String?
    @Option(name: .customLong("winners"), help: "Lottery: how many winners are drawn, 1 to 10000.")
    var lotteryWinners: Int?
    @Option(
        name: .customLong("prize"),
        help: "Lottery: a prize, first prize first; repeat for several (the last one repeats for lower ranks).")
    var lotteryPrizes: [String] = []
    @Option(name: .customLong("contest-scoring"), help: "Contest: who picks the winners, votes (members) or judges.")
    var contestScoring: EnumArgument<Hearth_Campaign_V1_ContestScoring>?
    @Option(name: .customLong("contest-winners"), help: "Contest: how many entries win, 1 to 1000.")
    var contestWinners: Int?
    @Option(name: .customLong("entries-close"), help: "Contest: when entries close (ISO 8601).")
    var entriesClose: String?
    @Option(name: .customLong("voting-close"), help: "Contest: when votes and judges' scores close (ISO 8601).")
    var votingClose: String?
    @Option(
        name: .customLong("votes-per-member"), help: "Contest (votes): how many entries one member may vote for.")
    var votesPerMember: Int?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try spec()
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_CreateCampaignRequest()
        request.spec = try spec()
        // One key per invocation: a retry of this call inside the client never creates two drafts.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let campaign = try await service.withClient { client in
            try await client.createCampaign(request, options: options).campaign
        }
        try output.print(columns: CampaignRows.columns, rows: [CampaignRows.row(campaign)])
    }

    /// The spec the options describe; every mistake is a ValidationError naming the option.
    func spec() throws -> Hearth_Campaign_V1_CampaignSpec {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(spec.name.unicodeScalars.count) else {
            throw ValidationError("the name has 1 to 200 characters")
        }
        spec.kind = kind.value
        if let segment {
            spec.audience.segmentID = try Self.id(segment, option: "--segment", what: "segment")
        }
        if let community {
            spec.audience.communityID = try Self.id(community, option: "--community", what: "community")
        }
        spec.channels = channels.map(\.value)
        spec.schedule = try schedule()
        if let range = try period() { spec.period = range }
        if goalRevenue != nil || goalParticipants != nil {
            var goal = Hearth_Campaign_V1_Goal()
            if let goalRevenue {
                goal.revenueFen = try CampaignArgumentText.fen(yuan: goalRevenue, option: "--goal-revenue")
                guard goal.revenueFen > 0 else { throw ValidationError("--goal-revenue must be above zero") }
            }
            if let goalParticipants {
                guard (1...Int(Int32.max)).contains(goalParticipants) else {
                    throw ValidationError("--goal-participants must be at least 1")
                }
                goal.participants = Int32(goalParticipants)
            }
            spec.goal = goal
        }
        spec.messages = try messages.map(PhaseMessageSyntax.parse)
        if let referralRules = try ReferralRewardSyntax.rules(
            rewards: referralRewards, maxDepth: referralMaxDepth, kind: spec.kind)
        {
            spec.referralRules = referralRules
        }
        if let lotteryRules = try LotteryRulesSyntax.rules(
            closes: lotteryCloses, winners: lotteryWinners, prizes: lotteryPrizes, kind: spec.kind, timeZone: timeZone)
        {
            spec.lotteryRules = lotteryRules
        }
        if let contestRules = try ContestRulesSyntax.rules(
            scoring: contestScoring?.value, winners: contestWinners, entriesClose: entriesClose,
            votingClose: votingClose, votesPerMember: votesPerMember, kind: spec.kind, timeZone: timeZone)
        {
            spec.contestRules = contestRules
        }
        return spec
    }

    private func schedule() throws -> Hearth_Campaign_V1_Schedule {
        let given = [("--once", once), ("--weekly", weekly), ("--monthly", monthly), ("--cron", cron)]
            .filter { $0.1 != nil }.map { $0.0 }
        guard given.count == 1 else {
            throw ValidationError(
                given.isEmpty
                    ? "give a schedule: --once, --weekly with --at, --monthly with --at, or --cron"
                    : "give one schedule, not \(given.joined(separator: " and "))")
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw ValidationError("--time-zone \"\(timeZone)\" is not an IANA time zone such as Asia/Shanghai")
        }
        if (weekly != nil || monthly != nil) != (at != nil) {
            throw ValidationError(
                at == nil
                    ? "\(given[0]) needs --at, the time occurrences start (e.g. --at 19:00)"
                    : "--at goes with --weekly or --monthly; \(given[0]) carries its own time")
        }
        var schedule = Hearth_Campaign_V1_Schedule()
        if let once {
            schedule.onceAt = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(once, option: "--once", timeZone: timeZone))
        } else if let weekly, let at {
            var recurrence = Hearth_Campaign_V1_WeeklyRecurrence()
            recurrence.days = try CampaignArgumentText.weekdays(weekly)
            recurrence.startTime = try CampaignArgumentText.localTime(at, option: "--at")
            schedule.weekly = recurrence
        } else if let monthly, let at {
            var recurrence = Hearth_Campaign_V1_MonthlyRecurrence()
            recurrence.daysOfMonth = try CampaignArgumentText.daysOfMonth(monthly)
            recurrence.startTime = try CampaignArgumentText.localTime(at, option: "--at")
            schedule.monthly = recurrence
        } else if let cron {
            do throws(CronExpressionError) {
                schedule.cron = try CronExpression(cron).text
            } catch {
                throw ValidationError("--cron '\(cron)': \(error.description)")
            }
        }
        guard let seconds = CampaignArgumentText.spanSeconds(Substring(duration)), seconds > 0,
            seconds <= 366 * 86_400
        else {
            throw ValidationError("--duration \"\(duration)\" is not a span from 1s to 366d; write e.g. 2h, 90m or 1d")
        }
        schedule.duration = Google_Protobuf_Duration(seconds: seconds)
        schedule.timeZone = timeZone ?? ""
        return schedule
    }

    private func period() throws -> Hearth_Common_V1_TimeRange? {
        guard from != nil || until != nil else { return nil }
        guard let from, let until else { throw ValidationError("give the period with both --from and --until") }
        let start = try CampaignArgumentText.instant(from, option: "--from", timeZone: timeZone)
        let end = try CampaignArgumentText.instant(until, option: "--until", timeZone: timeZone)
        guard start < end else { throw ValidationError("--until must come after --from") }
        var range = Hearth_Common_V1_TimeRange()
        range.start = Google_Protobuf_Timestamp(date: start)
        range.end = Google_Protobuf_Timestamp(date: end)
        return range
    }

    private static func id(_ text: String, option: String, what: String) throws -> String {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("\(option) \"\(text)\" is not a \(what) id")
        }
        return id.uuidString.lowercased()
    }
}
