public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// The handles members are known by: each belongs to one member of a tenant.
extension MemberAPI {
    public func addIdentity(
        request: Hearth_Member_V1_AddIdentityRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_AddIdentityResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            let identity = try MemberIdentityMessages.identity(
                request.identity, field: "identity", region: try await phoneRegions.region(of: caller.tenant))
            return try await once(
                "AddIdentity", key: request.idempotencyKey, request: request, tenant: caller.tenant,
                about: { (_: Hearth_Member_V1_AddIdentityResponse) in [id] }
            ) {
                let held: MemberIdentity
                do {
                    held = try await members.addIdentity(
                        identity, verified: request.verified, to: id, tenant: caller.tenant)
                } catch let taken as IdentityTaken {
                    throw MemberIdentityMessages.taken(taken, field: "identity.value")
                }
                var response = Hearth_Member_V1_AddIdentityResponse()
                response.identity = MemberIdentityMessages.identity(held)
                return response
            }
        }
    }

    public func removeIdentity(
        request: Hearth_Member_V1_RemoveIdentityRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_RemoveIdentityResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            let identity = try MemberIdentityMessages.identity(
                request.identity, field: "identity", region: try await phoneRegions.region(of: caller.tenant))
            return try await once(
                "RemoveIdentity", key: request.idempotencyKey, request: request, tenant: caller.tenant,
                about: { (_: Hearth_Member_V1_RemoveIdentityResponse) in [id] }
            ) {
                try await members.removeIdentity(identity, from: id, tenant: caller.tenant)
                return Hearth_Member_V1_RemoveIdentityResponse()
            }
        }
    }
}
