import Foundation
import HearthDomain
import Testing

/// The lottery draw (hearth-lottery-v1) against vectors computed by an independent Python
/// implementation of the algorithm in LotteryDraw's documentation, run with python3 when these
/// tests were written:
///
///     import hashlib, struct
///     def canonical(entries): return "".join(f"{n}\t{m}\n" for n, m in entries)
///     def entries_digest(entries): return hashlib.sha256(canonical(entries).encode()).hexdigest()
///     def stream(seed, digest_hex):
///         k = 0
///         while True:
///             block = hashlib.sha256(seed + digest_hex.encode("ascii") + struct.pack(">Q", k)).digest()
///             for i in range(4): yield struct.unpack(">Q", block[8*i:8*i+8])[0]
///             k += 1
///     def draw(seed, entries, winner_count):
///         n = len(entries); numbers = list(range(1, n + 1)); values = stream(seed, entries_digest(entries))
///         M = 2**64 - 1; winners = []
///         for i in range(min(winner_count, n)):
///             m = n - i; limit = M - (M % m)
///             while True:
///                 v = next(values)
///                 if v < limit: j = v % m; break
///             numbers[i], numbers[i + j] = numbers[i + j], numbers[i]
///             winners.append(numbers[i])
///         return winners
///     seed = bytes(range(32))
///     entries = [(i, "00000000-0000-4000-8000-%012x" % i) for i in range(1, 11)]
///     draw(seed, entries, 3)   # [7, 9, 10]
///     draw(seed, entries, 12)  # [7, 9, 10, 3, 4, 2, 5, 6, 1, 8]
///
/// HearthDomain links no libcrypto, so SHA-256 here is ``TestSHA256``, a plain implementation of
/// FIPS 180-4 checked against the standard vectors first (HearthWireTests checks the service's
/// libcrypto one, SHA256Digest, against the same vectors).
@Suite("Lottery draw (hearth-lottery-v1)")
struct LotteryDrawTests {
    static let seed: [UInt8] = Array(0..<32)

