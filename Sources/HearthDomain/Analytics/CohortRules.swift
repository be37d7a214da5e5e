/// What puts a member in a monthly cohort, and what counts as retained.
public enum CohortBasis: String, Sendable, Codable, CaseIterable {
    /// Cohort: the month of the first purchase; retained in month k: bought in month k.
    case firstPurchase = "first_purchase"
    /// Cohort: the month the member joined; retained in month k: any event in month k.
    case join
}

/// How the `retention` job builds cohorts and repurchase rates, and how a request picks from them.
///
/// **Months** are calendar months in the tenant's time zone. Month offset k counts from the cohort
/// month (k = 0) to the month of the run; nothing after the run's moment is counted.
///
/// **First-purchase cohorts:** every member with a purchase, in the month of their first one;
/// `retained[k]` is how many of them bought in month k, so `retained[0]` is the cohort's size.
///
/// **Join cohorts:** every member not merged into another, in the month they joined: the earlier
/// of their creation and their first event (an import of history dates a member by the history);
/// `retained[k]` is how many had any event in month k, joins and leaves included.
///
/// Members deleted or erased later stay in the cohorts they were part of: the figures describe
/// what happened, and no personal data is involved. Offsets are kept up to ``maximumMonths``.
///
/// **Repurchase:** over a half-open period `[start, end)`, the customers are the members who bought
/// in it, and the repeat customers those of them whose purchases up to the end of the period
/// (counting purchases before it) number two or more. By month, the same within the part of each
/// month inside the period. The rate is repeat customers over customers (0 without customers).
/// Scheduled runs compute the last 12 months; an on-demand run may add a period of its own
/// (parameters `repurchase_start` and `repurchase_end`, RFC 3339).
public enum CohortRules {
    /// Months followed after each cohort month when a request says none.
    public static let defaultMonths = 12
    /// The most months after a cohort month that are kept and can be asked for.
    public static let maximumMonths = 36

    /// The months a request follows: 0 means ``defaultMonths``; otherwise 1 to ``maximumMonths``.
    public static func months(requested: Int) throws(DomainError) -> Int {
        if requested == 0 { return defaultMonths }
        guard (1...maximumMonths).contains(requested) else {
            throw DomainError(
                code: .invalidArgument,
                message: "months must be 1 to \(maximumMonths) (0 for \(defaultMonths)), not \(requested)")
        }
        return requested
    }

    /// A month as a count of months since year 0, so offsets are differences.
    public static func monthIndex(year: Int, month: Int) -> Int { year * 12 + (month - 1) }

    /// Year and month `index` names (the inverse of ``monthIndex(year:month:)``).
    public static func month(ofIndex index: Int) -> (year: Int, month: Int) {
        (index / 12, index % 12 + 1)
    }

    /// `part / whole` as a share, 0 when `whole` is 0.
    public static func rate(_ part: Int64, of whole: Int64) -> Double {
        whole > 0 ? Double(part) / Double(whole) : 0
    }
}
