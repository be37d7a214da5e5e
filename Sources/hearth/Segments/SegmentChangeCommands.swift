import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

struct UpdateSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Rename a segment or change a dynamic segment's rule.")

    @Argument(help: "The segment's id.") var id: String
    @Option(help: "A new name.") var name: String?
    @Option(help: "A new rule (dynamic segments only).") var rule: String?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard name != nil || rule != nil else { throw ValidationError("give --name and/or --rule") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_UpdateSegmentRequest()
        request.segmentID = id
        if let name {
            request.segment.name = name
            request.updateMask.paths.append("name")
        }
        if let rule {
            request.segment.ruleText = rule
            request.updateMask.paths.append("rule_text")
        }
        let options = service.callOptions
        let segment = try await service.withClient { client in
            try await client.updateSegment(request, options: options).segment
        }
        try output.print(columns: SegmentRows.columns, rows: [SegmentRows.row(segment)])
    }
}

struct DeleteSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a segment no campaign or other segment uses.")

    @Argument(help: "The segment's id.") var id: String
    @OptionGroup var service: MemberServiceOptions

    func run() async throws {
        var request = Hearth_Member_V1_DeleteSegmentRequest()
        request.segmentID = id
        let options = service.callOptions
        _ = try await service.withClient { client in
            try await client.deleteSegment(request, options: options)
        }
        printError("deleted segment \(id)")
    }
}

struct SnapshotSegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Freeze a segment's current members into a new static segment.")

    @Argument(help: "The segment to freeze (its id).") var id: String
    @Option(help: "The new static segment's name.") var name: String
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_SnapshotSegmentRequest()
        request.sourceSegmentID = id
        request.name = name
        // Freezing millions of members takes longer than a lookup.
        let options = service.callOptions(defaultTimeout: .seconds(600))
        let segment = try await service.withClient { client in
            try await client.snapshotSegment(request, options: options).segment
        }
        try output.print(columns: SegmentRows.columns, rows: [SegmentRows.row(segment)])
    }
}

struct SegmentMembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "List every member of a segment, streamed (any size; pipe --output csv to a file).")

    @Argument(help: "The segment's id.") var id: String
    @Option(help: "At most this many members (default: all).") var limit: Int?
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var request = Hearth_Member_V1_StreamMembersRequest()
        request.filter.segmentID = id
        let options = service.callOptions(defaultTimeout: nil)
        let (output, limit) = (self.output, self.limit ?? .max)
        let count = try await service.withClient { client in
            try await client.streamMembers(request, options: options) { response in
                var count = 0
                var printer = output.streamPrinter(columns: MemberRows.columns)
                reading: for try await message in response.messages {
                    for member in message.members {
                        guard count < limit else { break reading }
                        try printer.print(MemberRows.row(member))
                        count += 1
                    }
                }
                try printer.finish()
                return count
            }
        }
        if output.output == .table { printError("\(count) members") }
    }
}
