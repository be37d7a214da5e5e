/// What a recruitment call came to; raw values are the schema's (`call_list_entries.outcome`).
///
/// Every entry starts `pending`. An agent records one of the other outcomes after each call; a
/// member not reached (or who declined, or was invited but has not joined yet) may be called and
/// recorded again, but `joined` is final: the recruitment succeeded and nothing undoes it.
public enum CallOutcome: String, Hashable, Sendable, Codable, CaseIterable {
    /// Not called yet.
    case pending
    case notReached = "not_reached"
    case declined
    /// Sent the invitation (link or QR code); not in the group yet.
    case invited
    case joined

    /// The outcomes an agent may record (every one but `pending`).
    public static let recordable: [CallOutcome] = allCases.filter { $0 != .pending }

    /// Whether nothing may be recorded after it.
    public var isFinal: Bool { self == .joined }

    /// Checks that `next` may be recorded on an entry standing at this outcome: `invalidArgument`
    /// for `pending` (where entries start, never a call's result), `failedPrecondition` after
    /// `joined`.
    public func checkMove(to next: CallOutcome) throws(DomainError) {
        guard next != .pending else {
            throw DomainError(
                code: .invalidArgument,
                message: "pending is where every entry starts, not what a call came to; record one of "
                    + Self.recordable.map(\.rawValue).joined(separator: ", "))
        }
        guard !isFinal else {
            throw DomainError(
                code: .failedPrecondition,
                message: "the member joined already; a joined entry is final and takes no further outcome")
        }
    }
}
