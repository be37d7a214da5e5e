/// What a campaign aims for over its period: revenue, participants, or both ("300,000 CNY this
/// month").
public struct CampaignGoal: Hashable, Sendable, Codable {
    /// In fen (1/100 CNY).
    public var revenueFen: Int64?
    /// Members who take part (join, enter, claim, buy: whatever the kind counts).
    public var participants: Int?

    public init(revenueFen: Int64? = nil, participants: Int? = nil) {
        self.revenueFen = revenueFen
        self.participants = participants
    }

    private enum CodingKeys: String, CodingKey {
        case revenueFen = "revenue_fen"
        case participants
    }

    /// A goal names at least one target, each above zero; participants fit the wire's 32 bits.
    public func validate() throws(DomainError) {
        guard revenueFen != nil || participants != nil else {
            throw DomainError(
                code: .invalidArgument, message: "a goal needs a revenue (in fen), a number of participants, or both")
        }
        if let revenueFen, revenueFen <= 0 {
            throw DomainError(
                code: .invalidArgument,
                message: "a revenue goal must be above zero, not \(Yuan.text(fen: revenueFen)) CNY")
        }
        if let participants, !(1...Int(Int32.max)).contains(participants) {
            throw DomainError(
                code: .invalidArgument,
                message: "a participants goal is 1 to \(Int32.max) members, not \(participants)")
        }
    }

    /// Revenue reached as a share of the goal (1 = reached; above 1 = beaten); `nil` without a
    /// revenue goal.
    public func revenueProgress(achievedFen: Int64) -> Double? {
        guard let revenueFen, revenueFen > 0 else { return nil }
        return Double(achievedFen) / Double(revenueFen)
    }

    /// Participants reached as a share of the goal; `nil` without a participants goal.
    public func participantsProgress(achieved: Int) -> Double? {
        guard let participants, participants > 0 else { return nil }
        return Double(achieved) / Double(participants)
    }
}
