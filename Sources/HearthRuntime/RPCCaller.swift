public import GRPCCore
public import HearthDomain
public import HearthWire

/// Who is making the current call, from the access token the authentication interceptor verified:
/// handlers take the tenant from here, never from a request field.
public struct RPCCaller: Sendable {
    public var tenant: TenantID
    public var operatorID: String
    public var role: AccessRole

    /// The caller of the RPC this task serves.
    public static func current() throws(RPCError) -> RPCCaller {
        guard let token = AuthenticationInterceptor.caller else {
            throw RPCError(code: .unauthenticated, message: "this call needs an access token (authorization: Bearer …)")
        }
        guard let tenant = TenantID(token.tenant) else {
            throw RPCError(
                code: .unauthenticated,
                message: "the access token's tenant \"\(token.tenant)\" is not a tenant id; issue a new token")
        }
        guard let role = AccessRole(rawValue: token.role) else {
            throw RPCError(code: .unauthenticated, message: "the access token's role \"\(token.role)\" is unknown")
        }
        return RPCCaller(tenant: tenant, operatorID: token.operatorID, role: role)
    }
}
