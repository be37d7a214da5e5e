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
}
