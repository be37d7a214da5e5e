import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Idempotency keys of member writes: a retry with the same key and request within 24 hours gets
/// the first call's response without the work being done again; the same key with another request
/// is FAILED_PRECONDITION ("idempotency_key_reused"); an empty key is not deduplicated.
extension MemberAPI {
    /// Runs `work` once per `key` of `method` (its short name, e.g. "MergeMembers") in the tenant.
    ///
    /// The key is claimed before the work and completed with the response after it; a failed call
    /// releases its key, so a retry does the work again. `about` names the members the response
    /// shows, so erasing one of them also forgets the stored response. A call whose work succeeded
    /// but whose response could not be stored leaves its claim: retries get ABORTED for up to 10
    /// minutes, then run the work again.
    func once<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String, key: String, request: Request, tenant: TenantID,
        about: (Response) -> [MemberID], _ work: () async throws -> Response
    ) async throws -> Response {
        guard !key.isEmpty else { return try await work() }
        guard key.utf8.count <= 200 else {
            throw RPCError(
                code: .invalidArgument, message: "idempotency_key has 1 to 200 bytes, this one \(key.utf8.count)",
                reason: "idempotency_key_invalid", fields: ["idempotency_key": "over 200 bytes"])
        }
        let fullMethod = "hearth.member.v1.MemberService/\(method)"
        let fingerprint: [UInt8] = try request.serializedBytes()
        switch try await members.claimRequestKey(
            method: fullMethod, key: key, request: Data(fingerprint), tenant: tenant)
        {
        case .completed(let bytes):
            return try Response(serializedBytes: [UInt8](bytes))
        case .inProgress:
            throw RPCError(
                code: .aborted, message: "a call with this idempotency key is still running; retry in a moment",
                reason: "idempotency_key_in_progress")
        case .reused:
            throw RPCError(
                code: .failedPrecondition,
                message: "idempotency_key \"\(key)\" was used for a different \(method) request in the last 24 hours; "
                    + "use a new key for a new request",
                reason: "idempotency_key_reused", fields: ["idempotency_key": "used with another request"])
        case .claimed:
            let response: Response
            do {
                response = try await work()
            } catch {
                try? await members.releaseRequestKey(method: fullMethod, key: key, tenant: tenant)
                throw error
            }
            let bytes: [UInt8] = try response.serializedBytes()
            try await members.completeRequestKey(
                method: fullMethod, key: key, response: Data(bytes), members: about(response), tenant: tenant)
            return response
        }
    }
}
