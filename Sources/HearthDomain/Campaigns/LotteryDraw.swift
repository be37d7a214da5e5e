/// The draw of an auditable lottery: algorithm `hearth-lottery-v1`, described here precisely
/// enough for anyone to re-implement it and check a published draw.
///
/// 1. **Commitment.** Before entries close the service picks a secret seed of 32 random bytes and
///    publishes `seed_hash` = lowercase hex SHA-256 of the seed bytes (not of their hex text).
/// 2. **Canonical entry list.** The UTF-8 text of one line per entry in entry-number order,
///    `"<entry_number>\t<member uuid>\n"`: the number in decimal without padding, a tab, the
///    member id as a lowercase UUID with hyphens, a line feed (the last line too). Entry numbers
///    run 1…n without gaps. No entries: the empty text.
/// 3. **Entries digest.** `entries_digest` = lowercase hex SHA-256 of that text (64 characters).
/// 4. **Number stream.** Block k (k = 0, 1, 2, …) is SHA-256(seed bytes ‖ the 64 ASCII bytes of
///    entries_digest ‖ k as an 8-byte big-endian unsigned integer); each block gives four
///    unsigned 64-bit numbers, read big-endian from bytes 0–7, 8–15, 16–23 and 24–31. The stream
///    is those numbers in order: block 0's four, then block 1's, and so on.
/// 5. **Uniform index below m.** Take the next number v of the stream; with
///    `limit = UInt64.max − (UInt64.max mod m)`, accept v if `v < limit` and answer `v mod m`,
///    otherwise discard v and take the next (rejection sampling: `limit` is a multiple of m, so
///    every index is equally likely; there is no modulo bias). Every attempt consumes one number,
///    also for m = 1.
/// 6. **Partial Fisher–Yates.** Start from the list `[1, 2, …, n]` of entry numbers. For step
///    i = 0, 1, …, min(winner_count, n) − 1: j = i + (uniform index below n − i); swap positions
///    i and j; the entry number now at position i wins rank i + 1. Fewer entries than winners:
///    everyone wins, in drawn order. The first k winners do not depend on winner_count beyond k.
/// 7. **Prizes.** Rank r gets `LotteryRules.prize(forRank: r)`: the r-th prize, the last prize
///    repeating for ranks past the list.
///
/// Foundation-free on purpose: the hash comes in as `digest` (SHA-256, e.g. `SHA256Digest` of
/// HearthWire), so the domain stays free of OpenSSL and tests can drive the stream with a stub.
public enum LotteryDraw {
    /// The name and version of this algorithm, as `LotteryState.algorithm` publishes it.
    public static let algorithm = "hearth-lottery-v1"

    /// One line of the canonical entry list.
    public struct Entry: Hashable, Sendable {
        /// 1-based position in the entry list (order of entry).
        public var entryNumber: Int64
        public var memberID: MemberID

        public init(entryNumber: Int64, memberID: MemberID) {
            self.entryNumber = entryNumber
            self.memberID = memberID
        }
    }

    /// A drawn winner; rank 1 is the first prize.
    public struct Winner: Hashable, Sendable {
        public var rank: Int
        public var entryNumber: Int64
        public var memberID: MemberID
        public var prize: String

        public init(rank: Int, entryNumber: Int64, memberID: MemberID, prize: String) {
            self.rank = rank
            self.entryNumber = entryNumber
            self.memberID = memberID
            self.prize = prize
        }
    }

    /// The canonical entry list text (step 2), in entry-number order whatever the order given.
    public static func canonicalEntryList(_ entries: [Entry]) -> String {
        var text = ""
        for entry in entries.sorted(by: { $0.entryNumber < $1.entryNumber }) {
            text += "\(entry.entryNumber)\t\(entry.memberID.description)\n"
        }
        return text
    }

    /// Lowercase hex SHA-256 of the canonical entry list (step 3).
    public static func entriesDigest(of entries: [Entry], digest: ([UInt8]) -> [UInt8]) -> String {
        hex(digest(Array(canonicalEntryList(entries).utf8)))
    }

    /// The bound below which a stream number is accepted for an index below `bound` (step 5).
    public static func acceptanceLimit(below bound: UInt64) -> UInt64 {
        precondition(bound >= 1, "an index is drawn below a bound of at least 1")
        return UInt64.max - (UInt64.max % bound)
    }

    /// Refuses an entry list whose numbers are not exactly 1…n: such a list is not canonical and
    /// cannot be drawn from.
    public static func checkNumbering(_ entries: [Entry]) throws(DomainError) {
        for (index, entry) in entries.sorted(by: { $0.entryNumber < $1.entryNumber }).enumerated()
        where entry.entryNumber != Int64(index + 1) {
            throw DomainError(
                code: .invalidArgument,
                message: "the entry list is not canonical: entry numbers must run 1…\(entries.count) without gaps "
                    + "or repeats, but position \(index + 1) holds entry \(entry.entryNumber)")
        }
    }