    /// Member 00000000-0000-4000-8000-00000000000N for entry N.
    static func member(_ number: Int) -> MemberID {
        let hex = String(number, radix: 16)
        return MemberID("00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex)!
    }

    static let tenEntries = (1...10).map {
        LotteryDraw.Entry(entryNumber: Int64($0), memberID: LotteryDrawTests.member($0))
    }

    static func rules(winners: Int) -> LotteryRules {
        LotteryRules(entriesCloseAt: .distantPast, winnerCount: winners, prizes: ["iPad", "AirPods"])
    }

    @Test func theTestHashIsSHA256() {
        #expect(
            LotteryDraw.hex(TestSHA256.hash([]))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            LotteryDraw.hex(TestSHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            LotteryDraw.hex(TestSHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            LotteryDraw.hex(TestSHA256.hash(Self.seed))
                == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
    }

    @Test func theCanonicalEntryListIsOneLinePerEntryInEntryOrder() {
        let entries = [
            LotteryDraw.Entry(entryNumber: 3, memberID: MemberID("00000000-0000-4000-8000-00000000000A")!),
            LotteryDraw.Entry(entryNumber: 1, memberID: Self.member(1)),
            LotteryDraw.Entry(entryNumber: 2, memberID: Self.member(2)),
        ]
        #expect(
            LotteryDraw.canonicalEntryList(entries)
                == "1\t00000000-0000-4000-8000-000000000001\n2\t00000000-0000-4000-8000-000000000002\n"
                + "3\t00000000-0000-4000-8000-00000000000a\n")
        #expect(LotteryDraw.canonicalEntryList([]) == "")
        #expect(
            LotteryDraw.entriesDigest(of: Self.tenEntries, digest: TestSHA256.hash)
                == "a9eee7da7381d1a7d602ba43e359b8ee4d9bdeb0fae19c610464f80bd66bb310")
        #expect(
            LotteryDraw.entriesDigest(of: [], digest: TestSHA256.hash)
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func theNumberStreamIsSHA256BlocksOfSeedDigestAndCounter() {
        var stream = LotteryNumberStream(
            seed: Self.seed, entriesDigest: "a9eee7da7381d1a7d602ba43e359b8ee4d9bdeb0fae19c610464f80bd66bb310")
        let expected: [UInt64] = [
            17_561_899_033_055_141_766, 9_361_760_876_146_199_716, 5_506_634_359_878_742_623,
            8_573_209_424_993_475_877, 3_813_754_641_341_838_305,
        ]
        // Five numbers span blocks 0 and 1.
        #expect((0..<5).map { _ in stream.next(digest: TestSHA256.hash) } == expected)
        #expect(stream.consumed == 5)
    }

    @Test func aFixedSeedAndTenEntriesDrawTheSameWinnersAsThePythonImplementation() throws {
        let winners = try LotteryDraw.winners(
            seed: Self.seed, entries: Self.tenEntries, rules: Self.rules(winners: 3), digest: TestSHA256.hash)
        #expect(
            winners == [
                LotteryDraw.Winner(rank: 1, entryNumber: 7, memberID: Self.member(7), prize: "iPad"),
                LotteryDraw.Winner(rank: 2, entryNumber: 9, memberID: Self.member(9), prize: "AirPods"),
                LotteryDraw.Winner(rank: 3, entryNumber: 10, memberID: Self.member(10), prize: "AirPods"),
            ])
        // The order entries are handed in does not matter: the list is canonical by number.
        let shuffled = try LotteryDraw.winners(
            seed: Self.seed, entries: Array(Self.tenEntries.reversed()), rules: Self.rules(winners: 3),
            digest: TestSHA256.hash)
        #expect(shuffled == winners)
    }

    @Test func fewerEntriesThanWinnersMeansEveryoneWinsInDrawnOrder() throws {
        let winners = try LotteryDraw.winners(
            seed: Self.seed, entries: Self.tenEntries, rules: Self.rules(winners: 12), digest: TestSHA256.hash)
        #expect(winners.map(\.entryNumber) == [7, 9, 10, 3, 4, 2, 5, 6, 1, 8])
        #expect(winners.map(\.rank) == Array(1...10))
        #expect(winners.map(\.memberID) == [7, 9, 10, 3, 4, 2, 5, 6, 1, 8].map(Self.member))
        #expect(winners.first?.prize == "iPad")
        #expect(winners.dropFirst().allSatisfy { $0.prize == "AirPods" })
        let nobody = try LotteryDraw.winners(
            seed: Self.seed, entries: [], rules: Self.rules(winners: 3), digest: TestSHA256.hash)
        #expect(nobody.isEmpty)
    }

    @Test func aDifferentSeedOrEntryListDrawsDifferently() throws {
        let base = try LotteryDraw.winners(
            seed: Self.seed, entries: Self.tenEntries, rules: Self.rules(winners: 10), digest: TestSHA256.hash)
        let otherSeed = try LotteryDraw.winners(
            seed: Array(Self.seed.reversed()), entries: Self.tenEntries, rules: Self.rules(winners: 10),
            digest: TestSHA256.hash)
        // From the Python implementation: draw(bytes(reversed(seed)), entries, 10).
        #expect(base.map(\.entryNumber) == [7, 9, 10, 3, 4, 2, 5, 6, 1, 8])
        #expect(otherSeed.map(\.entryNumber) == [10, 1, 5, 6, 8, 7, 2, 9, 4, 3])
        #expect(Set(otherSeed.map(\.entryNumber)) == Set(1...10))
    }

    @Test func theAcceptanceLimitIsTheLargestMultipleOfTheBound() {
        #expect(LotteryDraw.acceptanceLimit(below: 1) == 18_446_744_073_709_551_615)
        #expect(LotteryDraw.acceptanceLimit(below: 2) == 18_446_744_073_709_551_614)
        #expect(LotteryDraw.acceptanceLimit(below: 3) == 18_446_744_073_709_551_615)
        #expect(LotteryDraw.acceptanceLimit(below: 10) == 18_446_744_073_709_551_610)
        for bound: UInt64 in [1, 2, 3, 7, 10, 1_000, 999_983, 1 << 40] {
            // Accepted values are 0 ..< limit, a whole number of rounds through 0 ..< bound: no bias.
            #expect(LotteryDraw.acceptanceLimit(below: bound) % bound == 0)
        }
    }

    @Test func valuesAtOrAboveTheLimitAreRejectedNotFoldedIn() {
        let limit = LotteryDraw.acceptanceLimit(below: 10)
        // Block 0: the limit itself (rejected), then limit − 1 (accepted: index 9).
        var stream = LotteryNumberStream(seed: Self.seed, entriesDigest: String(repeating: "0", count: 64))
        let atTheLimit = Self.stub(blocks: [[limit, limit - 1, 0, 0]])
        #expect(stream.index(below: 10, digest: atTheLimit) == 9)
        #expect(stream.consumed == 2)

        // Block 0 all UInt64.max (rejected below 3), then block 1 starts with 5: index 5 mod 3.
        var crossing = LotteryNumberStream(seed: Self.seed, entriesDigest: String(repeating: "0", count: 64))
        let saturated = Self.stub(blocks: [[.max, .max, .max, .max], [5, 0, 0, 0]])
        #expect(crossing.index(below: 3, digest: saturated) == 2)
        #expect(crossing.consumed == 5)
        // Below 1 every value but UInt64.max is accepted, and every attempt consumes one.
        #expect(crossing.index(below: 1, digest: saturated) == 0)
        #expect(crossing.consumed == 6)
    }

    @Test func verificationShowsATamperedSeedEntryListOrWinnerList() throws {
        let rules = Self.rules(winners: 3)
        let winners = try LotteryDraw.winners(
            seed: Self.seed, entries: Self.tenEntries, rules: rules, digest: TestSHA256.hash)
        let seedHash = LotterySeed(bytes: Self.seed).commitment(digest: TestSHA256.hash)
        let digest = LotteryDraw.entriesDigest(of: Self.tenEntries, digest: TestSHA256.hash)
        func verify(
            seed: [UInt8] = LotteryDrawTests.seed, entries: [LotteryDraw.Entry] = LotteryDrawTests.tenEntries,
            recorded: [LotteryDraw.Winner]? = nil
        ) -> LotteryDraw.Verification {
            LotteryDraw.verify(
                seed: seed, seedHash: seedHash, entries: entries, entriesDigest: digest,
                recordedWinners: recorded ?? winners, rules: rules, digest: TestSHA256.hash)
        }

        let honest = verify()
        #expect(honest.passed)
        #expect(honest.recomputedWinners == winners)
        #expect(honest.problem == nil)

        let otherSeed = verify(seed: Array(repeating: 7, count: 32))
        #expect(!otherSeed.seedMatchesCommitment)
        #expect(otherSeed.entriesMatchDigest)

        var swapped = Self.tenEntries
        swapped[0].memberID = Self.member(99)
        let tampered = verify(entries: swapped)
        #expect(tampered.seedMatchesCommitment)
        #expect(!tampered.entriesMatchDigest)
        #expect(!tampered.passed)

        var forged = winners
        forged[0].memberID = Self.member(42)
        #expect(!verify(recorded: forged).winnersMatch)

        let gap = Array(Self.tenEntries.dropFirst(2))
        let broken = verify(entries: gap)
        #expect(!broken.winnersMatch)
        #expect(broken.recomputedWinners.isEmpty)
        #expect(broken.problem?.contains("position 1 holds entry 3") == true)
    }

    @Test func entryNumbersMustRunFromOneWithoutGaps() throws {
        let repeated = [Self.tenEntries[0], Self.tenEntries[0]]
        #expect(throws: DomainError.self) { try LotteryDraw.checkNumbering(repeated) }
        #expect(throws: DomainError.self) {
            try LotteryDraw.winners(
                seed: Self.seed, entries: Array(Self.tenEntries.dropLast(2)) + [Self.tenEntries[9]],
                rules: Self.rules(winners: 1), digest: TestSHA256.hash)
        }
        try LotteryDraw.checkNumbering(Self.tenEntries.shuffled())
    }

