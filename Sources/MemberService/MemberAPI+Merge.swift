import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// Duplicate profiles of one person: finding them and folding one into another.
extension MemberAPI {
    public func mergeMembers(
        request: Hearth_Member_V1_MergeMembersRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_MergeMembersResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let survivor = try MemberMessages.memberID(request.survivorMemberID, field: "survivor_member_id")
            let merged = try MemberMessages.memberID(request.mergedMemberID, field: "merged_member_id")
            let reason = try MemberIdentityMessages.reason(
                request.reason, limit: MemberStore.maximumMergeReasonLength)
            return try await once(
                "MergeMembers", key: request.idempotencyKey, request: request, tenant: caller.tenant,
                about: { (_: Hearth_Member_V1_MergeMembersResponse) in [survivor, merged] }
            ) {
                let outcome = try await members.merge(
                    merged, into: survivor, reason: reason, recordedBy: caller.operatorID, tenant: caller.tenant)
                var response = Hearth_Member_V1_MergeMembersResponse()
                response.survivor = MemberIdentityMessages.member(outcome.survivor)
                response.mergeID = outcome.mergeID.uuidString.lowercased()
                return response
            }
        }
    }

    public func findDuplicates(
        request: Hearth_Member_V1_FindDuplicatesRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_FindDuplicatesResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let member: MemberID? = try request.memberID.isEmpty ? nil : MemberMessages.memberID(request.memberID)
            let cursor = try TimeAndIDCursor.decode("duplicates", request.page.cursor).map {
                DuplicateGroupCursor(createdAt: $0.date, memberID: MemberID($0.id))
            }
            let page = try await members.duplicateGroups(
                of: member, after: cursor, limit: MemberIdentityMessages.pageSize(request.page), tenant: caller.tenant)
            var response = Hearth_Member_V1_FindDuplicatesResponse()
            response.groups = page.groups.map { MemberIdentityMessages.group($0) }
            if page.more, let last = page.groups.last {
                response.page.nextCursor = TimeAndIDCursor.encode(
                    "duplicates", at: last.cursor.createdAt, id: last.cursor.memberID.rawValue)
            }
            return response
        }
    }
}
