import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Segments: rules operators type, saved by name, and who matches them right now.
extension MemberAPI {
    public func createSegment(
        request: Hearth_Member_V1_CreateSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_CreateSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let rule = try SegmentRule.parse(request.ruleText)
            let segment = try await segments.create(
                name: request.name, ruleText: request.ruleText, rule: rule, tenant: caller.tenant)
            var response = Hearth_Member_V1_CreateSegmentResponse()
            response.segment = SegmentMessages.segment(segment)
            return response
        }
    }

    public func getSegment(
        request: Hearth_Member_V1_GetSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_GetSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try SegmentMessages.segmentID(request.segmentID)
            guard let segment = try await segments.segment(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no segment \(id) in this tenant")
            }
            var response = Hearth_Member_V1_GetSegmentResponse()
            response.segment = SegmentMessages.segment(segment)
            return response
        }
    }

    public func listSegments(
        request: Hearth_Member_V1_ListSegmentsRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_ListSegmentsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let kind: Segment.Kind? =
                switch request.kind {
                case .dynamic: .dynamic
                case .static: .static
                default: nil
                }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let after = try SegmentMessages.pageCursor(request.page.cursor)
            let page = try await segments.list(
                tenant: caller.tenant, nameContaining: request.query.isEmpty ? nil : request.query, kind: kind,
                afterName: after, limit: pageSize)
            var response = Hearth_Member_V1_ListSegmentsResponse()
            response.segments = page.segments.map(SegmentMessages.segment)
            if page.more, let last = page.segments.last {
                response.page.nextCursor = Data(last.name.utf8).base64EncodedString()
            }
            return response
        }
    }

    public func previewSegment(
        request: Hearth_Member_V1_PreviewSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_PreviewSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let rule: SegmentRule
            switch request.source {
            case .ruleText(let text):
                rule = try SegmentRule.parse(text)
            case .segmentID(let text):
                let id = try SegmentMessages.segmentID(text)
                guard let segment = try await segments.segment(id, tenant: caller.tenant) else {
                    throw RPCError(code: .notFound, message: "no segment \(id) in this tenant")
                }
                // A static segment is its frozen list: preview it as membership of itself.
                rule = segment.rule.flatMap { segment.kind == .dynamic ? $0 : nil } ?? .memberOf(segment: segment.name)
            case nil:
                throw RPCError(
                    code: .invalidArgument, message: "give either segment_id or rule_text", reason: "missing_source",
                    fields: ["source": "empty"])
            }
            guard (0...100).contains(request.sampleSize) else {
                throw RPCError(
                    code: .invalidArgument, message: "sample_size must be 0 to 100", reason: "out_of_range",
                    fields: ["sample_size": "0 to 100"])
            }
            let preview = try await segments.preview(
                rule: rule, tenant: caller.tenant, sampleSize: Int(request.sampleSize))
            var response = Hearth_Member_V1_PreviewSegmentResponse()
            response.memberCount = preview.count
            response.sample = preview.sample.map(MemberMessages.member)
            response.normalizedRuleText = rule.description
            return response
        }
    }
}

/// Mapping between segment messages and the domain.
enum SegmentMessages {
    static func segment(_ segment: Segment) -> Hearth_Member_V1_Segment {
        var message = Hearth_Member_V1_Segment()
        message.segmentID = segment.id.description
        message.name = segment.name
        message.kind = segment.kind == .dynamic ? .dynamic : .static
        message.ruleText = segment.ruleText ?? ""
        message.createdAt = Google_Protobuf_Timestamp(date: segment.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: segment.updatedAt)
        if let at = segment.snapshotAt { message.snapshotAt = Google_Protobuf_Timestamp(date: at) }
        message.memberCount = segment.memberCount ?? 0
        return message
    }

    /// The name a ListSegments page ended at.
    static func pageCursor(_ text: String) throws(RPCError) -> String? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let name = String(data: data, encoding: .utf8) else {
            throw RPCError(
                code: .invalidArgument, message: "page.cursor is not a cursor this service issued",
                reason: "invalid_cursor", fields: ["page.cursor": "not issued by ListSegments"])
        }
        return name
    }

    static func segmentID(_ text: String, field: String = "segment_id") throws(RPCError) -> SegmentID {
        guard let id = SegmentID(text) else {
            throw RPCError(
                code: .invalidArgument, message: "\(field) \"\(text)\" is not a segment id (a UUID)",
                reason: "invalid_id", fields: [field: "not a UUID"])
        }
        return id
    }
}
