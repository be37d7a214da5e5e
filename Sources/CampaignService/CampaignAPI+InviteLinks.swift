import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Invite links: a join link into the campaign's community (through member-service), attributed
/// to the campaign and the place it is shown, as a URL and a QR payload for posters and agents.
extension CampaignAPI {
    /// Creates an invite link expiring at `expires_at`, or at the end of the campaign's period when
    /// unset (never, for a campaign without one). The URL is `<public base URL>/join/<token>` when
    /// campaign-service knows its public base URL, else empty; the QR payload is the URL, or the
    /// token without one. Every call makes a new link (member-service mints a fresh token), so a
    /// retry at worst leaves a second link that attributes the same way; the idempotency key is
    /// passed on to member-service.
    public func createInviteLink(request: Hearth_Campaign_V1_CreateInviteLinkRequest, context: GRPCCore.ServerContext)
        async throws -> Hearth_Campaign_V1_CreateInviteLinkResponse
    {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            let source = try RecruitmentMessages.requestedSourceChannel(request.sourceChannel, field: "source_channel")
            let key = try RecruitmentMessages.idempotencyKey(request.idempotencyKey)
            let now = Date()
            if request.hasExpiresAt, request.expiresAt.date <= now {
                throw CampaignMessages.outOfRange(
                    "expires_at", "expires_at must lie in the future; leave it unset for the end of the campaign")
            }
            let directory = try memberDirectory()
            guard let campaign = try await campaigns.campaign(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            guard let community = campaign.audience.communityID else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "campaign \(id) has no community in its audience; an invite link routes newcomers into "
                        + "one, so give the campaign a community first",
                    reason: "no_community")
            }
            guard !campaign.status.isTerminal else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "campaign \(id) is \(campaign.status.rawValue); invite newcomers for a campaign still in "
                        + "progress",
                    reason: "campaign_finished")
            }
            let expiresAt: Date?
            if request.hasExpiresAt {
                expiresAt = request.expiresAt.date
            } else if let end = campaign.period?.end {
                guard end > now else {
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "campaign \(id)'s period ended at \(end.formatted(.iso8601)), when its invite links "
                            + "expire by default; give expires_at for a link that outlives it",
                        reason: "period_over")
                }
                expiresAt = end
            } else {
                expiresAt = nil
            }
            let ticket = try await directory.createJoinLink(
                into: community, campaign: id, sourceChannel: source, expiresAt: expiresAt,
                createdBy: caller.operatorID, idempotencyKey: key, tenant: caller.tenant)
            var link = Hearth_Campaign_V1_InviteLink()
            link.token = ticket.token
            link.url = publicBaseURL.map { "\($0)/join/\(ticket.token)" } ?? ""
            link.qrPayload = link.url.isEmpty ? ticket.token : link.url
            link.campaignID = (ticket.campaignID ?? id).description
            link.sourceChannel =
                ticket.sourceChannel.map { RecruitmentMessages.sourceChannelMessage($0) } ?? .unspecified
            if let expires = ticket.expiresAt { link.expiresAt = Google_Protobuf_Timestamp(date: expires) }
            var response = Hearth_Campaign_V1_CreateInviteLinkResponse()
            response.link = link
            return response
        }
    }
}
