public import Foundation

/// Where a member stands on the lifecycle ladder, and why they moved: the rules the "lifecycle"
/// job evaluates in SQL for every member, written out here as the reference.
///
/// The ladder is `audience` (heard of us) → `user` (tried the product) → `fan` (satisfied,
/// recommends) → `community` (an active member of our groups), plus `lapsed` beside it. A stage is
/// reached through the ones below it: a group member who never tried the product is still audience.
///
/// **Evidence** (events up to the run's "now"):
/// - *user*: a purchase (`first_purchase`) or a use of the product, i.e. an event of
///   ``trialKinds`` (a check-in reports use; `first_use`);
/// - *fan*: a repeat purchase (`repeat_purchase`), a referral (`referral`), or an engagement score
///   at or above ``fanScore`` (`high_engagement`), taken in that order for the reason;
/// - *community*: fan, and an active membership in a group that is not archived
///   (`active_membership`).
///
/// **Levels are kept.** A member keeps the level of their current stage (community counts as fan):
/// events never disappear, so a fan stays a fan when their score decays, and stages set by an
/// operator or an import are not undone for want of events Hearth never saw. The only moves down
/// are the two below.
///
/// **Order of precedence** (the first that holds decides):
/// 1. `lapsed` — a customer (at least one purchase, or already lapsed) whose last purchase is
///    ``lapseDays`` (90) days or more before now (`no_purchase_90d`). A lapsed member leaves only
///    by buying again (`purchase_after_lapse`), to the stage their level gives.
/// 2. `community` — level fan and an active membership; losing it moves them back to `fan`
///    (`no_active_membership`).
/// 3. `fan`, 4. `user`, 5. `audience` — by level.
///
/// A run records one move per member whose stage changed, from the stored stage to the new one.
public struct LifecycleRules: Sendable, Hashable {
    /// Days without a purchase after which a customer is lapsed.
    public var lapseDays: Int
    /// The engagement score (0–100) that makes a member a fan.
    public var fanScore: Double

    /// Kinds of event that show a member used the product (a purchase is one too).
    public static let trialKinds: [EventKind] = [.purchase, .checkIn]

    /// The defaults of issue 6: lapsed after 90 days, fan from a score of 60 (the steady score of a
    /// member chatting daily is ≈ 58, of a weekly buyer ≈ 66; see ``EngagementWeights``).
    public static let standard = LifecycleRules(lapseDays: 90, fanScore: 60)

    public init(lapseDays: Int, fanScore: Double) {
        self.lapseDays = lapseDays
        self.fanScore = fanScore
    }

    /// ``standard`` with a tenant's overrides: `lapse_days` (1 to 3650) and `fan_score` (0 to 100).
    public init(parameters: [String: String]) throws(DomainError) {
        self = .standard
        for (key, text) in parameters.sorted(by: { $0.key < $1.key }) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            switch key {
            case "lapse_days":
                guard let days = Int(trimmed), (1...3_650).contains(days) else {
                    throw DomainError(
                        code: .invalidArgument,
                        message: "lifecycle setting lapse_days=\"\(text)\" must be a whole number of days, 1 to 3650")
                }
                lapseDays = days
            case "fan_score":
                guard let score = Double(trimmed), (0...100).contains(score) else {
                    throw DomainError(
                        code: .invalidArgument,
                        message: "lifecycle setting fan_score=\"\(text)\" must be an engagement score from 0 to 100")
                }
                fanScore = score
            default:
                throw DomainError(
                    code: .invalidArgument,
                    message: "the lifecycle job has no setting \"\(key)\"; it takes lapse_days and fan_score")
            }
        }
    }

    /// What the rules read about one member.
    public struct Facts: Sendable, Hashable {
        /// Purchases up to now.
        public var purchases: Int
        public var lastPurchaseAt: Date?
        /// Events of ``LifecycleRules/trialKinds`` up to now.
        public var uses: Int
        public var referrals: Int
        public var engagementScore: Double
        /// An active membership in a group that is not archived.
        public var inActiveCommunity: Bool

        public init(
            purchases: Int = 0, lastPurchaseAt: Date? = nil, uses: Int = 0, referrals: Int = 0,
            engagementScore: Double = 0, inActiveCommunity: Bool = false
        ) {
            self.purchases = purchases
            self.lastPurchaseAt = lastPurchaseAt
            self.uses = uses
            self.referrals = referrals
            self.engagementScore = engagementScore
            self.inActiveCommunity = inActiveCommunity
        }
    }

    /// A change of stage with its reason.
    public struct Move: Sendable, Hashable {
        public var from: LifecycleStage
        public var to: LifecycleStage
        /// E.g. `first_purchase`, `repeat_purchase`, `no_purchase_90d`.
        public var reason: String

        public init(from: LifecycleStage, to: LifecycleStage, reason: String) {
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    /// The reason of a move to `lapsed`, naming the days: `no_purchase_90d`.
    public var lapseReason: String { "no_purchase_\(lapseDays)d" }

    /// Purchases before this instant no longer keep a customer from lapsing.
    public func lapseCutoff(now: Date) -> Date { now.addingTimeInterval(-Double(lapseDays) * 86_400) }

    /// The rung a member stands on: 1 audience, 2 user, 3 fan (community is fan plus a group).
    public func level(current: LifecycleStage, facts: Facts) -> Int {
        let kept =
            switch current {
            case .audience, .lapsed: 1
            case .user: 2
            case .fan, .community: 3
            }
        let earned =
            if facts.purchases >= 2 || facts.referrals >= 1 || facts.engagementScore >= fanScore {
                3
            } else if facts.purchases >= 1 || facts.uses >= 1 {
                2
            } else {
                1
            }
        return max(kept, earned)
    }

    /// The stage a member in `current` stands at now.
    public func stage(current: LifecycleStage, facts: Facts, now: Date) -> LifecycleStage {
        let recentPurchase = facts.lastPurchaseAt.map { $0 > lapseCutoff(now: now) } ?? false
        if facts.purchases >= 1 || current == .lapsed, !recentPurchase { return .lapsed }
        switch level(current: current, facts: facts) {
        case 3: return facts.inActiveCommunity ? .community : .fan
        case 2: return .user
        default: return .audience
        }
    }

    /// Why a member moved from `current` to `stage` (they differ).
    public func reason(from current: LifecycleStage, to stage: LifecycleStage, facts: Facts) -> String {
        if stage == .lapsed { return lapseReason }
        if current == .lapsed { return "purchase_after_lapse" }
        switch stage {
        case .community: return "active_membership"
        case .fan where current == .community: return "no_active_membership"
        case .fan:
            if facts.purchases >= 2 { return "repeat_purchase" }
            return facts.referrals >= 1 ? "referral" : "high_engagement"
        case .user: return facts.purchases >= 1 ? "first_purchase" : "first_use"
        case .audience, .lapsed: return "no_purchase_or_use"
        }
    }

    /// The move a run records for a member in `current`; `nil` when their stage holds.
    public func move(from current: LifecycleStage, facts: Facts, now: Date) -> Move? {
        let next = stage(current: current, facts: facts, now: now)
        guard next != current else { return nil }
        return Move(from: current, to: next, reason: reason(from: current, to: next, facts: facts))
    }
}
