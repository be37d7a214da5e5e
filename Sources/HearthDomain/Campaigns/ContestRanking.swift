import Foundation

/// How a contest's entries rank, and who wins: the one definition the listing and the declaration
/// both follow, so the order operators see is the order winners are taken from.
///
/// Entries rank by their value (votes in a VOTES contest, the judges' average score in a JUDGES
/// contest), highest first. Ties go to the **earlier entry** (it was there first for voters and
/// judges to see); entries submitted in the same microsecond fall back to the smaller entry id, so
/// the order never depends on how the entries were read. An entry without a vote (or without a
/// score) has no value: it ranks after every entry that has one and never wins.
public enum ContestRanking {
    /// What an entry ranks by; `nil` when it has no vote (VOTES) or no score (JUDGES).
    public static func value(of entry: ContestEntry, by scoring: ContestRules.Scoring) -> Double? {
        switch scoring {
        case .votes: entry.voteCount > 0 ? Double(entry.voteCount) : nil
        case .judges: entry.judgeCount > 0 ? entry.judgeScore : nil
        }
    }

    /// Whether `first` ranks above `second`.
    public static func ranksAbove(_ first: ContestEntry, _ second: ContestEntry, by scoring: ContestRules.Scoring)
        -> Bool
    {
        let (a, b) = (value(of: first, by: scoring), value(of: second, by: scoring))
        if a != b {
            guard let a else { return false }
            guard let b else { return true }
            return a > b
        }
        if first.submittedAt != second.submittedAt { return first.submittedAt < second.submittedAt }
        return first.id.description < second.id.description
    }

    /// The entries, best first.
    public static func ranked(_ entries: [ContestEntry], by scoring: ContestRules.Scoring) -> [ContestEntry] {
        entries.sorted { ranksAbove($0, $1, by: scoring) }
    }

    /// The first `count` ranked entries that have a value, with ``ContestEntry/winnerRank`` set to
    /// 1, 2, …; fewer when fewer entries have a vote (or a score).
    public static func winners(among entries: [ContestEntry], by scoring: ContestRules.Scoring, count: Int)
        -> [ContestEntry]
    {
        ranked(entries, by: scoring).filter { value(of: $0, by: scoring) != nil }.prefix(max(0, count)).enumerated()
            .map { index, entry in
                var winner = entry
                winner.winnerRank = index + 1
                return winner
            }
    }

    /// The judges' average score; `nil` without a score.
    public static func averageScore(_ scores: [Double]) -> Double? {
        scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
    }
}
