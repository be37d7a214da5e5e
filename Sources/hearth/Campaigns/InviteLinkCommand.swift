import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns invite-link CAMPAIGN --source qr_poster`: a link and QR payload that route
/// newcomers into the campaign's community, attributed to the campaign and where it is shown.
struct InviteLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite-link",
        abstract: "Create an invite link / QR payload into a campaign's community, attributed to the campaign.",
        discussion: """
            The link routes each newcomer to the first group of the community's family with room. It expires at \
            the end of the campaign's period unless --expires says otherwise. The url is empty unless \
            campaign-service has HEARTH_PUBLIC_BASE_URL; put qr_payload in the QR code either way. The token is shown \
            once.
            """)

    @Argument(help: "The campaign's id; its audience must name a community.") var campaign: String
    @Option(help: "Where it is shown: qr_poster, phone_invite, official_account, weibo, offline_sales, ...")
    var source: EnumArgument<Hearth_Common_V1_SourceChannel>
    @Option(help: "When it stops working: ISO 8601 or from now (2h, 30d); default the campaign's end.")
    var expires: MomentArgument?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_CreateInviteLinkRequest()
        request.campaignID = campaign
        request.sourceChannel = source.value
        if let expires { request.expiresAt = expires.timestamp }
        request.idempotencyKey = UUID().uuidString.lowercased()
        let options = service.callOptions
        let link = try await service.withClient { client in
            try await client.createInviteLink(request, options: options).link
        }
        try output.print(
            columns: ["token", "url", "qr_payload", "campaign", "source", "expires"],
            rows: [
                [
                    link.token, link.url, link.qrPayload, link.campaignID, EnumArgument.text(link.sourceChannel),
                    link.hasExpiresAt ? MemberRows.timestamp(link.expiresAt.date) : "never",
                ]
            ])
    }
}
