import ArgumentParser
import Foundation
import HearthDomain
import HearthProtos
import SwiftProtobuf

/// `hearth campaigns offers …`: a campaign's member-exclusive prices, always below the site's
/// lowest and never below the floor.
struct OffersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offers",
        abstract: "A campaign's member-exclusive prices per SKU.",
        discussion: """
            Every offer keeps floor <= exclusive < site lowest: cheaper than anywhere on the site, never below cost. \
            A price that breaks the guard is refused with the rule it breaks. Prices are in yuan, e.g. 199.00.
            """,
        subcommands: [CreateOfferCommand.self, ListOffersCommand.self, UpdateOfferCommand.self])
}

/// How offers print.
enum OfferRows {
    static let columns = ["id", "campaign", "sku", "list", "site_lowest", "exclusive", "floor", "updated"]

    static func row(_ offer: Hearth_Campaign_V1_Offer) -> [String] {
        [
            offer.offerID, offer.campaignID, offer.sku, Yuan.text(fen: offer.listPriceFen),
            Yuan.text(fen: offer.siteLowestPriceFen), Yuan.text(fen: offer.exclusivePriceFen),
            Yuan.text(fen: offer.floorPriceFen), offer.hasUpdatedAt ? MemberRows.timestamp(offer.updatedAt.date) : "",
        ]
    }
}

struct CreateOfferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Offer a SKU at a member-exclusive price.",
        discussion: """
            hearth campaigns offers create CAMPAIGN --sku AMOX-500 --list 39.90 --site-lowest 32.00 --exclusive 29.90 \\
                --floor 25.00
            """)

    @Argument(help: "The campaign's id.") var campaign: String
    @Option(help: "The SKU, as the shop names it.") var sku: String
    @Option(help: "The list price in yuan.") var list: String
    @Option(name: .customLong("site-lowest"), help: "The lowest price anywhere on the public site, in yuan.")
    var siteLowest: String
    @Option(help: "The members' price in yuan: below --site-lowest, not below --floor.") var exclusive: String
    @Option(help: "The lowest price allowed (cost), in yuan.") var floor: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_CreateOfferRequest()
        request.campaignID = campaign
        request.sku = sku
        request.listPriceFen = try CampaignArgumentText.fen(yuan: list, option: "--list")
        request.siteLowestPriceFen = try CampaignArgumentText.fen(yuan: siteLowest, option: "--site-lowest")
        request.exclusivePriceFen = try CampaignArgumentText.fen(yuan: exclusive, option: "--exclusive")
        request.floorPriceFen = try CampaignArgumentText.fen(yuan: floor, option: "--floor")
        let options = service.callOptions
        let offer = try await service.withClient { client in
            try await client.createOffer(request, options: options).offer
        }
        try output.print(columns: OfferRows.columns, rows: [OfferRows.row(offer)])
    }
}

struct ListOffersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a campaign's offers by SKU.")

    @Argument(help: "The campaign's id.") var campaign: String
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Campaign_V1_ListOffersRequest()
        request.campaignID = campaign
        let options = service.callOptions
        let offers = try await service.withClient { client in
            try await client.listOffers(request, options: options).offers
        }
        try output.print(columns: OfferRows.columns, rows: offers.map(OfferRows.row))
    }
}

struct UpdateOfferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change an offer's prices; the guard applies to the result.")

    @Argument(help: "The offer's id.") var offer: String
    @Option(help: "A new list price in yuan.") var list: String?
    @Option(name: .customLong("site-lowest"), help: "A new site-lowest price in yuan.") var siteLowest: String?
    @Option(help: "A new members' price in yuan.") var exclusive: String?
    @Option(help: "A new floor price in yuan.") var floor: String?
    @OptionGroup var service: CampaignServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard list != nil || siteLowest != nil || exclusive != nil || floor != nil else {
            throw ValidationError("name a price to change: --list, --site-lowest, --exclusive or --floor")
        }
    }

    func run() async throws {
        var request = Hearth_Campaign_V1_UpdateOfferRequest()
        request.offerID = offer
        request.idempotencyKey = UUID().uuidString.lowercased()
        if let list {
            request.offer.listPriceFen = try CampaignArgumentText.fen(yuan: list, option: "--list")
            request.updateMask.paths.append("list_price_fen")
        }
        if let siteLowest {
            request.offer.siteLowestPriceFen = try CampaignArgumentText.fen(yuan: siteLowest, option: "--site-lowest")
            request.updateMask.paths.append("site_lowest_price_fen")
        }
        if let exclusive {
            request.offer.exclusivePriceFen = try CampaignArgumentText.fen(yuan: exclusive, option: "--exclusive")
            request.updateMask.paths.append("exclusive_price_fen")
        }
        if let floor {
            request.offer.floorPriceFen = try CampaignArgumentText.fen(yuan: floor, option: "--floor")
            request.updateMask.paths.append("floor_price_fen")
        }
        let options = service.callOptions
        let updated = try await service.withClient { client in
            try await client.updateOffer(request, options: options).offer
        }
        try output.print(columns: OfferRows.columns, rows: [OfferRows.row(updated)])
    }
}
