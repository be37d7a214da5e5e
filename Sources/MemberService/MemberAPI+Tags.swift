public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// Tagging members in bulk: by listed ids or by a filter, in one statement.
extension MemberAPI {
    /// Most ids one call may list.
    static let maximumListedMembers = 10_000

    public func tagMembers(
        request: Hearth_Member_V1_TagMembersRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_TagMembersResponse {
        try await handle {
            let outcome = try await retag(adding: true, selection: request.selection, tags: request.tags)
            var response = Hearth_Member_V1_TagMembersResponse()
            (response.matchedCount, response.changedCount) = outcome
            return response
        }
    }

    public func untagMembers(
        request: Hearth_Member_V1_UntagMembersRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_UntagMembersResponse {
        try await handle {
            let outcome = try await retag(adding: false, selection: request.selection, tags: request.tags)
            var response = Hearth_Member_V1_UntagMembersResponse()
            (response.matchedCount, response.changedCount) = outcome
            return response
        }
    }

    private func retag(adding: Bool, selection: Hearth_Member_V1_MemberSelection, tags: [String]) async throws -> (
        Int64, Int64
    ) {
        let caller = try RPCCaller.current()
        switch selection.target {
        case .memberIds(let list):
            guard list.memberIds.count <= Self.maximumListedMembers else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "at most \(Self.maximumListedMembers) member ids per call; select by filter instead",
                    reason: "too_many_ids", fields: ["selection.member_ids": "over \(Self.maximumListedMembers)"])
            }
            let ids = try list.memberIds.map { try MemberMessages.memberID($0, field: "selection.member_ids") }
            return try await members.retag(
                adding: adding, tags: tags, ids: ids, query: MemberQuery(), tenant: caller.tenant)
        case .filter(let filter):
            let query = try await memberQuery(filter, field: "selection.filter", tenant: caller.tenant)
            return try await members.retag(adding: adding, tags: tags, ids: nil, query: query, tenant: caller.tenant)
        case nil:
            throw RPCError(
                code: .invalidArgument, message: "select members by ids or by a filter", reason: "missing_selection",
                fields: ["selection": "empty"])
        }
    }
}
