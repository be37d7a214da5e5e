import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

extension MemberAPI {
    /// Members per streamed message.
    static let streamBatch = 1_000

    /// Streams every member a filter (or a segment) picks, in member-id order, a page at a time,
    /// so an audience of any size reaches the caller in constant memory.
    public func streamMembers(
        request: Hearth_Member_V1_StreamMembersRequest,
        response: RPCWriter<Hearth_Member_V1_StreamMembersResponse>,
        context: ServerContext
    ) async throws {
        try await handle {
            let caller = try RPCCaller.current()
            var filter = request.filter
            let segmentID =
                filter.segmentID.isEmpty
                ? nil : try SegmentMessages.segmentID(filter.segmentID, field: "filter.segment_id")
            filter.segmentID = ""
            let query = try MemberMessages.query(from: filter, field: "filter")
            if segmentID != nil, query != MemberQuery() {
                throw RPCError(
                    code: .invalidArgument,
                    message:
                        "a segment's members stream on their own in this version; leave the other filter fields empty",
                    reason: "filter_unsupported")
            }
            var after: MemberID?
            while true {
                let page: [Member]
                if let segmentID {
                    guard
                        let members = try await segments.members(
                            of: segmentID, tenant: caller.tenant, after: after, limit: Self.streamBatch)
                    else { throw RPCError(code: .notFound, message: "no segment \(segmentID) in this tenant") }
                    page = members
                } else {
                    page = try await members.list(
                        tenant: caller.tenant, matching: query, afterID: after, limit: Self.streamBatch)
                }
                if !page.isEmpty {
                    var message = Hearth_Member_V1_StreamMembersResponse()
                    message.members = page.map(MemberMessages.member)
                    try await response.write(message)
                }
                guard page.count == Self.streamBatch, let last = page.last else { return }
                after = last.id
            }
        }
    }
}
