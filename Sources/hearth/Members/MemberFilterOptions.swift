import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// The profile filters `members list`, `members tag` and `members untag` share; each narrows the
/// members chosen, and repeated values of one option mean any of them.
struct MemberFilterOptions: ParsableArguments {
    @Option(name: .customLong("province"), help: "In this province; repeat for several.") var provinces: [String] = []
    @Option(name: .customLong("city"), help: "In this city; repeat for several.") var cities: [String] = []
    @Option(name: .customLong("org-kind"), help: "Of this organisation kind; repeat for several.")
    var orgKinds: [String] = []
    @Option(name: .customLong("stage"), help: "At this lifecycle stage; repeat for several.")
    var stages: [EnumArgument<Hearth_Common_V1_LifecycleStage>] = []
    @Option(name: .customLong("source"), help: "Came through this source channel; repeat for several.")
    var sources: [EnumArgument<Hearth_Common_V1_SourceChannel>] = []
    @Option(name: .customLong("any-tag"), help: "Holding at least one of these tags; repeat for several.")
    var anyTags: [String] = []
    @Option(name: .customLong("interest"), help: "With at least one of these interests; repeat for several.")
    var interests: [String] = []
    @Option(name: .customLong("vip-min"), parsing: .unconditional, help: "VIP tier at least this (0 to 9).") var vipMin:
        Int?
    @Option(name: .customLong("vip-max"), parsing: .unconditional, help: "VIP tier at most this (0 to 9).") var vipMax:
        Int?
    @Option(help: "An active member of this community (its id).") var community: String?
    @Option(help: "In this saved segment (its id): as its rule matches now, or its frozen list.") var segment: String?
    @Option(
        name: .customLong("active-since"), parsing: .unconditional,
        help: "Last active at or after this: 2026-05-01, 2026-05-01T08:00:00+08:00, or 30d (that long ago).")
    var activeSince: PastMomentArgument?
    @Option(name: .customLong("active-before"), parsing: .unconditional, help: "Last active before this (same forms).")
    var activeBefore: PastMomentArgument?
    @Option(name: .customLong("created-since"), parsing: .unconditional, help: "Added at or after this (same forms).")
    var createdSince: PastMomentArgument?
    @Option(name: .customLong("created-before"), parsing: .unconditional, help: "Added before this (same forms).")
    var createdBefore: PastMomentArgument?

    func validate() throws {
        for (name, tier) in [("--vip-min", vipMin), ("--vip-max", vipMax)] {
            if let tier, !(0...9).contains(tier) { throw ValidationError("\(name) must be 0 to 9") }
        }
        if let vipMin, let vipMax, vipMin > vipMax {
            throw ValidationError("--vip-min \(vipMin) is above --vip-max \(vipMax): no member can match")
        }
    }

    /// Whether any option here was given.
    var isEmpty: Bool { apply(to: Hearth_Member_V1_MemberFilter()) == Hearth_Member_V1_MemberFilter() }

    /// `filter` with these options added.
    func apply(to filter: Hearth_Member_V1_MemberFilter) -> Hearth_Member_V1_MemberFilter {
        var filter = filter
        filter.provinces = provinces
        filter.cities = cities
        filter.orgKinds = orgKinds
        filter.lifecycleStages = stages.map(\.value)
        filter.sourceChannels = sources.map(\.value)
        filter.tagsAny = anyTags
        filter.interestsAny = interests
        if let vipMin { filter.vipTierMin = Int32(vipMin) }
        if let vipMax { filter.vipTierMax = Int32(vipMax) }
        if let community { filter.communityID = community }
        if let segment { filter.segmentID = segment }
        if activeSince != nil || activeBefore != nil {
            filter.lastActive = Self.range(activeSince, activeBefore)
        }
        if createdSince != nil || createdBefore != nil {
            filter.created = Self.range(createdSince, createdBefore)
        }
        return filter
    }

    private static func range(_ start: PastMomentArgument?, _ end: PastMomentArgument?) -> Hearth_Common_V1_TimeRange {
        var range = Hearth_Common_V1_TimeRange()
        if let start { range.start = Google_Protobuf_Timestamp(date: start.date) }
        if let end { range.end = Google_Protobuf_Timestamp(date: end.date) }
        return range
    }
}

/// A moment in the past typed on the command line: ISO 8601 (`2026-05-01T08:00:00+08:00`), a
/// day (`2026-05-01`, its start in UTC), or a span back from now (`90m`, `12h`, `30d`).
struct PastMomentArgument: ExpressibleByArgument, Sendable {
    let date: Date

    init?(argument: String) {
        if let span = MomentArgument.seconds(argument) {
            date = Date().addingTimeInterval(-span)
        } else if let parsed = ISO8601DateFormatter().date(from: argument) {
            date = parsed
        } else {
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            guard let parsed = day.date(from: argument) else { return nil }
            date = parsed
        }
    }
}
