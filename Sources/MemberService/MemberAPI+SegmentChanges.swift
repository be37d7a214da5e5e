import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Changing saved segments: rename, new rule, delete, and freezing one into a static list.
extension MemberAPI {
    public func updateSegment(
        request: Hearth_Member_V1_UpdateSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_UpdateSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try SegmentMessages.segmentID(request.segmentID)
            let paths = request.updateMask.paths
            guard !paths.isEmpty else {
                throw RPCError(
                    code: .invalidArgument, message: "update_mask names no field; give name and/or rule_text",
                    reason: "mask_empty", fields: ["update_mask": "empty"])
            }
            if let unknown = paths.first(where: { $0 != "name" && $0 != "rule_text" }) {
                throw RPCError(
                    code: .invalidArgument,
                    message: "update_mask: \"\(unknown)\" cannot change; only name and rule_text",
                    reason: "field_unknown", fields: ["update_mask": unknown])
            }
            let rule =
                try paths.contains("rule_text")
                ? (text: request.segment.ruleText, rule: SegmentRule.parse(request.segment.ruleText)) : nil
            guard
                let segment = try await segments.update(
                    id, name: paths.contains("name") ? request.segment.name : nil, rule: rule, tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no segment \(id) in this tenant")
            }
            var response = Hearth_Member_V1_UpdateSegmentResponse()
            response.segment = SegmentMessages.segment(segment)
            return response
        }
    }

    public func deleteSegment(
        request: Hearth_Member_V1_DeleteSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_DeleteSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try SegmentMessages.segmentID(request.segmentID)
            guard try await segments.delete(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no segment \(id) in this tenant")
            }
            return Hearth_Member_V1_DeleteSegmentResponse()
        }
    }

    public func snapshotSegment(
        request: Hearth_Member_V1_SnapshotSegmentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_SnapshotSegmentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try SegmentMessages.segmentID(request.sourceSegmentID, field: "source_segment_id")
            guard let segment = try await segments.snapshot(id, as: request.name, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no segment \(id) in this tenant")
            }
            var response = Hearth_Member_V1_SnapshotSegmentResponse()
            response.segment = SegmentMessages.segment(segment)
            return response
        }
    }
}
