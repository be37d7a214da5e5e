import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import HearthWire
import SwiftProtobuf

/// `hearth campaigns lottery …`: a lottery anyone can audit, from the seed's commitment to a
/// verification that recomputes the draw on the operator's own machine.
struct LotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Run a lottery anyone can audit: commit a seed, take entries, draw, reveal, verify.",
        discussion: """
            A lottery campaign (`hearth campaigns create NAME --kind lottery --lottery-closes TIME --winners N \
            --prize TEXT`) draws its winners from a secret seed and the list of entries (algorithm hearth-lottery-v1):
              commit   before entries close: the service picks a random seed and publishes its SHA-256
              enter    while the campaign is running and entries are open: one entry per member, numbered 1…n
              draw     once entries closed: the winners, from the seed and the SHA-256 of the entry list
              reveal   after the draw: the seed is published
              verify   anyone re-checks the seed against its hash, the entry list against its digest, and the
                       winners, recomputed on this machine
            `show` prints the public state (the seed only once revealed), `entries` the canonical entry list. \
            Repeating commit, enter, draw or reveal shows the first result again; it never draws twice.
            """,
        subcommands: [
            CommitLotteryCommand.self, EnterLotteryCommand.self, DrawLotteryCommand.self, RevealLotteryCommand.self,
            ShowLotteryCommand.self, LotteryEntriesCommand.self, VerifyLotteryCommand.self,
        ])
}

/// How lotteries print: the state, its winners and its entries, times in UTC.
enum LotteryRows {
    static let stateColumns = [
        "campaign", "algorithm", "seed_hash", "committed", "entries_close", "entry_count", "entries_digest", "drawn",
        "seed", "revealed",
    ]
    static let winnerColumns = ["rank", "entry_number", "member", "prize"]
    static let entryColumns = ["entry_number", "member", "entered"]

    static func stateRow(_ state: Hearth_Campaign_V1_LotteryState) -> [String] {
        [
            state.campaignID, state.algorithm, state.seedHash, time(state.hasCommittedAt, state.committedAt),
            time(state.hasEntriesCloseAt, state.entriesCloseAt), "\(state.entryCount)", state.entriesDigest,
            time(state.hasDrawnAt, state.drawnAt), state.seed, time(state.hasRevealedAt, state.revealedAt),
        ]
    }

    static func winnerRow(_ winner: Hearth_Campaign_V1_LotteryWinner) -> [String] {
        ["\(winner.rank)", "\(winner.entryNumber)", winner.memberID, winner.prize]
    }

    static func entryRow(_ entry: Hearth_Campaign_V1_LotteryEntry) -> [String] {
        ["\(entry.entryNumber)", entry.memberID, time(entry.hasEnteredAt, entry.enteredAt)]
    }

    static func time(_ present: Bool, _ timestamp: Google_Protobuf_Timestamp) -> String {
        present ? CampaignArgumentText.timestamp(timestamp.date, in: nil) : ""
    }

    /// As a table: the state's facts, then the winners. As JSON or CSV: one row per winner with
    /// the state's columns repeated (one row with empty winner columns before the draw).
    static func show(_ state: Hearth_Campaign_V1_LotteryState, with output: OutputOptions) throws {
        guard output.output == .table else {
            let winners = state.winners.isEmpty ? [nil] : state.winners.map { Optional($0) }
            try output.print(
                columns: stateColumns + winnerColumns,
                rows: winners.map { winner in
                    stateRow(state) + (winner.map(winnerRow) ?? winnerColumns.map { _ in "" })
                })
            return
        }
        let width = stateColumns.map(\.count).max() ?? 0
        for (column, value) in zip(stateColumns, stateRow(state)) where !value.isEmpty {
            print(column.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        print("")
        if state.winners.isEmpty {
            print(state.hasDrawnAt ? "no winners: nobody entered" : "not drawn yet")
        } else {
            try output.print(columns: winnerColumns, rows: state.winners.map(winnerRow))
        }
    }
}

struct CommitLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "Commit to a secret seed before entries close; its SHA-256 is published at once.",
        discussion: "Committing again shows the same commitment; the seed never changes once committed.")

