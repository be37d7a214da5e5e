import Foundation

/// How the community_health job judges one group on one day (a calendar day in the tenant's time
/// zone): its warnings and its health score. The store turns these values into SQL parameters, so
/// the SQL computes exactly what ``score(members:activeMembers:lurkerShare:warnings:)`` says.
///
/// Figures of a day:
/// - **members**: memberships joined before the day ends and not left by then (as memberships stand:
///   a member who left and re-joined counts from the re-join);
/// - **active members**: distinct members with any event in the group that day;
/// - **lurker share**: of the day's members, those who sent no message in the group in the
///   ``lurkerDays`` days ending with the day, divided by the day's members (0 for an empty group).
///   The denominator is the group's headcount, not the day's active members: lurkers are by
///   definition mostly not active that day, so dividing by those could exceed 1.
///
/// Warnings of a day:
/// - **activity declining** (silence): active members fell day over day ``declineDays`` days
///   running or more; since the first day of the fall;
/// - **no new members** (silence): no join in the ``inflowDays`` days ending with the day, judged
///   only once the group existed before that window began; since the last join (or the group's
///   creation);
/// - **no staff activity** (silence): no event by the group's owner or an admin (their current
///   active memberships) in the ``staffDays`` days ending with the day, judged likewise; since their
///   last event (or the group's creation);
/// - **near capacity**: members ≥ ``capacityShare`` × capacity: replicate the group; since the first
///   day of the current streak.
///
/// Per-tenant values: a run's parameters override the defaults (see ``init(parameters:)``).
public struct CommunityHealthRules: Hashable, Sendable {
    /// What a warning is about; the raw values are what the job stores.
    public enum WarningKind: String, Hashable, Sendable, CaseIterable, Codable {
        case activityDeclining = "activity_declining"
        case noNewMembers = "no_new_members"
        case noStaffActivity = "no_staff_activity"
        case nearCapacity = "near_capacity"
    }

    /// k: days running the active members must fall for the declining warning (default 3).
    public var declineDays: Int = 3
    /// n: days without a join for the no-new-members warning (default 7).
    public var inflowDays: Int = 7
    /// Days without owner or admin activity for the no-staff warning (default 7).
    public var staffDays: Int = 7
    /// Days without a message that make a member a lurker (default 30).
    public var lurkerDays: Int = 30
    /// Fill ratio from which a group is near capacity and should be replicated (default 0.9).
    public var capacityShare: Double = 0.9
    /// Share of members active on a day at which the activity part of the score is full (default
    /// 0.2: a group where one member in five speaks or acts each day is lively).
    public var livelyShare: Double = 0.2
    /// Score points for activity (default 40), for voice (members who are not lurkers, 30), for
    /// inflow (no no-new-members warning, 15) and for staff presence (no no-staff warning, 15).
    public var activityWeight: Double = 40
    public var voiceWeight: Double = 30
    public var inflowWeight: Double = 15
    public var staffWeight: Double = 15
    /// Points taken off while activity is declining (default 10).
    public var declinePenalty: Double = 10
    /// Days a full run computes, ending today (default 90).
    public var fullRunDays: Int = 90

    public init() {}

    /// The defaults, with what a run's parameters set: `decline_days`, `inflow_days`, `staff_days`,
    /// `lurker_days`, `days` (whole numbers), `capacity_share`, `lively_share` (fractions above 0 up
    /// to 1). Other parameters (such as `full`) are not this type's; a malformed value is refused
    /// with the parameter's name rather than ignored.
    public init(parameters: [String: String]) throws(DomainError) {
        self.init()
        declineDays = try Self.whole(parameters, "decline_days", default: declineDays, in: 1...60)
        inflowDays = try Self.whole(parameters, "inflow_days", default: inflowDays, in: 1...90)
        staffDays = try Self.whole(parameters, "staff_days", default: staffDays, in: 1...90)
        lurkerDays = try Self.whole(parameters, "lurker_days", default: lurkerDays, in: 1...365)
        fullRunDays = try Self.whole(parameters, "days", default: fullRunDays, in: 1...3_660)
        capacityShare = try Self.fraction(parameters, "capacity_share", default: capacityShare)
        livelyShare = try Self.fraction(parameters, "lively_share", default: livelyShare)
    }

    /// Lurkers over members; 0 for a group without members.
    public func lurkerShare(members: Int, lurkers: Int) -> Double {
        members > 0 ? Double(lurkers) / Double(members) : 0
    }

    /// Whether a group of `members` is full enough to replicate.
    public func isNearCapacity(members: Int, capacity: Int) -> Bool {
        capacity > 0 && Double(members) >= capacityShare * Double(capacity)
    }

    /// The day's health score, 0 to 100 in tenths:
    ///
    ///     activity = min(1, active / (livelyShare × members))      (0 without members)
    ///     voice    = 1 − lurkerShare                                 (0 without members)
    ///     score    = activityWeight × activity + voiceWeight × voice
    ///              + inflowWeight × (no "no new members" warning ? 1 : 0)
    ///              + staffWeight × (no "no staff activity" warning ? 1 : 0)
    ///              − declinePenalty × (activity declining ? 1 : 0)
    ///
    /// clamped to 0…100 and rounded half up to one decimal. Being near capacity costs nothing: a
    /// full group is a success whose warning asks for a replica.
    public func score(members: Int, activeMembers: Int, lurkerShare: Double, warnings: Set<WarningKind>) -> Double {
        let activity = members > 0 ? min(1, Double(activeMembers) / (livelyShare * Double(members))) : 0
        let voice = members > 0 ? 1 - lurkerShare : 0
        let inflow: Double = warnings.contains(.noNewMembers) ? 0 : 1
        let staff: Double = warnings.contains(.noStaffActivity) ? 0 : 1
        let declining: Double = warnings.contains(.activityDeclining) ? 1 : 0
        let raw =
            activityWeight * activity + voiceWeight * voice + inflowWeight * inflow + staffWeight * staff
            - declinePenalty * declining
        return ((max(0, min(100, raw)) * 10) + 0.5).rounded(.down) / 10
    }

    private static func whole(
        _ parameters: [String: String], _ name: String, default value: Int, in range: ClosedRange<Int>
    ) throws(DomainError) -> Int {
        guard let text = parameters[name] else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw DomainError(
                code: .invalidArgument,
                message: "params.\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), "
                    + "not \"\(text)\"")
        }
        return number
    }

    private static func fraction(_ parameters: [String: String], _ name: String, default value: Double)
        throws(DomainError) -> Double
    {
        guard let text = parameters[name] else { return value }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number > 0, number <= 1 else {
            throw DomainError(
                code: .invalidArgument, message: "params.\(name) must be a fraction above 0 up to 1, not \"\(text)\"")
        }
        return number
    }
}
