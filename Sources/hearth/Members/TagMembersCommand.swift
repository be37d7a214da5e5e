import ArgumentParser
import HearthProtos

/// `hearth members tag|untag`: adds or removes tags on listed members or on everyone a filter picks.
struct TagMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Add tags to members chosen by id or by filter.")

    @OptionGroup var selection: MemberSelectionOptions
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_TagMembersRequest()
        request.selection = selection.selection
        request.tags = selection.tags
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.tagMembers(request, options: options)
        }
        try output.print(facts: ["matched": "\(response.matchedCount)", "changed": "\(response.changedCount)"])
        selection.warnAboutUnmatchedIDs(matched: response.matchedCount)
    }
}

struct UntagMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag", abstract: "Remove tags from members chosen by id or by filter.")

    @OptionGroup var selection: MemberSelectionOptions
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_UntagMembersRequest()
        request.selection = selection.selection
        request.tags = selection.tags
        let options = service.callOptions
        let response = try await service.withClient { client in
            try await client.untagMembers(request, options: options)
        }
        try output.print(facts: ["matched": "\(response.matchedCount)", "changed": "\(response.changedCount)"])
        selection.warnAboutUnmatchedIDs(matched: response.matchedCount)
    }
}

/// Which members a bulk change applies to, and the tags.
struct MemberSelectionOptions: ParsableArguments {
    @Option(name: .customLong("tag"), help: "A tag; repeat for several.") var tags: [String] = []
    @Option(name: .customLong("id"), help: "A member id; repeat for several.") var ids: [String] = []
    @Option(name: .customLong("with-tag"), help: "Everyone already holding this tag; repeat to require several.")
    var withTags: [String] = []
    @OptionGroup(title: "Filters") var filters: MemberFilterOptions
    @Flag(name: .customLong("all"), help: "Every member of the tenant (needed when no other filter is given).")
    var all = false

    func validate() throws {
        guard !tags.isEmpty else { throw ValidationError("name at least one --tag") }
        let filtered = !withTags.isEmpty || !filters.isEmpty || all
        guard ids.isEmpty || !filtered else { throw ValidationError("choose members by --id or by filter, not both") }
        guard !ids.isEmpty || filtered else {
            throw ValidationError("choose members: --id, a filter (--province, --with-tag, --stage, …), or --all")
        }
    }

    /// Says on stderr when some `--id`s named no live member: a typo or a merged-away id would
    /// otherwise pass as "matched 0".
    func warnAboutUnmatchedIDs(matched: Int64) {
        let named = Set(ids).count
        guard named > 0, matched < named else { return }
        printError(
            "hearth: warning: \(Int64(named) - matched) of the \(named) ids named no live member "
                + "(unknown, deleted, erased or merged); `hearth members get ID` tells which")
    }

    var selection: Hearth_Member_V1_MemberSelection {
        var selection = Hearth_Member_V1_MemberSelection()
        if ids.isEmpty {
            var filter = filters.apply(to: Hearth_Member_V1_MemberFilter())
            filter.tagsAll = withTags
            selection.filter = filter
        } else {
            selection.memberIds.memberIds = ids
        }
        return selection
    }
}