    @Test func seedsAreThirtyTwoRandomBytesWrittenInHex() {
        let first = LotterySeed.random()
        let second = LotterySeed.random()
        #expect(first.bytes.count == 32)
        #expect(first != second)
        #expect(LotterySeed(hex: first.hex) == first)
        #expect(first.hex.count == 64)
        #expect(LotterySeed(hex: "00ff10Ab")?.bytes == [0x00, 0xFF, 0x10, 0xAB])
        #expect(LotterySeed(hex: "00ff10Ab")?.hex == "00ff10ab")
        #expect(LotterySeed(hex: "abc") == nil)
        #expect(LotterySeed(hex: "0g") == nil)
        #expect(
            LotterySeed(bytes: Self.seed).commitment(digest: TestSHA256.hash)
                == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
    }

    /// A digest that answers stream block k (read from the input's last 8 bytes, big-endian) with
    /// `blocks[k]`'s four numbers big-endian.
    static func stub(blocks: [[UInt64]]) -> ([UInt8]) -> [UInt8] {
        { input in
            let counter = input.suffix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
            return blocks[Int(counter)].flatMap { value in
                stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: value >> $0) }
            }
        }
    }
}

/// SHA-256 (FIPS 180-4) for these tests only, checked against the standard vectors above.
enum TestSHA256 {
    static let initial: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    static let rounds: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state = initial
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var schedule = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for index in 0..<16 {
                var word: UInt32 = 0
                for byte in 0..<4 { word = (word << 8) | UInt32(data[chunk + index * 4 + byte]) }
                schedule[index] = word
            }
            for index in 16..<64 {
                let early = schedule[index - 15]
                let late = schedule[index - 2]
                let sigma0: UInt32 = rotate(early, 7) ^ rotate(early, 18) ^ (early >> 3)
                let sigma1: UInt32 = rotate(late, 17) ^ rotate(late, 19) ^ (late >> 10)
                schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
            }
            var a = state[0]
            var b = state[1]
            var c = state[2]
            var d = state[3]
            var e = state[4]
            var f = state[5]
            var g = state[6]
            var h = state[7]
            for index in 0..<64 {
                let sum1: UInt32 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice: UInt32 = (e & f) ^ (~e & g)
                let temporary1: UInt32 = h &+ sum1 &+ choice &+ rounds[index] &+ schedule[index]
                let sum0: UInt32 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority: UInt32 = (a & b) ^ (a & c) ^ (b & c)
                let temporary2: UInt32 = sum0 &+ majority
                h = g
                g = f
                f = e
                e = d &+ temporary1
                d = c
                c = b
                b = a
                a = temporary1 &+ temporary2
            }
            let worked = [a, b, c, d, e, f, g, h]
            for index in 0..<8 { state[index] = state[index] &+ worked[index] }
        }
        return state.flatMap { word in
            [
                UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16),
                UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word),
            ]
        }
    }
}
