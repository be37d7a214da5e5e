extension EventKind {
    /// The plural a segment rule counts by: `purchases(last 90d)`, `check_ins(last 7d)`.
    var pluralName: String { rawValue + "s" }

    /// The kind whose plural is `name` (lower case); `nil` for anything else.
    init?(pluralName name: String) {
        guard let kind = Self.allCases.first(where: { $0.pluralName == name }) else { return nil }
        self = kind
    }
}
