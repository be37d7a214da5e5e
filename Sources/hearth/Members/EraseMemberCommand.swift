import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth members erase`: a PIPL deletion request, carried out for good.
struct EraseMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a member's personal data for good (irreversible); anonymous history stays for totals.",
        discussion: """
            The profile is scrubbed (name replaced, phone, email, region, tags cleared), handles and current consents \
            are deleted, and profiles merged into the member are erased with it. Events, orders and group counts stay, \
            tied to an id that names no one. Needs the admin role and --yes.
            """)

    @Argument(help: "The member's id.") var id: String
    @Option(help: "Why, kept with the erasure, e.g. \"PIPL request 2025-031\".") var reason: String
    @Flag(help: "Confirm: erasure cannot be undone.") var yes = false
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard yes else { throw ValidationError("erasing member \(id) cannot be undone; add --yes to confirm") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason must say why, e.g. the request's reference")
        }
    }

    func run() async throws {
        var request = Hearth_Member_V1_EraseMemberRequest()
        request.memberID = id
        request.reason = reason
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.eraseMember(request, options: options)
        }
        try output.print(facts: [
            "member": response.memberID,
            "erased": response.hasErasedAt ? MemberRows.timestamp(response.erasedAt.date) : "",
        ])
    }
}
