import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth segments …`: rules that pick members out, typed in Hearth's rule language.
struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Create, preview, list, change and freeze segments, and list their members.",
        discussion: """
            Rules combine fields, tags, events and other segments, e.g.
              region.province = "Sichuan" and org_kind in ("pharmacy", "clinic") and (vip_tier >= 1 or tag "core")
              and purchases(last 90d).count >= 1 and not member_of("vip-sichuan")
            """,
        subcommands: [
            CreateSegmentCommand.self, PreviewSegmentCommand.self, ListSegmentsCommand.self, GetSegmentCommand.self,
            SegmentMembersCommand.self,
            UpdateSegmentCommand.self, DeleteSegmentCommand.self, SnapshotSegmentCommand.self,
        ])
}

enum SegmentRows {
    static let columns = ["id", "name", "kind", "rule", "members", "created"]

    static func row(_ segment: Hearth_Member_V1_Segment) -> [String] {
        [
            segment.segmentID, segment.name, segment.kind == .static ? "static" : "dynamic", segment.ruleText,
            segment.kind == .static ? "\(segment.memberCount)" : "",
            segment.hasCreatedAt ? MemberRows.timestamp(segment.createdAt.date) : "",
        ]
    }
}

struct CreateSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Save a rule as a segment.")

    @Argument(help: "The segment's name, unique in the tenant.") var name: String
    @Option(help: "The rule, e.g. 'region.province = \"Sichuan\" and tag \"core\"'.") var rule: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_CreateSegmentRequest()
        request.name = name
        request.ruleText = rule
        let options = service.callOptions
        let segment = try await service.withClient { client in
            try await client.createSegment(request, options: options).segment
        }
        try output.print(columns: SegmentRows.columns, rows: [SegmentRows.row(segment)])
    }
}

struct PreviewSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Count who matches a saved segment or a rule, with a sample.")

    @Argument(help: "A saved segment's id (or give --rule).") var id: String?
    @Option(help: "A rule to try without saving it.") var rule: String?
    @Option(help: "How many matching members to show, 0 to 100.") var sample: Int = 10
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (id == nil) != (rule == nil) else { throw ValidationError("give a segment id or --rule, not both") }
        guard (0...100).contains(sample) else { throw ValidationError("--sample must be 0 to 100") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_PreviewSegmentRequest()
        if let id { request.segmentID = id }
        if let rule { request.ruleText = rule }
        request.sampleSize = Int32(sample)
        let options = service.callOptions
        let started = ContinuousClock.now
        let preview = try await service.withClient { client in
            try await client.previewSegment(request, options: options)
        }
        let elapsed = ContinuousClock.now - started
        if output.output == .table {
            print(
                "\(preview.memberCount) members match  (\(elapsed.formatted(.units(allowed: [.seconds, .milliseconds]))))"
            )
            print("rule: \(preview.normalizedRuleText)")
            if !preview.sample.isEmpty {
                print("")
                try output.print(columns: MemberRows.columns, rows: preview.sample.map(MemberRows.row))
            }
        } else {
            try output.print(
                columns: ["member_count", "normalized_rule"] + MemberRows.columns.map { "sample_" + $0 },
                rows: (preview.sample.isEmpty ? [nil] : preview.sample.map { Optional($0) }).map { member in
                    ["\(preview.memberCount)", preview.normalizedRuleText]
                        + (member.map(MemberRows.row) ?? MemberRows.columns.map { _ in "" })
                })
        }
    }
}

struct GetSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one segment: its rule, kind, snapshot and who made it.")

    @Argument(help: "The segment's id.") var id: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_GetSegmentRequest()
        request.segmentID = id
        let options = service.callOptions
        let segment = try await service.withClient { client in
            try await client.getSegment(request, options: options).segment
        }
        let isStatic = segment.kind == .static
        try output.print(facts: [
            "id": segment.segmentID,
            "name": segment.name,
            "kind": isStatic ? "static" : "dynamic",
            "rule": segment.ruleText,
            "snapshot_at": isStatic && segment.hasSnapshotAt ? MemberRows.timestamp(segment.snapshotAt.date) : "",
            "members": isStatic ? "\(segment.memberCount)" : "",
            "created_by": segment.createdBy,
            "created": segment.hasCreatedAt ? MemberRows.timestamp(segment.createdAt.date) : "",
            "updated": segment.hasUpdatedAt ? MemberRows.timestamp(segment.updatedAt.date) : "",
        ])
    }
}

struct ListSegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List segments by name.")

    @Option(help: "Only names containing this.") var query: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_ListSegmentsRequest()
        request.query = query ?? ""
        let options = service.callOptions
        let segments = try await service.withClient { client in
            try await collectPages(limit: .max) { page in
                var request = request
                request.page = page
                let response = try await client.listSegments(request, options: options)
                return (response.segments, response.page)
            }
        }
        try output.print(columns: SegmentRows.columns, rows: segments.map(SegmentRows.row))
    }
}
