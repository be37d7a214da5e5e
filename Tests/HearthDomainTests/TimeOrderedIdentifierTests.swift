import Foundation
import HearthDomain
import Testing

@Suite("Time-ordered identifiers")
struct TimeOrderedIdentifierTests {
    @Test func carriesVersion7AndTheRFCVariant() {
        let text = UUID.timeOrdered().uuidString.lowercased()
        let characters = Array(text)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
    }

    @Test func startsWithTheMillisecondsSince1970() {
        let date = Date(timeIntervalSince1970: 1_764_201_600.5)  // 2025-11-27T00:00:00.500Z
        let hex = String(
            UUID.timeOrdered(at: date).uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        #expect(UInt64(hex, radix: 16) == 1_764_201_600_500)
    }

    @Test func laterIdsSortLaterAndNoTwoAreEqual() {
        let start = Date(timeIntervalSince1970: 1_764_201_600)
        let ids = (0..<1_000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) / 100)) }
        let texts = ids.map { $0.uuidString.lowercased() }
        // Ids a millisecond or more apart sort in time order; within one they differ by their random bits.
        for (earlier, later) in zip(texts, texts.dropFirst()) where earlier.prefix(13) != later.prefix(13) {
            #expect(earlier < later)
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test func newIdentifiersAreTimeOrdered() {
        #expect(Array(MemberID().description)[14] == "7")
        #expect(Array(EventID().description)[14] == "7")
    }
}
