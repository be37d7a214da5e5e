public import GRPCCore
import HearthProtos

/// Which role each of Hearth's RPCs needs, as the `Role:` line of its comment in `Protos/` says
/// (the generator turns those lines into `HearthMethodRoles`), for ``AuthenticationInterceptor``.
public enum HearthAccessPolicy {
    /// The least role `method` needs, or `nil` when it is open (health checks). A method missing
    /// from the table needs admin: a method added without a role is closed, not open.
    @Sendable public static func requiredRole(for method: MethodDescriptor) -> AccessRole? {
        switch HearthMethodRoles.byMethod["\(method.service.fullyQualifiedService)/\(method.method)"] {
        case "none": nil
        case let role?: AccessRole(rawValue: role) ?? .admin
        case nil: .admin
        }
    }
}
