/// What one new referral earns up the tree: the direct referrer is level 1, their referrer level 2,
/// and so on up to the rules' deepest rewarded level. Deeper referrers earn nothing for it (the
/// referral itself still counts), and a level without a reward in the rules is skipped.
///
/// Pure: the store hands in the newcomer's ancestors and the campaign's rules and writes one
/// reward row per grant.
public struct ReferralRewardPlan: Hashable, Sendable {
    /// One reward for one ancestor.
    public struct Grant: Hashable, Sendable {
        public var beneficiary: MemberID
        /// 1: the direct referrer, 2: their referrer, …
        public var level: Int
        public var reward: Reward

        public init(beneficiary: MemberID, level: Int, reward: Reward) {
            self.beneficiary = beneficiary
            self.level = level
            self.reward = reward
        }
    }

    public var newcomer: MemberID
    /// By level, nearest first.
    public var grants: [Grant]

    /// Plans the rewards of `newcomer`'s referral. `ancestors` run nearest first (the direct referrer,
    /// then theirs, …; ``ReferralNode/ancestorsNearestFirst``). Without rules nothing is earned. An
    /// ancestor in `excluded` (deleted, erased or merged away) earns nothing, and their level is not
    /// handed up to the next ancestor: a level's reward is for that distance from the newcomer.
    public init(newcomer: MemberID, ancestors: [MemberID], rules: ReferralRules?, excluded: Set<MemberID> = []) {
        self.newcomer = newcomer
        guard let rules else {
            grants = []
            return
        }
        var grants: [Grant] = []
        for (index, ancestor) in ancestors.prefix(max(0, rules.maxRewardDepth)).enumerated()
        where !excluded.contains(ancestor) {
            let level = index + 1
            if let reward = rules.reward(atLevel: level) {
                grants.append(Grant(beneficiary: ancestor, level: level, reward: reward))
            }
        }
        self.grants = grants
    }
}
