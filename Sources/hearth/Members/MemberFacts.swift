import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// One member in full, as `hearth members get` prints it: the profile, the figures computed from
/// events, every handle and consent, and whether the profile was deleted, erased or merged.
enum MemberFacts {
    static func facts(_ member: Hearth_Member_V1_Member) -> [(key: String, value: String)] {
        let profile = member.profile
        let metrics = member.metrics
        func moment(_ present: Bool, _ timestamp: @autoclosure () -> Date) -> String {
            present ? MemberRows.timestamp(timestamp()) : ""
        }
        var facts: [(key: String, value: String)] = [
            ("id", member.memberID),
            ("name", profile.displayName),
            ("phone", profile.phone),
            ("email", profile.email),
            ("province", profile.region.province),
            ("city", profile.region.city),
            ("org_kind", profile.orgKind),
            ("tags", profile.tags.joined(separator: ";")),
            ("interests", profile.interests.joined(separator: ";")),
            ("source", EnumArgument.text(profile.sourceChannel)),
            ("stage", EnumArgument.text(profile.lifecycleStage)),
            ("vip", "\(profile.vipTier)"),
            ("total_spend", Yuan.text(fen: metrics.totalSpendFen)),
            ("orders", "\(metrics.orderCount)"),
            ("last_purchase", moment(metrics.hasLastPurchaseAt, metrics.lastPurchaseAt.date)),
            ("last_active", moment(metrics.hasLastActiveAt, metrics.lastActiveAt.date)),
            ("engagement_score", String(format: "%.1f", metrics.engagementScore)),
            ("social_role", EnumArgument.text(metrics.socialRole)),
            ("churn_risk", metrics.hasChurnRisk ? String(format: "%.2f", metrics.churnRisk) : ""),
            (
                "identities",
                member.identities.map { "\(EnumArgument.text($0.kind)) \($0.value)" }.joined(separator: "; ")
            ),
        ]
        // One line per channel, so a script reads `consent_sms` without parsing a list.
        for channel in Hearth_Common_V1_ConsentChannel.allCases where channel != .unspecified {
            let decision = member.consents.first { $0.channel == channel }
            facts.append(("consent_\(EnumArgument.text(channel))", decision.map(consentText) ?? "none"))
        }
        facts += [
            ("created", moment(member.hasCreatedAt, member.createdAt.date)),
            ("updated", moment(member.hasUpdatedAt, member.updatedAt.date)),
            ("deleted", moment(member.hasDeletedAt, member.deletedAt.date)),
            ("erased", moment(member.hasErasedAt, member.erasedAt.date)),
            ("merged_into", member.mergedIntoMemberID),
        ]
        return facts
    }

    /// `granted (import, 2026-11-27T03:03:45Z)`: the decision, where it came from and when.
    private static func consentText(_ consent: Hearth_Common_V1_Consent) -> String {
        let when = consent.hasChangedAt ? ", " + MemberRows.timestamp(consent.changedAt.date) : ""
        return (consent.granted ? "granted" : "refused") + " (\(consent.source)\(when))"
    }
}
