public import Foundation

/// When a campaign runs: the half-open range `[start, end)` its occurrences start in and its goal
/// is measured over.
public struct CampaignPeriod: Hashable, Sendable, Codable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// An empty or reversed period would hold no occurrence and make every pace a division by zero.
    public func validate() throws(DomainError) {
        guard start < end else {
            throw DomainError(code: .invalidArgument, message: "a campaign's period must end after it starts")
        }
        guard CampaignSchedule.supportedInstants.contains(start), CampaignSchedule.supportedInstants.contains(end)
        else {
            throw DomainError(
                code: .invalidArgument, message: "a campaign's period must lie between the years 1900 and 3000")
        }
    }

    /// Whether `instant` lies in `[start, end)`.
    public func contains(_ instant: Date) -> Bool { start <= instant && instant < end }

    /// How much of the period has passed at `instant`, from 0 (not started) to 1 (over): the pace a
    /// goal's progress is compared with.
    public func elapsedFraction(at instant: Date) -> Double {
        let total = end.timeIntervalSince(start)
        guard total > 0 else { return 1 }
        return min(1, max(0, instant.timeIntervalSince(start) / total))
    }
}
