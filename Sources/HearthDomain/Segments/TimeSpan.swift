/// A length of time written `12h`, `90d` or `2w`: the window of an event aggregate
/// (`purchases(last 90d)`) or the distance of a relative time (`last_active_at < 30d ago`).
///
/// The unit is kept as written, so `2w` prints back as `2w` rather than `14d`.
public struct TimeSpan: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Unit: String, Hashable, Sendable, Codable, CaseIterable {
        case hours = "h"
        case days = "d"
        case weeks = "w"
    }

    public var count: Int
    public var unit: Unit

    /// Not checked: the parser only builds spans from 1 up to ``maximumCount(in:)``.
    public init(_ count: Int, _ unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// The longest span a rule may use, 100 years: anything longer is a typo, and the bound keeps
    /// interval arithmetic in the store far from overflow.
    public static func maximumCount(in unit: Unit) -> Int {
        switch unit {
        case .hours: 876_600
        case .days: 36_525
        case .weeks: 5_217
        }
    }

    public var description: String { "\(count)\(unit.rawValue)" }
}
