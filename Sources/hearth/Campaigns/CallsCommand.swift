import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns calls build|lists|entries|record`: recruitment call lists, split among the
/// customer-service agents who call, and what each call came to.
struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Recruitment call lists: build them, split among agents, and record each call's outcome.",
        discussion: """
            `build` takes a recruitment campaign's segment, leaves out members already active in its community, gone, \
            without a phone or without consent to phone calls, and deals the rest round robin to the agents. Agents \
            (tokens with the agent role and their operator id) see and record only their own entries. An entry \
            starts pending; joined is final.
            """,
        subcommands: [
            BuildCallListCommand.self, ListCallListsCommand.self, CallListEntriesCommand.self,
            RecordCallOutcomeCommand.self,
        ])
}

/// How call lists print: one row each, the agents' shares as `agent=count` pairs.
enum CallListRows {
    static let columns = ["id", "campaign", "entries", "agents", "created"]

    static func row(_ list: Hearth_Campaign_V1_CallList) -> [String] {
        [
            list.callListID, list.campaignID, "\(list.entryCount)",
            list.agents.map { "\($0.agentOperatorID)=\($0.entryCount)" }.joined(separator: ";"),
            list.hasCreatedAt ? MemberRows.timestamp(list.createdAt.date) : "",
        ]
    }
}

/// How call list entries print: one row each.
enum CallEntryRows {
    static let columns = ["entry", "member", "name", "phone", "agent", "outcome", "attempts", "called", "note"]

    static func row(_ entry: Hearth_Campaign_V1_CallListEntry) -> [String] {
        [
            entry.entryID, entry.memberID, entry.displayName, entry.phone, entry.agentOperatorID,
            EnumArgument.text(entry.outcome), "\(entry.attempts)",
            entry.hasCalledAt ? MemberRows.timestamp(entry.calledAt.date) : "", entry.note,
        ]
    }
}

struct BuildCallListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a call list from a recruitment campaign's audience, split evenly among agents.",
        discussion: "Without --agent, every enabled agent of the tenant gets a share. Each run builds a new list.")

    @Argument(help: "The recruitment campaign's id.") var campaign: String
    @Option(name: .customLong("agent"), help: "An agent's operator id; repeat for several (default: every agent).")
    var agents: [String] = []
    @Option(name: .customLong("max"), help: "At most this many entries (default: the whole reachable audience).")
    var maxEntries: Int?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let maxEntries, maxEntries < 1 { throw ValidationError("--max must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_BuildCallListRequest()
        request.campaignID = campaign
        request.agentOperatorIds = agents
        request.maxEntries = Int64(maxEntries ?? 0)
        // One key per invocation: a retry of the call inside the client never builds a second list.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let list = try await service.withClient { client in
            try await client.buildCallList(request, options: options).callList
        }
        try output.print(columns: CallListRows.columns, rows: [CallListRows.row(list)])
    }
}

struct ListCallListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "List a campaign's call lists, newest first.")

    @Argument(help: "The campaign's id.") var campaign: String
    @Option(help: "At most this many lists (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListCallListsRequest()
        request.campaignID = campaign
        let (options, limit) = (service.callOptions, self.limit)
        let lists = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listCallLists(request, options: options)
                return (response.callLists, response.page)
            }
        }
        try output.print(columns: CallListRows.columns, rows: lists.map(CallListRows.row))
    }
}

struct CallListEntriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "List a call list's entries: an agent's own, or (for operators) anyone's.",
        discussion: "With an agent's token, only that agent's entries are shown, whatever --agent says.")

    @Argument(help: "The call list's id.") var list: String
    @Option(help: "Only this agent's entries (an operator id).") var agent: String?
    @Option(
        name: .customLong("outcome"),
        help: "Only entries at these outcomes, comma-separated or repeated (e.g. pending,not_reached).")
    var outcomeTexts: [String] = []
    @Option(help: "At most this many entries (all pages are fetched until then).") var limit: Int = 1_000
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    typealias Outcome = EnumArgument<Hearth_Common_V1_CallOutcome>

    /// The names every `--outcome` gives, split at commas.
    var outcomeNames: [String] {
        outcomeTexts.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        for name in outcomeNames where Outcome(argument: name) == nil {
            throw ValidationError(
                "--outcome \(name) is not one of " + Outcome.allValueStrings.joined(separator: ", "))
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_ListCallListEntriesRequest()
        request.callListID = list
        request.agentOperatorID = agent ?? ""
        request.outcomes = outcomeNames.compactMap { Outcome(argument: $0)?.value }
        let (options, limit) = (service.callOptions, self.limit)
        let entries = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.listCallListEntries(request, options: options)
                return (response.entries, response.page)
            }
        }
        try output.print(columns: CallEntryRows.columns, rows: entries.map(CallEntryRows.row))
    }
}

struct RecordCallOutcomeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record what a call came to: not_reached, declined, invited or joined (final).",
        discussion: "Each record counts one more attempt; a member not reached may be called and recorded again.")

    @Argument(help: "The entry's id.") var entry: String
    @Option(help: "not_reached, declined, invited or joined.") var outcome: EnumArgument<Hearth_Common_V1_CallOutcome>
    @Option(help: "A note for the next call or the operator (at most 2000 characters).") var note: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard outcome.value != .pending else {
            throw ValidationError(
                "--outcome pending is where entries start; record not_reached, declined, invited or joined")
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_RecordCallOutcomeRequest()
        request.entryID = entry
        request.outcome = outcome.value
        request.note = note ?? ""
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let recorded = try await service.withClient { client in
            try await client.recordCallOutcome(request, options: options).entry
        }
        try output.print(columns: CallEntryRows.columns, rows: [CallEntryRows.row(recorded)])
    }
}
