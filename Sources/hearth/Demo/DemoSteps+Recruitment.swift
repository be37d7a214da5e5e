import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

/// Recruitment: the WeChat group, the recruitment campaign, the agents' call list, the joins that
/// fill the group until it replicates, and what the newcomers say there.
extension DemoSteps {
    func createCommunity() async throws -> String {
        var request = Hearth_Member_V1_CreateCommunityRequest()
        request.settings.name = DemoCatalog.communityName
        request.settings.platform = .wechat
        request.settings.capacity = Int32(scenario.groupCapacity)
        request.settings.joinPolicy = .open
        request.settings.structure = .pyramid
        request.settings.visibility = .inner
        request.settings.purpose = DemoCatalog.communityPurpose
        request.settings.rules = DemoCatalog.communityRules
        request.settings.announcement = DemoCatalog.communityAnnouncement
        // Fixed per seed: a run interrupted after this step gets the same group back on the next.
        request.idempotencyKey = "hearth-demo-\(scenario.seed)-community"
        let community = try await calling(.member, "creating the WeChat group") {
            try await memberService.createCommunity(request, options: Self.options(seconds: 30)).community
        }
        say("WeChat group \(DemoCatalog.communityName): \(scenario.groupCapacity) seats, replicated when full")
        return community.communityID
    }

    /// A recruitment campaign calling the Sichuan VIP segment into the group.
    func launchRecruitment(segment: DemoSegment, community: String) async throws -> String {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = DemoCatalog.recruitmentName
        spec.kind = .recruitment
        spec.audience.segmentID = segment.id
        spec.audience.communityID = community
        spec.schedule.onceAt = Google_Protobuf_Timestamp(date: scenario.now)
        spec.schedule.duration = Google_Protobuf_Duration(seconds: 14 * 86_400)
        spec.schedule.timeZone = DemoCatalog.timeZoneName
        let launched = try await createAndLaunch(spec)
        say("campaign \(spec.name): recruits segment \(segment.name) into \(DemoCatalog.communityName); launched")
        return launched.id
    }

    /// Agents call the call list; members who say yes join through the campaign's invite link
    /// (attributed to it), filling the group until it replicates. Without agents in the tenant
    /// there is no call list, and the same members join through the link directly.
    func recruit(campaign: String, ids: [Int: String]) async throws -> [DemoJoin] {
        var invite = Hearth_Campaign_V1_CreateInviteLinkRequest()
        invite.campaignID = campaign
        invite.sourceChannel = .phoneInvite
        invite.idempotencyKey = UUID().uuidString.lowercased()
        let token = try await calling(.campaign, "creating the group's invite link") {
            try await campaignService.createInviteLink(invite, options: Self.options(seconds: 30)).link.token
        }
        var indexByID: [String: Int] = [:]
        for (index, id) in ids { indexByID[id] = index }
        var joins: [DemoJoin] = []
        var refusals: [String] = []
        if let entries = try await callList(of: campaign) {
            var tally: [Hearth_Common_V1_CallOutcome: Int] = [:]
            var notDemo = 0
            for entry in entries {
                guard let index = indexByID[entry.memberID] else {
                    notDemo += 1
                    continue
                }
                var outcome = scenario.callOutcome(of: index)
                if outcome == .joined {
                    let joining = try await join(index: index, memberID: entry.memberID, token: token)
                    switch joining {
                    case .joined(let joined): joins.append(joined)
                    case .refused(let reason):
                        refusals.append(reason)
                        outcome = .invited
                    }
                }
                try await recordCallOutcome(entry: entry.entryID, outcome: outcome)
                tally[outcome, default: 0] += 1
            }
            say(
                "calls: \(tally[.joined] ?? 0) joined, \(tally[.invited] ?? 0) invited, \(tally[.declined] ?? 0) "
                    + "declined, \(tally[.notReached] ?? 0) not reached")
            if notDemo > 0 { say("\(notDemo) call list members are not the demo's; their calls are left pending") }
        } else {
            for member in scenario.members where member.isSichuanVIP && member.consents.contains(.phone) {
                guard let id = ids[member.index], scenario.callOutcome(of: member.index) == .joined else { continue }
                let joining = try await join(index: member.index, memberID: id, token: token)
                switch joining {
                case .joined(let joined): joins.append(joined)
                case .refused(let reason): refusals.append(reason)
                }
            }
            say("\(joins.count) Sichuan VIP members joined through the invite link")
        }
        if let first = refusals.first { say("\(refusals.count) joins refused, e.g. \(first)") }
        try await reportGroups(joins)
        return joins
    }

