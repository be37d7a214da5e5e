public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import Logging
import SwiftProtobuf

/// Erasure: a member's personal data removed for good, its anonymous history kept for totals
/// (see ``MemberStore/erase(_:reason:recordedBy:tenant:)`` for what goes and what stays).
extension MemberAPI {
    public func eraseMember(
        request: Hearth_Member_V1_EraseMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_EraseMemberResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            let reason = try MemberIdentityMessages.reason(request.reason, limit: MemberErasure.maximumReasonLength)
            return try await once(
                "EraseMember", key: request.idempotencyKey, request: request, tenant: caller.tenant,
                about: { (_: Hearth_Member_V1_EraseMemberResponse) in [id] }
            ) {
                let erasedAt = try await members.erase(
                    id, reason: reason, recordedBy: caller.operatorID, tenant: caller.tenant)
                logger.notice(
                    "member erased", metadata: ["member_id": "\(id)", "operator": "\(caller.operatorID)"])
                var response = Hearth_Member_V1_EraseMemberResponse()
                response.memberID = id.description
                response.erasedAt = Google_Protobuf_Timestamp(date: erasedAt)
                return response
            }
        }
    }
}
