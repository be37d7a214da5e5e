import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// Reading members beyond one id: many ids at once, by a handle, and every member a filter
/// matches as a stream.
extension MemberAPI {
    /// Most ids one BatchGetMembers call takes.
    static let maximumBatchGet = 1_000

    public func batchGetMembers(
        request: Hearth_Member_V1_BatchGetMembersRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_BatchGetMembersResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard request.memberIds.count <= Self.maximumBatchGet else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "at most \(Self.maximumBatchGet) member ids per call, not \(request.memberIds.count)",
                    reason: "too_many_ids", fields: ["member_ids": "over \(Self.maximumBatchGet)"])
            }
            var ids: [MemberID] = []
            var seen: Set<MemberID> = []
            for (index, text) in request.memberIds.enumerated() {
                let id = try MemberMessages.memberID(text, field: "member_ids[\(index)]")
                if seen.insert(id).inserted { ids.append(id) }
            }
            let full = try MemberIdentityMessages.full(request.view)
            let records = try await members.records(ids, tenant: caller.tenant, full: full)
            var response = Hearth_Member_V1_BatchGetMembersResponse()
            for id in ids {
                if let record = records[id] {
                    response.members.append(MemberIdentityMessages.member(record))
                } else {
                    response.missingMemberIds.append(id.description)
                }
            }
            return response
        }
    }

    public func lookupMember(
        request: Hearth_Member_V1_LookupMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_LookupMemberResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let identity = try MemberIdentityMessages.identity(
                request.identity, field: "identity", region: try await phoneRegions.region(of: caller.tenant))
            let full = try MemberIdentityMessages.full(request.view)
            guard let record = try await members.holder(of: identity, tenant: caller.tenant, full: full) else {
                throw RPCError(code: .notFound, message: "no member of this tenant holds \(identity)")
            }
            var response = Hearth_Member_V1_LookupMemberResponse()
            response.member = MemberIdentityMessages.member(record)
            return response
        }
    }

    /// Members per StreamMembers message.
    static let streamBatchSize = MemberStore.maximumStreamPage

    public func streamMembers(
        request: Hearth_Member_V1_StreamMembersRequest, response: RPCWriter<Hearth_Member_V1_StreamMembersResponse>,
        context: ServerContext
    ) async throws {
        try await handle {
            let caller = try RPCCaller.current()
            if !request.filter.segmentID.isEmpty {
                try await streamSegment(request, caller: caller, response: response)
                return
            }
            let query = try await memberQuery(request.filter, field: "filter", tenant: caller.tenant)
            let full = try MemberIdentityMessages.full(request.view)
            try await members.forEachPage(
                tenant: caller.tenant, matching: query, full: full, pageSize: Self.streamBatchSize
            ) { page in
                var batch = Hearth_Member_V1_StreamMembersResponse()
                batch.members = page.map { MemberIdentityMessages.member($0) }
                try await response.write(batch)
            }
        }
    }

    /// A segment's members, page by page in member-id order (the segment is evaluated per page).
    private func streamSegment(
        _ request: Hearth_Member_V1_StreamMembersRequest, caller: RPCCaller,
        response: RPCWriter<Hearth_Member_V1_StreamMembersResponse>
    ) async throws {
        var filter = request.filter
        let segmentID = try SegmentMessages.segmentID(filter.segmentID, field: "filter.segment_id")
        filter.segmentID = ""
        guard try MemberMessages.query(from: filter, field: "filter") == MemberQuery() else {
            throw RPCError(
                code: .invalidArgument,
                message: "a segment's members stream on their own in this version; leave the other filter fields empty",
                reason: "filter_unsupported")
        }
        var after: MemberID?
        while true {
            guard
                let page = try await segments.members(
                    of: segmentID, tenant: caller.tenant, after: after, limit: Self.streamBatchSize)
            else { throw RPCError(code: .notFound, message: "no segment \(segmentID) in this tenant") }
            if !page.isEmpty {
                var message = Hearth_Member_V1_StreamMembersResponse()
                message.members = page.map(MemberMessages.member)
                try await response.write(message)
            }
            guard page.count == Self.streamBatchSize, let last = page.last else { return }
            after = last.id
        }
    }
}
