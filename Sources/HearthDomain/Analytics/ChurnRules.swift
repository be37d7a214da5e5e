/// Why a member is on the reactivation list.
public enum ChurnSignal: String, Sendable, Codable, CaseIterable {
    /// Was engaged (several events within a month), then nothing for `silenceDays` or more.
    case goneSilent = "gone_silent"
    /// Bought at least twice, and the days since the last purchase exceed `overdueFactor` times the
    /// member's median days between purchases.
    case purchaseOverdue = "purchase_overdue"
    /// Activity in the last 30 days fell to `dropRatio` or less of the 30 days before.
    case engagementDrop = "engagement_drop"
    /// A customer with no purchase for `lapseDays` or more: already lapsed, a reactivation target.
    case lapsed
}

/// What the churn rules look at for one member as of a run's day. The `churn` job computes these
/// in SQL; ``ChurnRules/signals(for:)`` is the rule it follows, written out.
public struct ChurnFacts: Sendable, Hashable {
    /// Calendar days (tenant time zone) from the member's last activity to the run's day.
    public var daysSilent: Int
    /// Events in the ``ChurnRules/engagedWindowDays`` up to and including the last activity.
    public var eventsBeforeSilence: Int
    /// Calendar days from the last purchase to the run's day; `nil` for a member who never bought.
    public var daysSinceLastPurchase: Int?
    public var orders: Int
    /// The median of the calendar days between consecutive purchases; `nil` with fewer than two.
    public var usualPurchaseIntervalDays: Double?
    /// Events in the last ``ChurnRules/activityWindowDays`` days.
    public var recentEvents: Int
    /// Events in the ``ChurnRules/activityWindowDays`` days before those.
    public var priorEvents: Int

    public init(
        daysSilent: Int, eventsBeforeSilence: Int, daysSinceLastPurchase: Int?, orders: Int,
        usualPurchaseIntervalDays: Double?, recentEvents: Int, priorEvents: Int
    ) {
        self.daysSilent = daysSilent
        self.eventsBeforeSilence = eventsBeforeSilence
        self.daysSinceLastPurchase = daysSinceLastPurchase
        self.orders = orders
        self.usualPurchaseIntervalDays = usualPurchaseIntervalDays
        self.recentEvents = recentEvents
        self.priorEvents = priorEvents
    }
}

/// The churn-risk rules: which signals a member shows and the risk they add up to.
///
/// **Who is scored:** every live member (not deleted, erased or merged away) with at least one
/// recorded activity (`members.last_active_at`). Events counted as activity are every kind but
/// `join` and `leave`: a group's membership changes are not the member's engagement.
///
/// **Signals** (see ``ChurnSignal``), each independent of the others:
/// - gone silent: `eventsBeforeSilence ≥ engagedEvents` and `daysSilent ≥ silenceDays`;
/// - purchase overdue: a usual interval exists (two or more purchases) and
///   `daysSinceLastPurchase > overdueFactor × max(usualInterval, 1)` (purchases on the same day
///   would otherwise make an interval of 0 days, overdue by tomorrow);
/// - engagement drop: `priorEvents ≥ dropMinimumPriorEvents` and `recentEvents ≤ dropRatio × priorEvents`;
/// - lapsed: `orders ≥ 1` and `daysSinceLastPurchase ≥ lapseDays` (the lifecycle job's default too).
///
/// **Risk** is a weighted sum of the signals present, capped at 1 and rounded to 4 decimals:
/// `risk = min(1, Σ weight(signal))` with the default weights gone silent 0.3, purchase overdue
/// 0.4, engagement drop 0.2, lapsed 0.6. A member with no signal has risk 0 and is not a
/// reactivation candidate. Equal risks are ranked by total spend (more to win back first), then
/// member id.
///
/// Scheduled runs use the defaults; an on-demand run may pass `silence_days`, `lapse_days` and
/// `overdue_factor` as parameters.
public struct ChurnRules: Sendable, Hashable {
    /// Days without activity after which an engaged member counts as gone silent.
    public var silenceDays: Int
    /// Events within ``engagedWindowDays`` up to the last activity that make a member "engaged before".
    public var engagedEvents: Int
    /// How many times their usual interval a repeat customer may go without buying before overdue.
    public var overdueFactor: Double
    /// Events in the prior window below which a drop is not judged (too little to compare).
    public var dropMinimumPriorEvents: Int
    /// The share of the prior window's activity at or below which the last window counts as a drop.
    public var dropRatio: Double
    /// Days without a purchase after which a customer is lapsed.
    public var lapseDays: Int
    /// What each signal adds to the risk, 0 to 1.
    public var weights: [ChurnSignal: Double]

