import Foundation
import HearthProtos

/// How a member bought over the past year.
enum DemoBuying: Sendable {
    /// Never bought.
    case prospect
    /// Bought within the last 90 days.
    case active
    /// Bought in the past year, but not in the last 90 days: the win-back's audience.
    case lapsed
}

/// One generated pharmacy or clinic.
struct DemoMember: Sendable {
    /// Its place in the generated list: the key every other generated fact uses.
    let index: Int
    let displayName: String
    /// In E.164, the form member-service returns, so the imported member is found by it.
    let phone: String
    let province: String
    let city: String
    /// "pharmacy" or "clinic".
    let orgKind: String
    let vipTier: Int32
    let source: Hearth_Common_V1_SourceChannel
    /// The channels the member granted consent for.
    let consents: [Hearth_Common_V1_ConsentChannel]
    let buying: DemoBuying

    /// In the "sichuan-vip" segment.
    var isSichuanVIP: Bool { province == "Sichuan" && vipTier >= 1 }
}

/// A purchase of the member's history, recorded as a purchase event.
struct DemoPurchase: Sendable {
    let memberIndex: Int
    let at: Date
    let amountFen: Int64
    let idempotencyKey: String
}

/// An order placed during one of the Thursday activities, attributed to the campaign by its code.
struct DemoOrder: Sendable {
    let orderID: String
    let memberIndex: Int
    /// Which of the four Thursdays, 0 to 3.
    let thursday: Int
    let at: Date
    let amountFen: Int64
    let refunded: Bool
    /// When a refunded order was refunded; `nil`: at the call (its day-later refund is still to come).
    let refundedAt: Date?
}

/// A member taking part in one Thursday's activity, with or without buying.
struct DemoParticipation: Sendable {
    let memberIndex: Int
    let thursday: Int
    let at: Date
    let idempotencyKey: String
}

/// Everything the demo loads, generated from `--seed` alone (names, phones, regions, tiers,
/// consents, amounts, outcomes); times are relative to `now`.
struct DemoScenario: Sendable {
    let seed: UInt64
    let now: Date
    let calendar: DemoCalendar
    let members: [DemoMember]
    let purchases: [DemoPurchase]
    let orders: [DemoOrder]
    let participations: [DemoParticipation]
    /// Seats of the WeChat group: few enough that recruitment fills it and it replicates.
    let groupCapacity: Int

    init(seed: UInt64, memberCount: Int, now: Date) {
        let calendar = DemoCalendar(now: now)
        let members = Self.makeMembers(seed: seed, count: memberCount)
        let orders = Self.makeOrders(members: members, calendar: calendar, seed: seed, now: now)
        self.seed = seed
        self.now = now
        self.calendar = calendar
        self.members = members
        self.purchases = Self.makePurchases(members: members, seed: seed, now: now)
        self.orders = orders
        self.participations = Self.makeParticipations(
            members: members, orders: orders, calendar: calendar, seed: seed, now: now)
        self.groupCapacity = min(200, max(20, memberCount / 25))
    }

    /// What the agent's call to a member came to: about half join.
    func callOutcome(of index: Int) -> Hearth_Common_V1_CallOutcome {
        var random = DemoRandom(seed: seed, stream: 1_000_000 + UInt64(index))
        return random.weighted([(.joined, 0.55), (.invited, 0.15), (.declined, 0.12), (.notReached, 0.18)])
    }

    /// When a member who joined the group spoke there: 0 to 6 messages, each at a fraction (0 to
    /// 1) of the time since recruitment began.
    func groupMessages(of index: Int) -> [Double] {
        var random = DemoRandom(seed: seed, stream: 2_000_000 + UInt64(index))
        let count = Int.random(in: 0...6, using: &random)
        return (0..<count).map { _ in Double.random(in: 0..<1, using: &random) }
    }

    // MARK: Generation

    private static func makeMembers(seed: UInt64, count: Int) -> [DemoMember] {
        var random = DemoRandom(seed: seed, stream: 1)
        let provinces = DemoCatalog.provinces.map { ($0, $0.weight) }
        // Members sharing a prefix have distinct `index / prefixes.count`, and multiplying by 7919
        // (prime to 10^8) modulo 10^8 maps distinct numbers to distinct serials: phones are unique.
        let prefixes = DemoCatalog.mobilePrefixes
        let rotation = Int(seed % UInt64(prefixes.count))
        let start = seed % 100_000_000
        var members: [DemoMember] = []
        members.reserveCapacity(count)
        for index in 0..<count {
            let province = random.weighted(provinces)
            let city = random.element(of: province.cities)
            let isPharmacy = random.chance(0.6)
            let brand = random.element(of: DemoCatalog.brands)
            let suffix = random.element(of: isPharmacy ? DemoCatalog.pharmacySuffixes : DemoCatalog.clinicSuffixes)
            var branch = ""
            if isPharmacy, random.chance(0.3) {
                let store = Int.random(in: 2...12, using: &random)
                branch = "\(store)店"
            }
            let vipTier: Int32 = random.weighted([(0, 0.5), (1, 0.28), (2, 0.15), (3, 0.07)])
            let source = random.weighted(DemoCatalog.sourceChannels)
            var consents: [Hearth_Common_V1_ConsentChannel] = []
            if random.chance(0.85) { consents.append(.sms) }
            if random.chance(0.8) { consents.append(.im) }
            if random.chance(0.8) { consents.append(.phone) }
            let buying: DemoBuying
            if vipTier >= 1 {
                buying = random.weighted([(.prospect, 0.05), (.active, 0.8), (.lapsed, 0.15)])
            } else {
                buying = random.weighted([(.prospect, 0.2), (.active, 0.55), (.lapsed, 0.25)])
            }
            let serial = (UInt64(index / prefixes.count) &* 7_919 &+ start) % 100_000_000
            let digits = String(serial)
            let phone =
                "+86" + prefixes[(index + rotation) % prefixes.count]
                + String(repeating: "0", count: 8 - digits.count) + digits
            members.append(
                DemoMember(
                    index: index, displayName: city.chinese + brand + suffix + branch, phone: phone,
                    province: province.name, city: city.name, orgKind: isPharmacy ? "pharmacy" : "clinic",
                    vipTier: vipTier, source: source, consents: consents, buying: buying))
        }
        return members
    }