    @Argument(help: "The lottery campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_CommitLotterySeedRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let state = try await service.withClient { client in
            try await client.commitLotterySeed(request, options: options).lottery
        }
        try LotteryRows.show(state, with: output)
    }
}

struct EnterLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enter",
        abstract: "Enter a member into a running lottery whose entries are open.",
        discussion: "A member enters once; entering again prints the member's existing entry.")

    @Argument(help: "The lottery campaign's id.") var id: String
    @Argument(help: "The member's id.") var member: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_EnterLotteryRequest()
        request.campaignID = id
        request.memberID = member
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let entry = try await service.withClient { client in
            try await client.enterLottery(request, options: options).entry
        }
        try output.print(columns: LotteryRows.entryColumns, rows: [LotteryRows.entryRow(entry)])
    }
}

struct DrawLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw the winners once entries have closed.",
        discussion: """
            Needs a seed committed before entries closed (otherwise the draw could not be audited). Drawing again \
            prints the same winners.
            """)

    @Argument(help: "The lottery campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_DrawLotteryRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let state = try await service.withClient { client in
            try await client.drawLottery(request, options: options).lottery
        }
        try LotteryRows.show(state, with: output)
    }
}

struct RevealLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reveal",
        abstract: "Publish the seed after the draw, so anyone can verify it.")

    @Argument(help: "The lottery campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_RevealLotterySeedRequest()
        request.campaignID = id
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let state = try await service.withClient { client in
            try await client.revealLotterySeed(request, options: options).lottery
        }
        try LotteryRows.show(state, with: output)
    }
}

struct ShowLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a lottery's public state: commitment, entry count and digest, winners, the seed once revealed.")

    @Argument(help: "The lottery campaign's id.") var id: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_GetLotteryRequest()
        request.campaignID = id
        let options = service.callOptions
        let state = try await service.withClient { client in
            try await client.getLottery(request, options: options).lottery
        }
        try LotteryRows.show(state, with: output)
    }
}

struct LotteryEntriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "List a lottery's canonical entry list by entry number.")

    @Argument(help: "The lottery campaign's id.") var id: String
    @Option(help: "At most this many entries (all pages are fetched until then).") var limit: Int = 1_000
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListLotteryEntriesRequest()
        request.campaignID = id
        let (options, limit) = (service.callOptions, self.limit)
        let entries = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listLotteryEntries(request, options: options)
                return (response.entries, response.page)
            }
        }
        try output.print(columns: LotteryRows.entryColumns, rows: entries.map(LotteryRows.entryRow))
    }
}