    /// The window before the last activity that "engaged before" is counted in. Fixed: the job
    /// keeps this count per member between runs and recomputes it only when the member's events change.
    public static let engagedWindowDays = 30
    /// The length of each of the two windows an engagement drop compares (the last one ends at the run).
    public static let activityWindowDays = 30

    public static let `default` = ChurnRules()

    public init(
        silenceDays: Int = 14, engagedEvents: Int = 3, overdueFactor: Double = 1.5, dropMinimumPriorEvents: Int = 4,
        dropRatio: Double = 0.5, lapseDays: Int = 90,
        weights: [ChurnSignal: Double] = [.goneSilent: 0.3, .purchaseOverdue: 0.4, .engagementDrop: 0.2, .lapsed: 0.6]
    ) {
        self.silenceDays = silenceDays
        self.engagedEvents = engagedEvents
        self.overdueFactor = overdueFactor
        self.dropMinimumPriorEvents = dropMinimumPriorEvents
        self.dropRatio = dropRatio
        self.lapseDays = lapseDays
        self.weights = weights
    }

    /// The defaults with an on-demand run's overrides (`silence_days`, `lapse_days`,
    /// `overdue_factor`); other parameters are not the churn rules' and are left to the job.
    public init(params: [String: String]) throws(DomainError) {
        self.init()
        if let text = params["silence_days"] {
            guard let days = Int(text), (1...365).contains(days) else {
                throw DomainError(
                    code: .invalidArgument, message: "silence_days must be whole days from 1 to 365, not \(text)")
            }
            silenceDays = days
        }
        if let text = params["lapse_days"] {
            guard let days = Int(text), (1...3650).contains(days) else {
                throw DomainError(
                    code: .invalidArgument, message: "lapse_days must be whole days from 1 to 3650, not \(text)")
            }
            lapseDays = days
        }
        if let text = params["overdue_factor"] {
            guard let factor = Double(text), factor.isFinite, factor >= 1, factor <= 10 else {
                throw DomainError(
                    code: .invalidArgument, message: "overdue_factor must be from 1 to 10 (e.g. 1.5), not \(text)")
            }
            overdueFactor = factor
        }
    }

    /// What `signal` adds to the risk (0 when it has no weight).
    public func weight(of signal: ChurnSignal) -> Double { weights[signal] ?? 0 }

    /// The signals `facts` show, in ``ChurnSignal`` declaration order.
    public func signals(for facts: ChurnFacts) -> [ChurnSignal] {
        ChurnSignal.allCases.filter { signal in
            switch signal {
            case .goneSilent:
                return facts.eventsBeforeSilence >= engagedEvents && facts.daysSilent >= silenceDays
            case .purchaseOverdue:
                guard let interval = facts.usualPurchaseIntervalDays, let days = facts.daysSinceLastPurchase else {
                    return false
                }
                return Double(days) > overdueFactor * max(interval, 1)
            case .engagementDrop:
                return facts.priorEvents >= dropMinimumPriorEvents
                    && Double(facts.recentEvents) <= dropRatio * Double(facts.priorEvents)
            case .lapsed:
                guard let days = facts.daysSinceLastPurchase else { return false }
                return facts.orders >= 1 && days >= lapseDays
            }
        }
    }

    /// The risk of a member showing `signals`: the weighted sum capped at 1, rounded to 4 decimals.
    public func risk(_ signals: [ChurnSignal]) -> Double {
        let sum = Set(signals).reduce(0.0) { $0 + weight(of: $1) }
        return (min(1, sum) * 10_000).rounded() / 10_000
    }
}
