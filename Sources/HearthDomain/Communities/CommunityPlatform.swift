/// The IM platform hosting a community. Platforms limit group sizes differently, so a new group's
/// capacity defaults to its platform's usual limit.
public enum CommunityPlatform: String, Hashable, Sendable, Codable, CaseIterable {
    case wechat
    case qq
    case dingtalk
    case yy
    case other

    /// Seats a group on this platform has unless the operator says otherwise.
    ///
    /// Conservative on purpose: a default above the real limit would route newcomers into a group
    /// the platform refuses them, while one below it only replicates a group a little early. WeChat
    /// groups hold 500; QQ's large groups 2,000; DingTalk's ordinary (external) groups 500, more
    /// only for paid, certified enterprise groups; YY and anything else are assumed to hold 500.
    /// Operators with upgraded groups set the capacity explicitly.
    public var defaultCapacity: Int {
        switch self {
        case .wechat: 500
        case .qq: 2_000
        case .dingtalk: 500
        case .yy: 500
        case .other: 500
        }
    }
}
