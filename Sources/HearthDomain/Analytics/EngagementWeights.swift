public import Foundation

/// How the engagement score weighs what a member does: the one definition the "scores" job turns
/// into SQL parameters and the tests compute by hand.
///
/// **Points.** Each event is worth the points of its kind (``standard``: message 1, check-in 2,
/// share 3, referral 5, purchase 8, campaign participation 4; visits, feedback, joins and leaves 0:
/// they are staff actions or membership changes, not engagement).
///
/// **Decay.** An event's points halve every ``halfLifeDays`` (30) days of age, measured from the
/// run's "now": `points × 2^(−age / halfLife)` = `points × exp(−λ·age)` with `λ = ln 2 / halfLife`.
/// Events after "now" do not count yet. The member's **raw points** are the sum over their events.
///
/// **Scale.** `score = 100 × (1 − exp(−raw / k))` with `k` = ``saturation`` (50). An absolute scale
/// rather than a rank within the tenant, so that a member's score depends on their own events only:
/// it can be explained from them (the contributions), it does not move when other members join,
/// and an incremental run can update it exactly. `k = 50` puts the steady state of a weekly buyer
/// (≈ 53.6 raw points, score ≈ 66) and of a daily chatter (≈ 43.8, score ≈ 58) in the upper half,
/// while the curve flattens before 100, which nobody reaches.
///
/// **Why decay suits incremental runs.** Decay is a common factor: points worth `p` at time `t₁`
/// are worth `p × exp(−λ(t₂ − t₁))` at `t₂`, whatever events they came from. So a run may recompute
/// only members with new events and multiply everyone else's stored points by that factor, and get
/// what a full run gets.
///
/// **Tolerance.** Decay moves every score a little every hour (at most 0.035 points an hour at the
/// default half-life), so rewriting each decayed score would rewrite every scored member on every
/// run. An incremental run rewrites a member without new events only once decay has moved their
/// score by ``scoreTolerance`` (0.5 points) or more; until then the stored score is that much
/// too high at most, and stays explained by its events as of when it was computed.
public struct EngagementWeights: Sendable, Hashable {
    /// What one event of a kind is worth when it has just happened; kinds not listed are worth 0.
    public var points: [EventKind: Double]
    /// Days after which an event is worth half as much.
    public var halfLifeDays: Double
    /// `k` of the scale: the raw points that make a score of 63.2 (1 − 1/e).
    public var saturation: Double
    /// Score points by which decay may move a stored score before an incremental run rewrites it;
    /// 0 rewrites every decayed score on every run.
    public var scoreTolerance: Double

    /// The defaults of issue 6.
    public static let standard = EngagementWeights(
        points: [.message: 1, .checkIn: 2, .share: 3, .referral: 5, .purchase: 8, .campaignParticipation: 4],
        halfLifeDays: 30, saturation: 50)

    public init(points: [EventKind: Double], halfLifeDays: Double, saturation: Double, scoreTolerance: Double = 0.5) {
        self.points = points
        self.halfLifeDays = halfLifeDays
        self.saturation = saturation
        self.scoreTolerance = scoreTolerance
    }

    /// ``standard`` with a tenant's overrides: `weight.<kind>` (e.g. `weight.check_in`, 0 to 1000),
    /// `half_life_days` (0.5 to 3650), `saturation` (1 to 100000) and `score_tolerance` (0 to 5),
    /// each a number as text.
    public init(parameters: [String: String]) throws(DomainError) {
        self = .standard
        for (key, text) in parameters.sorted(by: { $0.key < $1.key }) {
            let value = Double(text.trimmingCharacters(in: .whitespaces))
            switch key {
            case "half_life_days":
                halfLifeDays = try Self.number(value, key: key, text: text, in: 0.5...3_650)
            case "saturation":
                saturation = try Self.number(value, key: key, text: text, in: 1...100_000)
            case "score_tolerance":
                scoreTolerance = try Self.number(value, key: key, text: text, in: 0...5)
            default:
                guard key.hasPrefix("weight."), let kind = EventKind(rawValue: String(key.dropFirst("weight.".count)))
                else {
                    throw DomainError(
                        code: .invalidArgument,
                        message:
                            "the scores job has no setting \"\(key)\"; it takes half_life_days, saturation, score_tolerance and "
                            + EventKind.allCases.map { "weight.\($0.rawValue)" }.joined(separator: ", "))
                }
                points[kind] = try Self.number(value, key: key, text: text, in: 0...1_000)
            }
        }
    }

    private static func number(_ value: Double?, key: String, text: String, in range: ClosedRange<Double>)
        throws(DomainError) -> Double
    {
        guard let value, range.contains(value) else {
            throw DomainError(
                code: .invalidArgument,
                message:
                    "scores setting \(key)=\"\(text)\" must be a number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return value
    }

    /// What one event of `kind` is worth when it has just happened.
    public func points(for kind: EventKind) -> Double { points[kind] ?? 0 }

    /// The kinds that earn points, in a stable order (for SQL parameters).
    public var scoredKinds: [EventKind] { EventKind.allCases.filter { points(for: $0) > 0 } }

    /// `λ = ln 2 / halfLife`, per second.
    public var decayPerSecond: Double { log(2.0) / (halfLifeDays * 86_400) }

    /// What points are worth after `age` seconds: `exp(−λ·age)`.
    public func decayFactor(age: TimeInterval) -> Double { exp(-decayPerSecond * age) }

    /// The 0–100 score of `rawPoints`: `100 × (1 − exp(−raw / k))`.
    public func score(rawPoints: Double) -> Double {
        100 * (1 - exp(-max(0, rawPoints) / saturation))
    }

    /// What the events of one kind add to a member's score at one time.
    public struct Contribution: Sendable, Hashable {
        public var eventCount: Int
        /// Points after weighting and decay.
        public var points: Double

        public init(eventCount: Int, points: Double) {
            self.eventCount = eventCount
            self.points = points
        }
    }

    /// A member's contributions at `now`, per kind that earns points: the reference computation
    /// the job's SQL follows. Events after `now` are left out.
    public func contributions(of events: [(kind: EventKind, occurredAt: Date)], at now: Date) -> [EventKind:
        Contribution]
    {
        var result: [EventKind: Contribution] = [:]
        for event in events where event.occurredAt <= now && points(for: event.kind) > 0 {
            let worth = points(for: event.kind) * decayFactor(age: now.timeIntervalSince(event.occurredAt))
            result[event.kind, default: Contribution(eventCount: 0, points: 0)].eventCount += 1
            result[event.kind, default: Contribution(eventCount: 0, points: 0)].points += worth
        }
        return result
    }

    /// A member's score at `now` from their events.
    public func score(of events: [(kind: EventKind, occurredAt: Date)], at now: Date) -> Double {
        score(rawPoints: contributions(of: events, at: now).values.reduce(0) { $0 + $1.points })
    }
}