    /// The winners of a draw (steps 3 to 7), first prize first. `invalidArgument` when the entry
    /// numbers are not 1…n.
    public static func winners(
        seed: [UInt8], entries: [Entry], rules: LotteryRules, digest: ([UInt8]) -> [UInt8]
    ) throws(DomainError) -> [Winner] {
        try checkNumbering(entries)
        let ordered = entries.sorted(by: { $0.entryNumber < $1.entryNumber })
        var stream = LotteryNumberStream(seed: seed, entriesDigest: entriesDigest(of: ordered, digest: digest))
        // Positions into `ordered`: position p holds entry number p + 1.
        var positions = Array(ordered.indices)
        var winners: [Winner] = []
        let count = max(0, min(rules.winnerCount, ordered.count))
        for step in 0..<count {
            let chosen = step + stream.index(below: ordered.count - step, digest: digest)
            positions.swapAt(step, chosen)
            let entry = ordered[positions[step]]
            winners.append(
                Winner(
                    rank: step + 1, entryNumber: entry.entryNumber, memberID: entry.memberID,
                    prize: rules.prize(forRank: step + 1)))
        }
        return winners
    }

    /// What re-running a published draw shows: whether the revealed seed is the committed one,
    /// whether the entry list is the one drawn from, and whether the recorded winners are the ones
    /// the algorithm gives.
    public struct Verification: Hashable, Sendable {
        /// SHA-256 of the seed equals the published seed hash.
        public var seedMatchesCommitment: Bool
        /// The entry list hashes to the published entries digest.
        public var entriesMatchDigest: Bool
        /// The recomputed winners equal the recorded ones, rank by rank (entry, member, prize).
        public var winnersMatch: Bool
        /// The winners recomputed from the seed and the entry list as given.
        public var recomputedWinners: [Winner]
        /// Why the winners could not be recomputed (the entry list is not numbered 1…n), if so.
        public var problem: String?

        /// Every check holds.
        public var passed: Bool { seedMatchesCommitment && entriesMatchDigest && winnersMatch }
    }

    /// Re-runs a draw from its published parts. Hashes compare case-insensitively.
    public static func verify(
        seed: [UInt8], seedHash: String, entries: [Entry], entriesDigest published: String, recordedWinners: [Winner],
        rules: LotteryRules, digest: ([UInt8]) -> [UInt8]
    ) -> Verification {
        let seedMatches = !seedHash.isEmpty && hex(digest(seed)) == seedHash.lowercased()
        let entriesMatch = entriesDigest(of: entries, digest: digest) == published.lowercased()
        do throws(DomainError) {
            let recomputed = try winners(seed: seed, entries: entries, rules: rules, digest: digest)
            return Verification(
                seedMatchesCommitment: seedMatches, entriesMatchDigest: entriesMatch,
                winnersMatch: recomputed == recordedWinners.sorted(by: { $0.rank < $1.rank }),
                recomputedWinners: recomputed, problem: nil)
        } catch {
            return Verification(
                seedMatchesCommitment: seedMatches, entriesMatchDigest: entriesMatch, winnersMatch: false,
                recomputedWinners: [], problem: error.message)
        }
    }

    /// Lowercase hexadecimal, two digits a byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The deterministic stream of 64-bit numbers a draw consumes (steps 4 and 5 of
/// ``LotteryDraw``): SHA-256 blocks of seed ‖ entries digest ‖ block counter, four numbers each.
public struct LotteryNumberStream: Sendable {
    private let prefix: [UInt8]
    private var nextBlock: UInt64 = 0
    private var buffered: [UInt64] = []
    /// How many numbers were taken so far, accepted or rejected.
    public private(set) var consumed = 0

    public init(seed: [UInt8], entriesDigest: String) {
        prefix = seed + Array(entriesDigest.utf8)
    }

    /// The next number of the stream.
    public mutating func next(digest: ([UInt8]) -> [UInt8]) -> UInt64 {
        if buffered.isEmpty {
            // The block counter, 8 bytes big-endian.
            let counter = stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: nextBlock >> $0) }
            let block = digest(prefix + counter)
            precondition(block.count >= 32, "the lottery's digest must give 32 bytes (SHA-256), not \(block.count)")
            buffered = (0..<4).reversed().map { part in
                block[(part * 8)..<(part * 8 + 8)].reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
            }
            nextBlock += 1
        }
        consumed += 1
        return buffered.removeLast()
    }

    /// A uniformly drawn index in `0..<bound`, by rejection sampling (step 5).
    public mutating func index(below bound: Int, digest: ([UInt8]) -> [UInt8]) -> Int {
        let modulus = UInt64(bound)
        let limit = LotteryDraw.acceptanceLimit(below: modulus)
        while true {
            let value = next(digest: digest)
            if value < limit { return Int(value % modulus) }
        }
    }
}

/// A lottery's secret seed: 32 bytes from the system's cryptographically secure generator,
/// written as lowercase hex when revealed.
public struct LotterySeed: Hashable, Sendable {
    public static let byteCount = 32

    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A fresh seed from `SystemRandomNumberGenerator` (getrandom / arc4random: suitable for secrets).
    public static func random() -> LotterySeed {
        var generator = SystemRandomNumberGenerator()
        return LotterySeed(bytes: (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Reads hex text (either case, two digits a byte); `nil` for anything else.
    public init?(hex text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// Lowercase hex.
    public var hex: String { LotteryDraw.hex(bytes) }

    /// The commitment published before entries close: lowercase hex `digest` (SHA-256) of the bytes.
    public func commitment(digest: ([UInt8]) -> [UInt8]) -> String { LotteryDraw.hex(digest(bytes)) }
}
