/// What an operator may do, in increasing power: each role may call what the ones below it may.
public enum AccessRole: String, Sendable, CaseIterable, Comparable {
    case viewer
    case agent
    case `operator`
    case admin

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
