import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns referrals …`: invite codes and the fission tree of a referral campaign.
struct ReferralsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrals",
        abstract: "Hand out referral codes, record who came with one, and draw the fission tree.",
        discussion: """
            A member has one code per referral campaign (`code` gives the same one every time). A newcomer who comes \
            with a code joins the campaign's tree under the code's owner (`record`), and every referrer above them \
            up to the campaign's deepest rewarded level earns that level's reward (`create --referral-reward`). \
            A member joins a campaign's tree once; their own code, or the code of someone they brought in, is \
            refused.
            """,
        subcommands: [ReferralCodeCommand.self, RecordReferralCommand.self, ReferralTreeCommand.self])
}

/// How referral codes and tree nodes print.
enum ReferralRows {
    static let codeColumns = ["code", "campaign", "member", "referred", "created"]

    static func row(_ code: Hearth_Campaign_V1_ReferralCode) -> [String] {
        [
            code.code, code.campaignID, code.memberID, "\(code.referredCount)",
            code.hasCreatedAt ? MemberRows.timestamp(code.createdAt.date) : "",
        ]
    }

    static let nodeColumns = ["member", "depth", "referrer", "code", "referred", "direct", "descendants"]

    /// A node's row; `member` is the member cell as drawn (indented in the tree view).
    static func row(_ node: Hearth_Campaign_V1_ReferralNode, member: String? = nil) -> [String] {
        [
            member ?? node.memberID, "\(node.depth)", node.referrerMemberID, node.code,
            node.hasReferredAt ? MemberRows.timestamp(node.referredAt.date) : "", "\(node.directCount)",
            "\(node.descendantCount)",
        ]
    }

    /// The nodes in drawing order, each followed by its subtree (children in the order the service
    /// gave them, which is the order they came); a node whose referrer is not among them starts a
    /// subtree of its own.
    static func depthFirst(_ nodes: [Hearth_Campaign_V1_ReferralNode]) -> [Hearth_Campaign_V1_ReferralNode] {
        let present = Set(nodes.map(\.memberID))
        var children: [String: [Hearth_Campaign_V1_ReferralNode]] = [:]
        var tops: [Hearth_Campaign_V1_ReferralNode] = []
        for node in nodes {
            if present.contains(node.referrerMemberID) {
                children[node.referrerMemberID, default: []].append(node)
            } else {
                tops.append(node)
            }
        }
        var ordered: [Hearth_Campaign_V1_ReferralNode] = []
        var stack = Array(tops.reversed())
        while let node = stack.popLast() {
            ordered.append(node)
            stack.append(contentsOf: (children[node.memberID] ?? []).reversed())
        }
        return ordered
    }

    /// The member cell of the tree view: two spaces per level below the shallowest node shown.
    static func indented(_ node: Hearth_Campaign_V1_ReferralNode, below top: Int32) -> String {
        let level = Int(max(0, node.depth - top))
        return String(repeating: "  ", count: level) + (level > 0 ? "└ " : "") + node.memberID
    }
}

struct ReferralCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Give a member their referral code for a campaign (the same one on every call).",
        discussion: """
            Codes are 8 characters without look-alikes (no 0, O, 1 or I), safe in a URL, and can be handed out \
            from draft until the campaign completes or is cancelled.
            """)

    @Argument(help: "The referral campaign's id.") var campaign: String
    @Option(help: "The member who shares the code.") var member: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReferralArguments.checkID(campaign, what: "campaign id")
        try ReferralArguments.checkID(member, what: "--member id")
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_IssueReferralCodeRequest()
        request.campaignID = campaign
        request.memberID = member
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let code = try await service.withClient { client in
            try await client.issueReferralCode(request, options: options).code
        }
        try output.print(columns: ReferralRows.codeColumns, rows: [ReferralRows.row(code)])
    }
}

struct RecordReferralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record that a newcomer came with a referral code, adding them to the campaign's tree.",
        discussion: """
            Recording the same newcomer with the same code again prints the node recorded the first time. Exits 1 \
            with the reason when the newcomer came through another code first, uses their own code or the code of \
            someone they brought in, or when the campaign is not running.
            """)

    @Argument(help: "The referral code the newcomer came with (case does not matter).") var code: String
    @Option(help: "The newcomer's member id.") var member: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReferralArguments.checkID(member, what: "--member id")
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_RecordReferralRequest()
        request.code = code.trimmingCharacters(in: .whitespaces)
        request.referredMemberID = member
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let node = try await service.withClient { client in
            try await client.recordReferral(request, options: options).node
        }
        try output.print(columns: ReferralRows.nodeColumns, rows: [ReferralRows.row(node)])
    }
}

struct ReferralTreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Show a referral campaign's fission tree, or the subtree under one member.",
        discussion: """
            As a table the tree is drawn: each member under the one who referred them, indented by depth, with \
            how many they brought in directly and below them in all, then the tree's size and depth. As JSON or \
            CSV: one row per member, breadth first (by depth, then the time they joined). Depths are the members' \
            own in the campaign's tree; --depth limits the levels shown below the root.
            """)

    @Argument(help: "The referral campaign's id.") var campaign: String
    @Option(help: "Only the subtree under this member.") var root: String?
    @Option(help: "Levels below the root to show; 0 shows all.") var depth: Int = 0
    @Option(help: "At most this many members (all pages are fetched until then).") var limit: Int = 1_000
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try ReferralArguments.checkID(campaign, what: "campaign id")
        if let root { try ReferralArguments.checkID(root, what: "--root id") }
        guard (0...Int(Int32.max)).contains(depth) else { throw ValidationError("--depth must be 0 (all) or more") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_GetReferralTreeRequest()
        request.campaignID = campaign
        request.rootMemberID = root ?? ""
        request.maxDepth = Int32(depth)
        let (options, limit) = (service.callOptions, self.limit)
        let (nodes, totals) = try await service.withClient { client in
            var totals: (size: Int64, depth: Int32) = (0, 0)
            let nodes = try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.getReferralTree(request, options: options)
                totals = (response.size, response.depth)
                return (response.nodes, response.page)
            }
            return (nodes, totals)
        }
        guard output.output == .table else {
            try output.print(columns: ReferralRows.nodeColumns, rows: nodes.map { ReferralRows.row($0) })
            return
        }
        guard !nodes.isEmpty else {
            print(root == nil ? "no referrals recorded in this campaign yet" : "nobody below this member")
            return
        }
        let top = nodes.map(\.depth).min() ?? 0
        let drawn = ReferralRows.depthFirst(nodes).map { node in
            ReferralRows.row(node, member: ReferralRows.indented(node, below: top))
        }
        try output.print(columns: ReferralRows.nodeColumns, rows: drawn)
        print("")
        let members = "\(totals.size) member" + (totals.size == 1 ? "" : "s")
        let levels =
            "\(totals.depth) level" + (totals.depth == 1 ? "" : "s") + " below the root" + (root == nil ? "s" : "")
        let cut = Int64(nodes.count) < totals.size ? "; showing the first \(nodes.count) (raise --limit)" : ""
        print(members + ", " + levels + cut)
    }
}

/// Checks of the referral commands' arguments, before any call.
enum ReferralArguments {
    static func checkID(_ text: String, what: String) throws {
        guard UUID(uuidString: text) != nil else { throw ValidationError("\(what) \"\(text)\" is not a UUID") }
    }
}

/// `--referral-reward LEVEL=points:100|yuan:5.00|gift:TEXT` (repeatable) and `--referral-max-depth N`
/// of `hearth campaigns create`, read into the spec's referral rules.
enum ReferralRewardSyntax {
    static let usage = "write LEVEL=points:100, LEVEL=yuan:5.00 or LEVEL=gift:TEXT (level 1: the direct referrer)"

    /// The rules the options give; `nil` when none is given. Only a referral campaign takes them.
    static func rules(rewards: [String], maxDepth: Int?, kind: Hearth_Campaign_V1_CampaignKind) throws
        -> Hearth_Campaign_V1_ReferralRules?
    {
        guard !rewards.isEmpty || maxDepth != nil else { return nil }
        guard kind == .referral else {
            throw ValidationError("--referral-reward and --referral-max-depth go with --kind referral")
        }
        var rules = Hearth_Campaign_V1_ReferralRules()
        var levels = Set<Int32>()
        for text in rewards {
            let entry = try levelReward(text)
            guard levels.insert(entry.level).inserted else {
                throw ValidationError("--referral-reward: level \(entry.level) is rewarded twice")
            }
            rules.levelRewards.append(entry)
        }
        if let maxDepth {
            guard (0...20).contains(maxDepth) else {
                throw ValidationError("--referral-max-depth must be 0 to 20 (0: the deepest rewarded level)")
            }
            rules.maxRewardDepth = Int32(maxDepth)
        }
        return rules
    }

    /// One `LEVEL=KIND:VALUE`.
    static func levelReward(_ text: String) throws -> Hearth_Campaign_V1_LevelReward {
        guard let equals = text.firstIndex(of: "="),
            let level = Int32(text[..<equals].trimmingCharacters(in: .whitespaces)), (1...20).contains(level)
        else {
            throw ValidationError("--referral-reward \"\(text)\": \(usage), with a level from 1 to 20")
        }
        let value = text[text.index(after: equals)...]
        guard let colon = value.firstIndex(of: ":") else {
            throw ValidationError("--referral-reward \"\(text)\": \(usage)")
        }
        let amount = String(value[value.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        var reward = Hearth_Campaign_V1_Reward()
        switch value[..<colon].trimmingCharacters(in: .whitespaces).lowercased() {
        case "points":
            guard let points = Int64(amount), points >= 0 else {
                throw ValidationError("--referral-reward \"\(text)\": points are a whole number, 0 or more")
            }
            reward.points = points
        case "yuan":
            var money = Hearth_Common_V1_Money()
            money.amountFen = try CampaignArgumentText.fen(yuan: amount, option: "--referral-reward")
            reward.money = money
        case "gift":
            guard (1...200).contains(amount.unicodeScalars.count) else {
                throw ValidationError("--referral-reward \"\(text)\": describe the gift in 1 to 200 characters")
            }
            reward.gift = amount
        default:
            throw ValidationError("--referral-reward \"\(text)\": \(usage)")
        }
        var entry = Hearth_Campaign_V1_LevelReward()
        entry.level = level
        entry.reward = reward
        return entry
    }
}
