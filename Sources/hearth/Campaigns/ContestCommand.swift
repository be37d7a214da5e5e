import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns contest …`: members' entries, votes or judges' scores, and the winners of a
/// contest campaign, through campaign-service.
struct ContestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contest",
        abstract: "Run a contest: members' entries, their votes or the judges' scores, and the winners.",
        discussion: """
            A contest's rules come with `hearth campaigns create --kind contest --contest-scoring votes|judges \
            --contest-winners N [--entries-close …] [--voting-close …] [--votes-per-member N]`. Members enter \
            while the campaign runs and entries are open (one entry each); with votes, members vote until voting \
            closes (one vote per entry, never their own); with judges, operators score entries 0 to 100 (a new \
            score replaces the judge's earlier one) and entries rank by the average. Entries rank highest first; \
            ties go to the earlier entry. `winners` records the winners once the ranking is final.
            """,
        subcommands: [
            EnterContestCommand.self, ListContestEntriesCommand.self, VoteContestEntryCommand.self,
            ScoreContestEntryCommand.self, DeclareContestWinnersCommand.self,
        ])
}

/// How contest entries print: one row each.
enum ContestEntryRows {
    static let columns = [
        "rank", "id", "member", "title", "votes", "score", "judges", "submitted", "content", "media_urls",
    ]

    static func row(_ entry: Hearth_Campaign_V1_ContestEntry) -> [String] {
        [
            entry.winnerRank == 0 ? "" : "\(entry.winnerRank)", entry.entryID, entry.memberID, entry.title,
            "\(entry.voteCount)", entry.judgeCount == 0 ? "" : String(format: "%.2f", entry.judgeScore),
            "\(entry.judgeCount)",
            entry.hasSubmittedAt ? CampaignArgumentText.timestamp(entry.submittedAt.date, in: nil) : "",
            entry.content, entry.mediaUrls.joined(separator: " "),
        ]
    }
}

struct EnterContestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enter", abstract: "Submit a member's entry (one per member) while entries are open.")

    @Argument(help: "The contest campaign's id.") var campaign: String
    @Option(help: "The member who enters.") var member: String
    @Option(help: "The entry's title, 1 to 200 characters.") var title: String
    @Option(help: "The entry as text (a slogan, a story); @PATH reads it from a file.") var content: String?
    @Option(name: .customLong("media-url"), help: "A link to a photo, video or post, http(s); repeat for several.")
    var mediaURLs: [String] = []
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try TaskArguments.id(campaign, what: "campaign")
        _ = try TaskArguments.id(member, what: "member", option: "--member")
        guard (1...200).contains(title.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars.count) else {
            throw ValidationError("--title has 1 to 200 characters")
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_SubmitContestEntryRequest()
        request.campaignID = try TaskArguments.id(campaign, what: "campaign")
        request.memberID = try TaskArguments.id(member, what: "member", option: "--member")
        request.title = title
        request.content = try content.map(Self.text) ?? ""
        request.mediaUrls = mediaURLs
        // One key per invocation: a retry inside the client gets the same entry back.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let entry = try await service.withClient { client in
            try await client.submitContestEntry(request, options: options).entry
        }
        try output.print(columns: ContestEntryRows.columns, rows: [ContestEntryRows.row(entry)])
    }

    /// The text itself, or a file's contents for `@PATH`.
    static func text(_ argument: String) throws -> String {
        guard argument.hasPrefix("@") else { return argument }
        let path = String(argument.dropFirst())
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--content \(argument): cannot read \(path) as UTF-8 text")
        }
        return text
    }
}

struct ListContestEntriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "List a contest's entries with their votes or scores, by ranking (default) or submission.")

    @Argument(help: "The contest campaign's id.") var campaign: String
    @Option(help: "ranking (most votes or highest score first; ties: the earlier entry) or submitted_at.")
    var order: EnumArgument<Hearth_Campaign_V1_ContestEntryOrder>?
    @Option(help: "At most this many entries (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListContestEntriesRequest()
        request.campaignID = campaign
        request.orderBy = order?.value ?? .ranking
        let (options, limit) = (service.callOptions, self.limit)
        let entries = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listContestEntries(request, options: options)
                return (response.entries, response.page)
            }
        }
        try output.print(columns: ContestEntryRows.columns, rows: entries.map(ContestEntryRows.row))
    }
}

struct VoteContestEntryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vote", abstract: "Cast a member's vote for an entry (votes contests).")

    @Argument(help: "The entry's id.") var entry: String
    @Option(help: "The member who votes.") var member: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try TaskArguments.id(entry, what: "contest entry")
        _ = try TaskArguments.id(member, what: "member", option: "--member")
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_CastContestVoteRequest()
        request.entryID = try TaskArguments.id(entry, what: "contest entry")
        request.voterMemberID = try TaskArguments.id(member, what: "member", option: "--member")
        // One key per invocation: a retry inside the client is answered as the first call was.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.castContestVote(request, options: options)
        }
        try output.print(
            columns: ContestEntryRows.columns + ["votes_left"],
            rows: [ContestEntryRows.row(response.entry) + ["\(response.votesLeft)"]])
    }
}

struct ScoreContestEntryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an entry 0 to 100 as the calling operator (judges contests); a new score replaces yours.")

    @Argument(help: "The entry's id.") var entry: String
    @Option(help: "The score, 0 to 100 (decimals allowed).") var score: Double
    @Option(help: "A comment for the other judges.") var comment: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try TaskArguments.id(entry, what: "contest entry")
        guard score.isFinite, (0...100).contains(score) else { throw ValidationError("--score must be 0 to 100") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ScoreContestEntryRequest()
        request.entryID = try TaskArguments.id(entry, what: "contest entry")
        request.score = score
        request.comment = comment ?? ""
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let scored = try await service.withClient { client in
            try await client.scoreContestEntry(request, options: options).entry
        }
        try output.print(columns: ContestEntryRows.columns, rows: [ContestEntryRows.row(scored)])
    }
}

struct DeclareContestWinnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winners",
        abstract: "Declare a contest's winners once its ranking is final, and print them.",
        discussion: """
            The ranking is final when voting closes (votes) or entries close (judges), or when the campaign \
            completed. The winners are recorded once; running this again prints the same winners. Only entries \
            with a vote (or a judge's score) can win.
            """)

    @Argument(help: "The contest campaign's id.") var campaign: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_DeclareContestWinnersRequest()
        request.campaignID = campaign
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let winners = try await service.withClient { client in
            try await client.declareContestWinners(request, options: options).winners
        }
        try output.print(columns: ContestEntryRows.columns, rows: winners.map(ContestEntryRows.row))
    }
}

/// `hearth campaigns create`'s contest options: `--contest-scoring`, `--contest-winners`,
/// `--entries-close`, `--voting-close`, `--votes-per-member`.
enum ContestRulesSyntax {
    /// The contest rules the options give; `nil` when none is given. A ValidationError names the
    /// option at fault.
    static func rules(
        scoring: Hearth_Campaign_V1_ContestScoring?, winners: Int?, entriesClose: String?, votingClose: String?,
        votesPerMember: Int?, kind: Hearth_Campaign_V1_CampaignKind, timeZone: String?
    ) throws -> Hearth_Campaign_V1_ContestRules? {
        guard scoring != nil || winners != nil || entriesClose != nil || votingClose != nil || votesPerMember != nil
        else { return nil }
        guard kind == .contest else {
            throw ValidationError(
                "--contest-scoring, --contest-winners, --entries-close, --voting-close and --votes-per-member go "
                    + "with --kind contest")
        }
        guard let scoring, let winners else {
            throw ValidationError("a contest needs --contest-scoring (votes or judges) and --contest-winners")
        }
        guard (1...1_000).contains(winners) else { throw ValidationError("--contest-winners must be 1 to 1000") }
        var rules = Hearth_Campaign_V1_ContestRules()
        rules.scoring = scoring
        rules.winnerCount = Int32(winners)
        if let votesPerMember {
            guard scoring == .votes else {
                throw ValidationError("--votes-per-member goes with --contest-scoring votes")
            }
            guard (1...100).contains(votesPerMember) else {
                throw ValidationError("--votes-per-member must be 1 to 100")
            }
            rules.votesPerMember = Int32(votesPerMember)
        }
        if let entriesClose {
            rules.entriesCloseAt = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(entriesClose, option: "--entries-close", timeZone: timeZone))
        }
        if let votingClose {
            rules.votingCloseAt = Google_Protobuf_Timestamp(
                date: try CampaignArgumentText.instant(votingClose, option: "--voting-close", timeZone: timeZone))
        }
        if rules.hasEntriesCloseAt, rules.hasVotingCloseAt, rules.votingCloseAt.date < rules.entriesCloseAt.date {
            throw ValidationError("--voting-close cannot come before --entries-close")
        }
        return rules
    }
}
