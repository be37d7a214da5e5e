import GRPCCore
import HearthProtos
import HearthWire
import Testing

@Suite("Roles of Hearth's RPCs")
struct HearthAccessPolicyTests {
    func role(_ service: String, _ method: String) -> AccessRole? {
        HearthAccessPolicy.requiredRole(for: MethodDescriptor(fullyQualifiedService: service, method: method))
    }

    @Test func everyRPCOfEveryServiceHasAKnownRole() {
        let methods =
            Hearth_Member_V1_MemberService.Method.descriptors + Hearth_Campaign_V1_CampaignService.Method.descriptors
            + Hearth_Analytics_V1_AnalyticsService.Method.descriptors + Hearth_Health_V1_Health.Method.descriptors
        #expect(methods.count == HearthMethodRoles.byMethod.count)
        for method in methods {
            let role = HearthMethodRoles.byMethod["\(method.service.fullyQualifiedService)/\(method.method)"]
            #expect(
                role == "none" || role.flatMap(AccessRole.init(rawValue:)) != nil, "\(method): \(role ?? "missing")")
        }
    }

    @Test func rolesFollowTheProtoComments() {
        #expect(role("hearth.health.v1.Health", "Check") == nil)
        #expect(role("hearth.member.v1.MemberService", "GetMember") == .viewer)
        #expect(role("hearth.member.v1.MemberService", "RecordEvents") == .agent)
        #expect(role("hearth.member.v1.MemberService", "CreateMember") == .operator)
        #expect(role("hearth.member.v1.MemberService", "EraseMember") == .admin)
        #expect(role("hearth.analytics.v1.AnalyticsService", "UpdateJob") == .admin)
        // A method nobody gave a role is closed to all but admins.
        #expect(role("hearth.member.v1.MemberService", "Unlisted") == .admin)
        #expect(role("other.Service", "Anything") == .admin)
    }
}
