import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore

/// Consent per channel: every decision kept as evidence, the current one chosen so that opt-out
/// wins (see ``ConsentDecision/supersedes(_:)``).
extension MemberAPI {
    public func setConsent(
        request: Hearth_Member_V1_SetConsentRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_SetConsentResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            guard request.hasConsent else {
                throw RPCError(
                    code: .invalidArgument, message: "consent is required: the channel, granted or not, and the source",
                    reason: "consent_missing", fields: ["consent": "missing"])
            }
            let decision = try MemberIdentityMessages.decision(request.consent, field: "consent", now: Date())
            return try await once(
                "SetConsent", key: request.idempotencyKey, request: request, tenant: caller.tenant,
                about: { (_: Hearth_Member_V1_SetConsentResponse) in [id] }
            ) {
                let outcome = try await members.setConsent(
                    decision, for: id, recordedBy: caller.operatorID, tenant: caller.tenant)
                var response = Hearth_Member_V1_SetConsentResponse()
                response.consent = MemberIdentityMessages.consent(outcome.current)
                response.applied = outcome.applied
                return response
            }
        }
    }

    public func listConsentChanges(
        request: Hearth_Member_V1_ListConsentChangesRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_ListConsentChangesResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            let channel: ConsentChannel?
            switch request.channel {
            case .unspecified: channel = nil
            case .UNRECOGNIZED(let value):
                throw RPCError(
                    code: .invalidArgument, message: "channel \(value) is unknown", reason: "consent_channel_invalid",
                    fields: ["channel": "unknown value \(value)"])
            default: channel = MemberIdentityMessages.consentChannel(request.channel)
            }
            let cursor = try TimeAndIDCursor.decode("consent", request.page.cursor).map {
                ConsentChangeCursor(changedAt: $0.date, changeID: $0.id)
            }
            let page = try await members.consentChanges(
                of: id, channel: channel, after: cursor, limit: MemberIdentityMessages.pageSize(request.page),
                tenant: caller.tenant)
            var response = Hearth_Member_V1_ListConsentChangesResponse()
            response.changes = page.changes.map { MemberIdentityMessages.change($0) }
            if page.more, let last = page.changes.last {
                response.page.nextCursor = TimeAndIDCursor.encode(
                    "consent", at: last.decision.changedAt, id: last.id)
            }
            return response
        }
    }
}