    /// The call list's entries, or `nil` when the tenant has no agent to split it among: operators
    /// are kept in the database, and no RPC creates one (`scripts/up --demo` adds two).
    private func callList(of campaign: String) async throws -> [Hearth_Campaign_V1_CallListEntry]? {
        var build = Hearth_Campaign_V1_BuildCallListRequest()
        build.campaignID = campaign
        build.idempotencyKey = UUID().uuidString.lowercased()
        let list: Hearth_Campaign_V1_CallList
        do {
            list = try await campaignService.buildCallList(build, options: Self.options(seconds: 120)).callList
        } catch let error as RPCError where error.code == .failedPrecondition {
            say("no call list: \(error.message)")
            return nil
        } catch let error as RPCError {
            throw failure(.campaign, "building the call list", error)
        }
        let shares = list.agents.map { DemoText.number($0.entryCount) }.joined(separator: ", ")
        say(
            "call list: \(DemoText.number(list.entryCount)) Sichuan VIP members to call, split among "
                + "\(list.agents.count) agents (\(shares))")
        var request = Hearth_Campaign_V1_ListCallListEntriesRequest()
        request.callListID = list.callListID
        let entries: [Hearth_Campaign_V1_CallListEntry] = try await calling(.campaign, "reading the call list") {
            try await collectPages(limit: Int.max) {
                page -> (items: [Hearth_Campaign_V1_CallListEntry], next: Hearth_Common_V1_PageResponse) in
                var next = request
                next.page = page
                let response = try await campaignService.listCallListEntries(next, options: Self.options(seconds: 60))
                return (response.entries, response.page)
            }
        }
        return entries
    }

    private func recordCallOutcome(entry: String, outcome: Hearth_Common_V1_CallOutcome) async throws {
        var request = Hearth_Campaign_V1_RecordCallOutcomeRequest()
        request.entryID = entry
        request.outcome = outcome
        request.note = DemoCatalog.callNote(outcome)
        request.idempotencyKey = "hearth-demo-call-\(entry)"
        _ = try await calling(.campaign, "recording call outcomes") {
            try await campaignService.recordCallOutcome(request, options: Self.options(seconds: 30))
        }
    }

    /// Joins a member through the invite link: into the first group of the family with room, or a
    /// replica of the fullest when all are full. A refusal (e.g. already a member) is returned.
    private func join(index: Int, memberID: String, token: String) async throws -> DemoJoinOutcome {
        var request = Hearth_Member_V1_ResolveJoinLinkRequest()
        request.token = token
        request.memberID = memberID
        do {
            let response = try await memberService.resolveJoinLink(request, options: Self.options(seconds: 30))
            return .joined(
                DemoJoin(
                    memberIndex: index, memberID: memberID, communityID: response.community.communityID,
                    familyID: response.community.familyID))
        } catch let error as RPCError where error.code == .failedPrecondition || error.code == .alreadyExists {
            return .refused(error.message)
        } catch let error as RPCError {
            throw failure(.member, "joining members to the group", error)
        }
    }

    /// Says how full each group of the family is.
    private func reportGroups(_ joins: [DemoJoin]) async throws {
        guard let family = joins.first?.familyID, !family.isEmpty else {
            say("nobody joined \(DemoCatalog.communityName)")
            return
        }
        var request = Hearth_Member_V1_ListCommunitiesRequest()
        request.familyID = family
        let found = try await calling(.member, "reading the groups") {
            try await memberService.listCommunities(request, options: Self.options(seconds: 30)).communities
        }
        let groups = found.sorted { $0.familySeq < $1.familySeq }
        let sizes = groups.map { "\($0.settings.name): \($0.memberCount)" }.joined(separator: ", ")
        say(
            groups.count > 1
                ? "\(DemoCatalog.communityName) filled and replicated into \(groups.count) groups (\(sizes))"
                : "\(DemoCatalog.communityName) has \(sizes.isEmpty ? "no" : sizes) members")
    }

    /// What the newcomers said in their groups: message events, so group health has something
    /// to measure. Each lies between `since` (when recruitment began) and now.
    func recordGroupChatter(_ joins: [DemoJoin], since: Date) async throws {
        let span = max(1, Date().timeIntervalSince(since))
        var events: [Hearth_Member_V1_EventInput] = []
        for join in joins {
            for (number, fraction) in scenario.groupMessages(of: join.memberIndex).enumerated() {
                var event = Hearth_Member_V1_EventInput()
                event.memberID = join.memberID
                event.kind = .message
                event.communityID = join.communityID
                event.occurredAt = Google_Protobuf_Timestamp(date: since.addingTimeInterval(fraction * span))
                event.idempotencyKey = "hearth-demo-\(scenario.seed)-message-\(join.memberIndex)-\(number)"
                events.append(event)
            }
        }
        guard !events.isEmpty else { return }
        let recorded = try await record(events, what: "group messages")
        say("\(DemoText.number(recorded)) messages in the groups recorded")
    }
}

/// A member who joined a group of the family.
struct DemoJoin: Sendable {
    let memberIndex: Int
    let memberID: String
    let communityID: String
    let familyID: String
}

enum DemoJoinOutcome {
    case joined(DemoJoin)
    /// The service's reason.
    case refused(String)
}
