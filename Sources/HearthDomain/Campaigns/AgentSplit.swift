public import Foundation

/// The even split of a call list among agents: entries are dealt round robin, like cards, so each
/// agent gets ⌊n/k⌋ or ⌈n/k⌉ of `n` entries and nobody's share is all the hard cases of one region
/// or one import batch.
public enum AgentSplit {
    /// Deals `items` in the order given to `agents` round robin: item `i` goes to the `i mod k`-th
    /// agent (each agent counted once, first occurrence wins). Callers sort items by a stable key
    /// (the member id) so the same audience is always dealt the same way. `failedPrecondition`
    /// when there is no agent.
    public static func deal<Item>(_ items: [Item], among agents: [UUID]) throws(DomainError)
        -> [(item: Item, agent: UUID)]
    {
        let dealers = distinct(agents)
        guard !dealers.isEmpty else {
            throw DomainError(
                code: .failedPrecondition, message: "a call list needs at least one agent to split it among")
        }
        return items.enumerated().map { (item: $0.element, agent: dealers[$0.offset % dealers.count]) }
    }

    /// How many of `count` items each of `agentCount` agents gets when dealt round robin: the
    /// first `count mod agentCount` agents one more than the others. Empty without agents.
    public static func shares(of count: Int, among agentCount: Int) -> [Int] {
        guard agentCount > 0, count >= 0 else { return [] }
        let (base, extra) = count.quotientAndRemainder(dividingBy: agentCount)
        return (0..<agentCount).map { $0 < extra ? base + 1 : base }
    }

    /// `agents` without repeats, in first-seen order.
    static func distinct(_ agents: [UUID]) -> [UUID] {
        var seen = Set<UUID>()
        return agents.filter { seen.insert($0).inserted }
    }
}
