import Foundation
import HearthDomain
import Testing

@Suite("Offer price guard")
struct OfferTests {
    func offer(
        sku: String = "SKU-VC-500", list: Int64 = 12_900, lowest: Int64 = 9_900, exclusive: Int64 = 8_900,
        floor: Int64 = 7_000
    ) -> Offer {
        Offer(
            campaignID: CampaignID(), sku: sku, listPriceFen: list, siteLowestPriceFen: lowest,
            exclusivePriceFen: exclusive,
            floorPriceFen: floor)
    }

    func refusal(_ offer: Offer) -> String? {
        do throws(DomainError) {
            try offer.validate()
            return nil
        } catch {
            #expect(error.code == .invalidArgument)
            return error.message
        }
    }

    @Test func anExclusivePriceBetweenTheFloorAndTheSitesLowestIsAccepted() throws {
        let good = offer()
        try good.validate()
        #expect(good.savingFen == 1_000)
        // The bounds: exactly the floor is fine; one fen under the site's lowest is fine.
        try offer(exclusive: 7_000).validate()
        try offer(exclusive: 9_899).validate()
        try offer(list: 9_900, lowest: 9_900).validate()
        try offer(exclusive: 0, floor: 0).validate()
        #expect(Offer.priceGuardReason == "offer_price_guard")
    }

    @Test func theGuardSaysWhichPriceToChange() {
        #expect(
            refusal(offer(lowest: 8_500, exclusive: 8_900))
                == "the exclusive price 89.00 must be below the site's lowest 85.00, or members get no privilege")
        #expect(
            refusal(offer(exclusive: 9_900))
                == "the exclusive price 99.00 must be below the site's lowest 99.00, or members get no privilege")
        #expect(
            refusal(offer(exclusive: 6_950))
                == "the exclusive price 69.50 must not be below the floor 70.00; members may never pay less than the floor"
        )
        #expect(
            refusal(offer(list: 9_800, lowest: 9_900))
                == "the site's lowest price 99.00 cannot be above the list price 98.00; check both")
        #expect(
            refusal(offer(lowest: 9_900, exclusive: 9_950, floor: 9_900))
                == "no exclusive price can work: the floor 99.00 is not below the site's lowest 99.00; lower the floor "
                + "or leave this SKU out")
        #expect(refusal(offer(floor: -1)) == "the floor price cannot be negative, not -0.01")
        #expect(refusal(offer(exclusive: -100)) == "the exclusive price cannot be negative, not -1.00")
    }

    @Test func skusAreOneToSixtyFourCharacters() {
        #expect(refusal(offer(sku: "  ")) == "a SKU has 1 to 64 characters, not 0")
        #expect(refusal(offer(sku: String(repeating: "x", count: 65))) == "a SKU has 1 to 64 characters, not 65")
        #expect(refusal(offer(sku: " 维C泡腾片-500 ")) == nil)
    }

    @Test func yuanAreWrittenWithTwoDecimals() {
        #expect(Yuan.text(fen: 0) == "0.00")
        #expect(Yuan.text(fen: 5) == "0.05")
        #expect(Yuan.text(fen: 8_900) == "89.00")
        #expect(Yuan.text(fen: 8_999) == "89.99")
        #expect(Yuan.text(fen: 30_000_000) == "300000.00")
        #expect(Yuan.text(fen: -50) == "-0.50")
        #expect(Yuan.text(fen: .min) == "-92233720368547758.08")
    }
}
