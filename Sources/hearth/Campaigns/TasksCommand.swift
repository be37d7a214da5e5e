import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns tasks …`: tasks with rewards on task_challenge campaigns, members' claims and
/// their review, through campaign-service.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Tasks with rewards on task_challenge campaigns: create them, take members' claims, review them.",
        discussion: """
            A member claims a task while the campaign runs and the task's claim window is open (by default the \
            campaign's period), with proof when the task asks for it. A claim waits for review; an operator \
            approves it (the member earns the reward) or rejects it with a note (the member may claim again). \
            `claims --status submitted` is the review queue, oldest first.
            """,
        subcommands: [
            CreateTaskCommand.self, ListTasksCommand.self, ClaimTaskCommand.self, ReviewClaimCommand.self,
            ListClaimsCommand.self,
        ])
}

/// How tasks print: one row each.
enum TaskRows {
    static let columns = ["id", "campaign", "title", "reward", "proof", "max_claims", "window", "details", "created"]

    static func row(_ task: Hearth_Campaign_V1_CampaignTask) -> [String] {
        [
            task.taskID, task.campaignID, task.title, task.hasReward ? reward(task.reward) : "",
            task.proofRequired ? "required" : "", "\(task.maxClaimsPerMember)",
            task.hasClaimWindow ? CampaignRows.period(task.claimWindow, in: nil) : "(campaign period)", task.details,
            task.hasCreatedAt ? CampaignArgumentText.timestamp(task.createdAt.date, in: nil) : "",
        ]
    }

    /// `9.90 CNY`, `100 points`, `gift: 保温杯`.
    static func reward(_ reward: Hearth_Campaign_V1_Reward) -> String {
        switch reward.kind {
        case .money(let money)?: Yuan.text(fen: money.amountFen) + " CNY"
        case .points(let points)?: "\(points) points"
        case .gift(let gift)?: "gift: \(gift)"
        case nil: ""
        }
    }
}

/// How claims print: one row each.
enum ClaimRows {
    static let columns = [
        "id", "task", "member", "status", "proof", "proof_urls", "note", "reviewed_by", "submitted", "reviewed",
    ]

    static func row(_ claim: Hearth_Campaign_V1_TaskClaim) -> [String] {
        [
            claim.claimID, claim.taskID, claim.memberID, EnumArgument.text(claim.status), claim.proofText,
            claim.proofUrls.joined(separator: " "), claim.reviewNote, claim.reviewedByOperatorID,
            claim.hasSubmittedAt ? CampaignArgumentText.timestamp(claim.submittedAt.date, in: nil) : "",
            claim.hasReviewedAt ? CampaignArgumentText.timestamp(claim.reviewedAt.date, in: nil) : "",
        ]
    }
}

struct CreateTaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Add a task with a reward to a task_challenge campaign.",
        discussion: """
            Example: a check-in task members may do up to 7 times, each worth 10 points, with a screenshot:
              hearth campaigns tasks create CAMPAIGN_ID --title '每日打卡' --reward-points 10 --proof-required \\
                --max-claims 7
            """)

    @Argument(help: "The task_challenge campaign's id.") var campaign: String
    @Option(help: "What members do, 1 to 200 characters.") var title: String
    @Option(help: "What exactly counts, for members and reviewers.") var details: String?
    @Option(name: .customLong("reward-points"), help: "Reward: this many points.") var rewardPoints: Int64?
    @Option(name: .customLong("reward-yuan"), help: "Reward: money in yuan, e.g. 9.90.") var rewardYuan: String?
    @Option(name: .customLong("reward-gift"), help: "Reward: a gift or coupon, described for whoever hands it out.")
    var rewardGift: String?
    @Flag(name: .customLong("proof-required"), help: "Claims must carry proof (a text or a link).")
    var proofRequired = false
    @Option(name: .customLong("max-claims"), help: "Approved claims one member may have, 1 to 1000 (default 1).")
    var maxClaims: Int?
    @Option(
        name: .customLong("claims-from"),
        help: "When claims open (ISO 8601; default: the campaign's period start).")
    var claimsFrom: String?
    @Option(
        name: .customLong("claims-until"), help: "When claims close (ISO 8601; default: the campaign's period end).")
    var claimsUntil: String?
    @Option(
        name: .customLong("time-zone"), help: "The IANA zone of --claims-from/--claims-until without an offset.")
    var timeZone: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try makeRequest()
    }

    func run() async throws {
        var request = try makeRequest()
        // One key per invocation: a retry of this call inside the client never creates two tasks.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let task = try await service.withClient { client in
            try await client.createTask(request, options: options).task
        }
        try output.print(columns: TaskRows.columns, rows: [TaskRows.row(task)])
    }

    /// The request the options describe; every mistake is a ValidationError naming the option.
    func makeRequest() throws -> Hearth_Campaign_V1_CreateTaskRequest {
        var request = Hearth_Campaign_V1_CreateTaskRequest()
        request.campaignID = try TaskArguments.id(campaign, what: "campaign")
        request.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(request.title.unicodeScalars.count) else {
            throw ValidationError("--title has 1 to 200 characters")
        }
        request.details = details ?? ""
        let rewards = [
            ("--reward-points", rewardPoints != nil), ("--reward-yuan", rewardYuan != nil),
            ("--reward-gift", rewardGift != nil),
        ].filter(\.1).map(\.0)
        guard rewards.count <= 1 else {
            throw ValidationError("give one reward, not \(rewards.joined(separator: " and "))")
        }
        if let rewardPoints {
            guard rewardPoints >= 0 else { throw ValidationError("--reward-points cannot be negative") }
            request.reward.points = rewardPoints
        } else if let rewardYuan {
            var money = Hearth_Common_V1_Money()
            money.amountFen = try CampaignArgumentText.fen(yuan: rewardYuan, option: "--reward-yuan")
            request.reward.money = money
        } else if let rewardGift {
            let gift = rewardGift.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(gift.unicodeScalars.count) else {
                throw ValidationError("--reward-gift has 1 to 200 characters")
            }
            request.reward.gift = gift
        }
        request.proofRequired = proofRequired
        if let maxClaims {
            guard (1...1_000).contains(maxClaims) else { throw ValidationError("--max-claims must be 1 to 1000") }
            request.maxClaimsPerMember = Int32(maxClaims)
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw ValidationError("--time-zone \"\(timeZone)\" is not an IANA time zone such as Asia/Shanghai")
        }
        if let claimsFrom {
            request.claimWindow.start = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(claimsFrom, option: "--claims-from", timeZone: timeZone))
        }
        if let claimsUntil {
            request.claimWindow.end = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(claimsUntil, option: "--claims-until", timeZone: timeZone))
        }
        if request.claimWindow.hasStart, request.claimWindow.hasEnd,
            request.claimWindow.end.date <= request.claimWindow.start.date
        {
            throw ValidationError("--claims-until must come after --claims-from")
        }
        return request
    }
}

struct ListTasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a campaign's tasks in the order they were made.")

    @Argument(help: "The campaign's id.") var campaign: String
    @Option(help: "At most this many tasks (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListTasksRequest()
        request.campaignID = campaign
        let (options, limit) = (service.callOptions, self.limit)
        let tasks = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listTasks(request, options: options)
                return (response.tasks, response.page)
            }
        }
        try output.print(columns: TaskRows.columns, rows: tasks.map(TaskRows.row))
    }
}

struct ClaimTaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Submit a member's claim that they did a task, with proof.",
        discussion: """
            The claim waits for review. Refused while an earlier claim of the member on the task waits, once the \
            member has as many approved claims as the task allows, outside the claim window, and without proof \
            when the task requires it.
            """)

    @Argument(help: "The task's id.") var task: String
    @Option(help: "The member who did it.") var member: String
    @Option(help: "Proof as text (what was done, an order number).") var proof: String?
    @Option(name: .customLong("proof-url"), help: "A link to proof (screenshot, post), http(s); repeat for several.")
    var proofURLs: [String] = []
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try TaskArguments.id(task, what: "task")
        _ = try TaskArguments.id(member, what: "member", option: "--member")
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ClaimTaskRequest()
        request.taskID = try TaskArguments.id(task, what: "task")
        request.memberID = try TaskArguments.id(member, what: "member", option: "--member")
        request.proofText = proof ?? ""
        request.proofUrls = proofURLs
        // One key per invocation: a retry inside the client gets the same claim back.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let claim = try await service.withClient { client in
            try await client.claimTask(request, options: options).claim
        }
        try output.print(columns: ClaimRows.columns, rows: [ClaimRows.row(claim)])
    }
}

struct ReviewClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Approve or reject a submitted claim.",
        discussion: "A rejection needs --note: it is what the member is told. A review is final.")

    @Argument(help: "The claim's id.") var claim: String
    @Flag(help: "Approve: the member earns the task's reward.") var approve = false
    @Flag(help: "Reject: say why with --note.") var reject = false
    @Option(help: "Why it is rejected (required with --reject), or a remark on approval.") var note: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try TaskArguments.id(claim, what: "claim")
        guard approve != reject else { throw ValidationError("give one of --approve and --reject") }
        if reject && (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reject needs --note: say why, the member is told")
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ReviewClaimRequest()
        request.claimID = try TaskArguments.id(claim, what: "claim")
        request.decision = approve ? .approved : .rejected
        request.reviewNote = note ?? ""
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let reviewed = try await service.withClient { client in
            try await client.reviewClaim(request, options: options).claim
        }
        try output.print(columns: ClaimRows.columns, rows: [ClaimRows.row(reviewed)])
    }
}

struct ListClaimsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "List claims of a task or a campaign, oldest first (with --status submitted: the review queue).")

    @Option(help: "Only this task's claims.") var task: String?
    @Option(help: "Claims of this campaign's tasks.") var campaign: String?
    @Option(help: "Only this member's claims.") var member: String?
    @Option(name: .customLong("status"), help: "Only claims in this status; repeat for several.")
    var statuses: [EnumArgument<Hearth_Campaign_V1_ClaimStatus>] = []
    @Option(help: "At most this many claims (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard task != nil || campaign != nil else { throw ValidationError("give --task or --campaign (or both)") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let task { _ = try TaskArguments.id(task, what: "task", option: "--task") }
        if let campaign { _ = try TaskArguments.id(campaign, what: "campaign", option: "--campaign") }
        if let member { _ = try TaskArguments.id(member, what: "member", option: "--member") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListClaimsRequest()
        request.taskID = task ?? ""
        request.campaignID = campaign ?? ""
        request.memberID = member ?? ""
        request.statuses = statuses.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let claims = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listClaims(request, options: options)
                return (response.claims, response.page)
            }
        }
        try output.print(columns: ClaimRows.columns, rows: claims.map(ClaimRows.row))
    }
}

/// Reading the ids `hearth campaigns tasks` and `contest` take.
enum TaskArguments {
    /// The id in canonical form; a ValidationError naming the argument (or `option`) otherwise.
    static func id(_ text: String, what: String, option: String? = nil) throws -> String {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("\(option.map { "\($0) " } ?? "")\"\(text)\" is not a \(what) id")
        }
        return id.uuidString.lowercased()
    }
}
