import ArgumentParser
import HearthProtos

/// `hearth members duplicates`: members that look like one person, ready for `hearth members merge`.
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract:
            "List groups of members sharing a phone, email or other handle (oldest first: the suggested survivor).")

    @Option(name: .customLong("member"), help: "Only the duplicates of this member id.") var memberID: String?
    @Option(help: "At most this many groups (all pages are fetched until then).") var limit: Int = 100
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_FindDuplicatesRequest()
        request.memberID = memberID ?? ""
        let (options, limit) = (service.callOptions, self.limit)
        let groups = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = request
                request.page = page
                let response = try await client.findDuplicates(request, options: options)
                return (response.groups, response.page)
            }
        }
        try output.print(
            columns: ["survivor", "others", "shared"],
            rows: groups.map { group in
                [
                    group.memberIds.first ?? "", group.memberIds.dropFirst().joined(separator: ";"),
                    group.shared.map { IdentityRows.handle($0.kind, $0.value) }.joined(separator: ";"),
                ]
            })
    }
}