struct VerifyLotteryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check a drawn and revealed lottery; exits 1 when any check fails.",
        discussion: """
            By default the draw is recomputed here, on this machine, from what the service publishes (the lottery's \
            state, every page of its entry list and the campaign's lottery rules), with HearthDomain's LotteryDraw:
              seed matches commitment          SHA-256 of the revealed seed equals the published seed hash
              seed committed before close      the commitment predates the close of entries
              entry list is canonical          entries numbered 1…n, as many as the lottery counts
              entries match digest             SHA-256 of the canonical entry list equals the entries digest
              winners match                    the winners recomputed from seed and entries are the published ones
            The service's own recomputation (VerifyLottery) is printed below them for comparison and must agree. \
            With --server only the service's answer is printed and checked: quicker, but it trusts the service.
            """)

    @Argument(help: "The lottery campaign's id.") var id: String
    @Flag(help: "Check only the service's own recomputation instead of recomputing here.") var server = false
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    /// What the service publishes about a lottery: enough to recompute it without trusting the service.
    struct Published: Sendable {
        var rules: Hearth_Campaign_V1_LotteryRules?
        var state: Hearth_Campaign_V1_LotteryState
        var entries: [Hearth_Campaign_V1_LotteryEntry]
    }

    /// One line of the report.
    struct Check {
        var name: String
        var passed: Bool
        var detail: String
    }

    func run() async throws {
        var verify = Hearth_Campaign_V1_VerifyLotteryRequest()
        verify.campaignID = id
        let (options, serverOnly, campaignID) = (service.callOptions, server, id)
        // The service answers FAILED_PRECONDITION before the reveal; that ends the command with its reason.
        let (answer, published) = try await service.withClient {
            client -> (Hearth_Campaign_V1_VerifyLotteryResponse, Published?) in
            let answer = try await client.verifyLottery(verify, options: options)
            guard !serverOnly else { return (answer, nil) }
            var get = Hearth_Campaign_V1_GetCampaignRequest()
            get.campaignID = campaignID
            let campaign = try await client.getCampaign(get, options: options).campaign
            var lottery = Hearth_Campaign_V1_GetLotteryRequest()
            lottery.campaignID = campaignID
            let state = try await client.getLottery(lottery, options: options).lottery
            var list = Hearth_Campaign_V1_ListLotteryEntriesRequest()
            list.campaignID = campaignID
            let entries = try await collectPages(limit: Int.max) { page in
                var request = list
                request.page = page
                let response = try await client.listLotteryEntries(request, options: options)
                return (response.entries, response.page)
            }
            var rules: Hearth_Campaign_V1_LotteryRules?
            if case .lotteryRules(let lotteryRules)? = campaign.spec.kindRules { rules = lotteryRules }
            return (answer, Published(rules: rules, state: state, entries: entries))
        }
        var checks: [Check] = []
        var recomputed: [LotteryDraw.Winner] = []
        if let published {
            (checks, recomputed) = Self.localChecks(published)
        }
        let by = "VerifyLottery, recomputed by campaign-service"
        checks += [
            Check(name: "service: seed matches commitment", passed: answer.seedMatchesCommitment, detail: by),
            Check(name: "service: entries match digest", passed: answer.entriesMatchDigest, detail: by),
            Check(name: "service: winners match", passed: answer.winnersMatch, detail: by),
        ]
        try output.print(
            columns: ["check", "result", "detail"],
            rows: checks.map { [$0.name, $0.passed ? "ok" : "FAILED", $0.detail] })
        let failed = checks.filter { !$0.passed }
        if output.output == .table, let published, !recomputed.isEmpty,
            failed.contains(where: { $0.name == "winners match" })
        {
            print("")
            print("recomputed winners (published: \(published.state.winners.count)):")
            try output.print(
                columns: LotteryRows.winnerColumns,
                rows: recomputed.map { ["\($0.rank)", "\($0.entryNumber)", $0.memberID.description, $0.prize] })
        }
        guard failed.isEmpty else {
            printError("hearth: lottery \(campaignID) does not verify: " + failed.map(\.name).joined(separator: "; "))
            throw ExitCode(1)
        }
    }

    /// The checks recomputed here, and the winners this machine draws.
    static func localChecks(_ published: Published) -> ([Check], [LotteryDraw.Winner]) {
        let state = published.state
        var checks: [Check] = []
        guard let rules = published.rules else {
            return ([Check(name: "lottery rules", passed: false, detail: "the campaign has no lottery rules")], [])
        }
        guard let seed = LotterySeed(hex: state.seed), !state.seed.isEmpty else {
            let detail = "the published seed \"\(state.seed)\" is not hex"
            return ([Check(name: "seed matches commitment", passed: false, detail: detail)], [])
        }
        var entries: [LotteryDraw.Entry] = []
        var unreadable: [Int64] = []
        for entry in published.entries {
            if let member = MemberID(entry.memberID) {
                entries.append(LotteryDraw.Entry(entryNumber: entry.entryNumber, memberID: member))
            } else {
                unreadable.append(entry.entryNumber)
            }
        }
        let domainRules = LotteryRules(
            entriesCloseAt: rules.entriesCloseAt.date, winnerCount: Int(rules.winnerCount), prizes: rules.prizes)
        let publishedWinners = state.winners.compactMap { winner in
            MemberID(winner.memberID).map {
                LotteryDraw.Winner(
                    rank: Int(winner.rank), entryNumber: winner.entryNumber, memberID: $0, prize: winner.prize)
            }
        }
        let result = LotteryDraw.verify(
            seed: seed.bytes, seedHash: state.seedHash, entries: entries, entriesDigest: state.entriesDigest,
            recordedWinners: publishedWinners, rules: domainRules, digest: SHA256Digest.hash)

        checks.append(
            Check(
                name: "seed matches commitment", passed: result.seedMatchesCommitment,
                detail: "SHA-256(seed) = \(SHA256Digest.hex(seed.bytes)); committed \(state.seedHash)"))
        let committed = LotteryRows.time(state.hasCommittedAt, state.committedAt)
        let close = LotteryRows.time(rules.hasEntriesCloseAt, rules.entriesCloseAt)
        checks.append(
            Check(
                name: "seed committed before close",
                passed: state.hasCommittedAt && state.committedAt.date < rules.entriesCloseAt.date,
                detail: "committed \(committed); entries closed \(close)"))
        var canonical = "\(entries.count) entries, numbered 1…\(entries.count)"
        if !unreadable.isEmpty {
            canonical = "entries \(unreadable.map { String($0) }.joined(separator: ", ")) name no member id"
        } else if let problem = result.problem {
            canonical = problem
        } else if Int64(entries.count) != state.entryCount {
            canonical = "\(entries.count) entries listed, but the lottery counts \(state.entryCount)"
        }
        checks.append(
            Check(
                name: "entry list is canonical",
                passed: unreadable.isEmpty && result.problem == nil && Int64(entries.count) == state.entryCount,
                detail: canonical))
        checks.append(
            Check(
                name: "entries match digest", passed: result.entriesMatchDigest,
                detail: "SHA-256(entry list) = \(LotteryDraw.entriesDigest(of: entries, digest: SHA256Digest.hash)); "
                    + "published \(state.entriesDigest)"))
        checks.append(
            Check(
                name: "winners match", passed: result.winnersMatch && publishedWinners.count == state.winners.count,
                detail: "\(result.recomputedWinners.count) recomputed, \(state.winners.count) published"))
        return (checks, result.recomputedWinners)
    }
}