    /// Active members bought 2 to 8 times in the year, once within the last 75 days; lapsed ones 1
    /// to 4 times, all 100 to 360 days ago; prospects never. 200 to 3,000 CNY each (B2B orders).
    private static func makePurchases(members: [DemoMember], seed: UInt64, now: Date) -> [DemoPurchase] {
        var random = DemoRandom(seed: seed, stream: 2)
        var purchases: [DemoPurchase] = []
        for member in members {
            var daysAgo: [Int] = []
            switch member.buying {
            case .prospect:
                continue
            case .active:
                daysAgo.append(Int.random(in: 3...75, using: &random))
                for _ in 1..<Int.random(in: 2...8, using: &random) {
                    daysAgo.append(Int.random(in: 3...360, using: &random))
                }
            case .lapsed:
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    daysAgo.append(Int.random(in: 100...360, using: &random))
                }
            }
            for (number, days) in daysAgo.enumerated() {
                let at = now.addingTimeInterval(-Double(days) * 86_400 - Double.random(in: 0..<43_200, using: &random))
                purchases.append(
                    DemoPurchase(
                        memberIndex: member.index, at: at,
                        amountFen: Int64.random(in: 20_000...300_000, using: &random) / 10 * 10,
                        idempotencyKey: "hearth-demo-\(seed)-purchase-\(member.index)-\(number)"))
            }
        }
        return purchases
    }

    /// About 6 orders per 100 members (20 to 600), more each Thursday as the group grows, 400 to
    /// 1,500 CNY each, placed during the live phase (20:00 to 23:00) by active Sichuan VIP members;
    /// every 50th order (from the 8th) is refunded a day later.
    private static func makeOrders(members: [DemoMember], calendar: DemoCalendar, seed: UInt64, now: Date)
        -> [DemoOrder]
    {
        var random = DemoRandom(seed: seed, stream: 3)
        var buyers = members.filter { $0.isSichuanVIP && $0.buying == .active }.map(\.index)
        if buyers.isEmpty { buyers = members.filter { $0.buying == .active }.map(\.index) }
        if buyers.isEmpty { buyers = members.map(\.index) }
        guard !buyers.isEmpty else { return [] }
        let total = min(600, max(20, members.count * 6 / 100))
        var counts = [0.20, 0.24, 0.26].map { Int((Double(total) * $0).rounded()) }
        counts.append(total - counts.reduce(0, +))
        // Orders never lie in the future: the last Thursday may still be under way.
        let latest = now.addingTimeInterval(-1)
        var orders: [DemoOrder] = []
        for (thursday, count) in counts.enumerated() {
            let start = calendar.thursdays[thursday]
            let day = calendar.dayText(start).replacingOccurrences(of: "-", with: "")
            for number in 0..<count {
                let offset = Double.random(in: 0..<Double(DemoCatalog.activityDurationSeconds), using: &random)
                let at = min(start.addingTimeInterval(offset), latest)
                let amount = Int64.random(in: 4_000...15_000, using: &random) * 10
                let refunded = orders.count % 50 == 7
                let refundAt = at.addingTimeInterval(26 * 3_600)
                let serial = String(number + 1)
                let orderID = "DEMO\(seed)-\(day)-" + String(repeating: "0", count: max(0, 4 - serial.count)) + serial
                let buyer = random.element(of: buyers)
                orders.append(
                    DemoOrder(
                        orderID: orderID, memberIndex: buyer, thursday: thursday, at: at, amountFen: amount,
                        refunded: refunded, refundedAt: refunded && refundAt < latest ? refundAt : nil))
            }
        }
        return orders
    }

    /// Each Thursday's buyers take part, and about one Sichuan VIP member in five more who only
    /// looks, asks or shares, between 20:00 and 22:30.
    private static func makeParticipations(
        members: [DemoMember], orders: [DemoOrder], calendar: DemoCalendar, seed: UInt64, now: Date
    ) -> [DemoParticipation] {
        var random = DemoRandom(seed: seed, stream: 4)
        let audience = members.filter(\.isSichuanVIP).map(\.index)
        let latest = now.addingTimeInterval(-1)
        var participations: [DemoParticipation] = []
        for thursday in 0..<calendar.thursdays.count {
            var present = Set(orders.filter { $0.thursday == thursday }.map(\.memberIndex))
            for index in audience where random.chance(0.2) { present.insert(index) }
            for index in present.sorted() {
                let offset = Double.random(in: 0..<9_000, using: &random)
                participations.append(
                    DemoParticipation(
                        memberIndex: index, thursday: thursday,
                        at: min(calendar.thursdays[thursday].addingTimeInterval(offset), latest),
                        idempotencyKey: "hearth-demo-\(seed)-participation-\(thursday)-\(index)"))
            }
        }
        return participations
    }
}
