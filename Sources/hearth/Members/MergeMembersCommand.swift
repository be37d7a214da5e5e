import ArgumentParser
import Foundation
import HearthProtos

/// `hearth members merge`: folds a duplicate profile into the one that stays.
struct MergeMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold one member into another: handles, tags, events, groups and consents (a refusal wins) move over."
    )

    @Argument(help: "The member that stays.") var survivor: String
    @Argument(help: "The member folded into it; it then only points at the survivor.") var merged: String
    @Option(help: "Why, for the record.") var reason: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard survivor != merged else { throw ValidationError("the survivor and the merged member must differ") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_MergeMembersRequest()
        request.survivorMemberID = survivor
        request.mergedMemberID = merged
        request.reason = reason ?? ""
        // One key per invocation: a retry of this call inside the client never merges twice.
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.mergeMembers(request, options: options)
        }
        try output.print(
            columns: MemberRows.columns + ["merge"], rows: [MemberRows.row(response.survivor) + [response.mergeID]])
    }
}
