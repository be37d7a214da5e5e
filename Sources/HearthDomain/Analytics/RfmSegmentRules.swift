/// A named group of customers by how recently and how often they bought, in the words operators
/// plan campaigns in ("win back the at-risk", "reward the champions").
public enum RfmSegment: String, Sendable, Codable, CaseIterable {
    /// Bought recently and often: reward them, ask them for referrals.
    case champions
    /// Buy often, not necessarily very recently.
    case loyal
    /// Recent customers with a few orders: could become loyal.
    case potentialLoyalist = "potential_loyalist"
    /// Bought very recently for the first time.
    case newCustomer = "new_customer"
    /// Bought fairly recently, once.
    case promising
    /// Middle recency, middle frequency.
    case needsAttention = "needs_attention"
    /// Middle recency, few orders: slipping away.
    case aboutToSleep = "about_to_sleep"
    /// Used to buy often, not for a long time.
    case atRisk = "at_risk"
    /// Were the best customers, gone quiet for a long time.
    case cannotLose = "cannot_lose"
    /// Bought rarely, long ago.
    case hibernating
    /// Bought once, longest ago.
    case lost
}

/// How RFM scores and segments are given. The `rfm` job applies this in SQL; this type is the
/// documented source of its numbers.
///
/// **Who is scored:** every live member (not deleted, erased or merged away) with at least one
/// purchase. Recency is the number of calendar days (tenant time zone) from the last purchase to the
/// run's day, frequency the number of orders (purchase events), monetary the total spend in fen.
///
/// **Quintiles:** each dimension is ranked with `ntile(5)` over all scored members, worst first
/// (most days since the last purchase, fewest orders, least spend), so 1 is the worst fifth and 5
/// the best. `ntile` alone would split equal values across two quintiles at a boundary; instead
/// rows are numbered in value order (member id breaks ties, so a re-run numbers them the same) and
/// then every member takes the *lowest* quintile any member with the same value got. Equal figures
/// therefore always share a score, and a value spanning a boundary stays in the lower quintile
/// (with many one-order customers they all score F = 1, not some 1 and some 2). With fewer than
/// five customers the top quintiles stay empty.
///
/// **Segments** come from the recency (R) and frequency (F) scores, the usual R × F grid; the
/// monetary score is reported beside them but moves nobody between segments:
///
/// | R \ F | 1              | 2                  | 3                  | 4               | 5               |
/// |-------|----------------|--------------------|--------------------|-----------------|-----------------|
/// | 5     | new customer   | potential loyalist | potential loyalist | champions       | champions       |
/// | 4     | promising      | potential loyalist | potential loyalist | loyal           | loyal           |
/// | 3     | about to sleep | about to sleep     | needs attention    | loyal           | loyal           |
/// | 2     | hibernating    | hibernating        | at risk            | at risk         | cannot lose     |
/// | 1     | lost           | hibernating        | at risk            | at risk         | cannot lose     |
public enum RfmSegmentRules {
    /// The scores a quintile takes.
    public static let scores: ClosedRange<Int> = 1...5

    /// The grid above, row by row from R = 1: the segment of (r, f) is
    /// `grid[(r - 1) * 5 + (f - 1)]` (in SQL, with 1-based arrays: `grid[(r - 1) * 5 + f]`).
    public static let grid: [RfmSegment] = [
        // R = 1
        .lost, .hibernating, .atRisk, .atRisk, .cannotLose,
        // R = 2
        .hibernating, .hibernating, .atRisk, .atRisk, .cannotLose,
        // R = 3
        .aboutToSleep, .aboutToSleep, .needsAttention, .loyal, .loyal,
        // R = 4
        .promising, .potentialLoyalist, .potentialLoyalist, .loyal, .loyal,
        // R = 5
        .newCustomer, .potentialLoyalist, .potentialLoyalist, .champions, .champions,
    ]

    /// The segment of a recency and a frequency score, each 1 to 5.
    public static func segment(recency: Int, frequency: Int) throws(DomainError) -> RfmSegment {
        guard scores.contains(recency), scores.contains(frequency) else {
            throw DomainError(
                code: .invalidArgument,
                message: "RFM scores run from 1 to 5, not recency \(recency) and frequency \(frequency)")
        }
        return grid[(recency - 1) * 5 + (frequency - 1)]
    }

    /// The quintile of each value (ascending: larger is better), by the rule above: PostgreSQL's
    /// `ntile(5)` (the first `count % 5` quintiles hold one value more) over the values in order,
    /// then equal values take the lowest quintile among them. Pass recency as days negated.
    /// The result is in the order of `values`.
    public static func quintiles<Value: Comparable>(_ values: [Value]) -> [Int] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        let count = order.count
        var numbered = [Int](repeating: 0, count: count)
        var position = 0
        for quintile in scores {
            let size = count / 5 + (quintile <= count % 5 ? 1 : 0)
            for _ in 0..<size {
                numbered[order[position]] = quintile
                position += 1
            }
        }
        var quintiles = numbered
        var start = 0
        while start < count {
            var end = start
            while end + 1 < count, values[order[end + 1]] == values[order[start]] { end += 1 }
            for index in order[start...end] { quintiles[index] = numbered[order[start]] }
            start = end + 1
        }
        return quintiles
    }
}