/// `hearth campaigns create`'s lottery options: `--lottery-closes`, `--winners`, `--prize`.
enum LotteryRulesSyntax {
    /// The lottery rules the options give; `nil` when none is given. A ValidationError names the
    /// option at fault.
    static func rules(
        closes: String?, winners: Int?, prizes: [String], kind: Hearth_Campaign_V1_CampaignKind, timeZone: String?
    ) throws -> Hearth_Campaign_V1_LotteryRules? {
        guard closes != nil || winners != nil || !prizes.isEmpty else { return nil }
        guard kind == .lottery else {
            throw ValidationError("--lottery-closes, --winners and --prize go with --kind lottery")
        }
        guard let closes, let winners else {
            throw ValidationError("a lottery needs both --lottery-closes (when entries close) and --winners")
        }
        guard (1...10_000).contains(winners) else { throw ValidationError("--winners must be 1 to 10000") }
        guard prizes.count <= winners else {
            throw ValidationError("\(prizes.count) prizes for \(winners) winners; give at most one --prize per winner")
        }
        let trimmed = prizes.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let index = trimmed.firstIndex(where: { !(1...200).contains($0.unicodeScalars.count) }) {
            throw ValidationError("--prize \(index + 1) needs 1 to 200 characters")
        }
        var rules = Hearth_Campaign_V1_LotteryRules()
        rules.entriesCloseAt = Google_Protobuf_Timestamp(
            date: try CampaignArgumentText.instant(closes, option: "--lottery-closes", timeZone: timeZone))
        rules.winnerCount = Int32(winners)
        rules.prizes = trimmed
        return rules
    }
}
