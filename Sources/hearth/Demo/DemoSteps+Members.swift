import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

/// The member side of the demo: the tenant check, the import, the purchase history, the segments.
extension DemoSteps {
    /// Refuses a tenant that holds the demo already (loading twice would double every figure the
    /// report counts), and fails before loading anything when a service cannot be reached.
    func checkFreshTenant() async throws {
        for name in DemoCatalog.campaignNames {
            var request = Hearth_Campaign_V1_ListCampaignsRequest()
            request.query = name
            let found = try await calling(.campaign, "looking for an earlier demo") {
                try await campaignService.listCampaigns(request, options: Self.options(seconds: 30)).campaigns
            }
            if let earlier = found.first(where: { $0.spec.name == name }) {
                throw DemoFailure(
                    message: "this tenant holds the demo already (campaign \(name), \(earlier.campaignID)); load it "
                        + "into a fresh tenant: `HEARTH_TENANT_SLUG=demo-2 scripts/up --demo`, or `hearth tenants "
                        + "create --slug demo-2 --name 'Demo 2'` and a token for it (`hearth token issue --tenant ID "
                        + "--operator admin --role admin`)")
            }
        }
        var segments = Hearth_Member_V1_ListSegmentsRequest()
        segments.page.pageSize = 1
        _ = try await calling(.member, "reaching member-service") {
            try await memberService.listSegments(segments, options: Self.options(seconds: 30))
        }
        _ = try await calling(.analytics, "reaching analytics-worker") {
            try await analyticsService.listJobs(
                Hearth_Analytics_V1_ListJobsRequest(), options: Self.options(seconds: 30))
        }
    }

    /// Imports the generated pharmacies and clinics through ImportMembers (1,000 rows a message),
    /// then reads them back to learn their ids: member index → member id.
    func importMembers() async throws -> [Int: String] {
        let rows = scenario.members.map(Self.importRow)
        let batches = stride(from: 0, to: rows.count, by: 1_000).map { Array(rows[$0..<min($0 + 1_000, rows.count)]) }
        var opening = Hearth_Member_V1_ImportMembersRequest()
        opening.options = Hearth_Member_V1_MemberImportOptions()
        let first = opening
        let outcome = try await calling(.member, "importing members") {
            try await memberService.importMembers(
                options: Self.options(seconds: 900),
                requestProducer: { writer in
                    try await writer.write(first)
                    for batch in batches {
                        var message = Hearth_Member_V1_ImportMembersRequest()
                        message.batch.rows = batch
                        try await writer.write(message)
                    }
                },
                onResponse: { response -> DemoImportOutcome in
                    var summary: Hearth_Member_V1_MemberImportSummary?
                    var refused: [Hearth_Member_V1_RejectedRow] = []
                    for try await message in response.messages {
                        switch message.item {
                        case .summary(let last): summary = last
                        case .rejects(let rejects): refused += rejects.rows
                        case .progress, nil: break
                        }
                    }
                    guard let summary else {
                        throw DemoFailure(message: "importing members: member-service ended without a summary")
                    }
                    return DemoImportOutcome(summary: summary, refused: refused)
                })
        }
        let summary = outcome.summary
        say(
            "\(DemoText.number(summary.inserted + summary.updated + summary.unchanged)) pharmacies and clinics "
                + "imported across \(DemoCatalog.provinces.count) provinces (\(DemoText.number(summary.inserted)) new)")
        if let first = outcome.refused.first {
            say("\(outcome.refused.count) rows refused, e.g. row \(first.rowNumber): \(first.reason)")
        }

        let request = Hearth_Member_V1_StreamMembersRequest()
        let byPhone = try await calling(.member, "reading the imported members") {
            try await memberService.streamMembers(request, options: Self.options(seconds: 900)) { response in
                var byPhone: [String: String] = [:]
                for try await message in response.messages {
                    for member in message.members { byPhone[member.profile.phone] = member.memberID }
                }
                return byPhone
            }
        }
        var ids: [Int: String] = [:]
        for member in scenario.members {
            if let id = byPhone[member.phone] { ids[member.index] = id }
        }
        guard !ids.isEmpty else {
            throw DemoFailure(message: "importing members: none of the imported members could be read back")
        }
        if ids.count < scenario.members.count {
            let missing = scenario.members.count - ids.count
            say("\(missing) generated members are not in the tenant; the demo goes on without them")
        }
        return ids
    }

    static func importRow(_ member: DemoMember) -> Hearth_Member_V1_MemberImportRow {
        var row = Hearth_Member_V1_MemberImportRow()
        row.rowNumber = Int64(member.index + 1)
        row.profile.displayName = member.displayName
        row.profile.phone = member.phone
        row.profile.region.province = member.province
        row.profile.region.city = member.city
        row.profile.orgKind = member.orgKind
        row.profile.vipTier = member.vipTier
        row.profile.sourceChannel = member.source
        row.profile.tags = ["demo"]
        row.consents = member.consents.map { channel in
            var consent = Hearth_Member_V1_ConsentInput()
            consent.channel = channel
            consent.granted = true
            consent.source = "demo_signup"
            return consent
        }
        return row
    }

    /// Records the past year's purchases, so RFM, churn and the lapsed segment have a history.
    func recordHistory(_ ids: [Int: String]) async throws {
        let events = scenario.purchases.compactMap { purchase -> Hearth_Member_V1_EventInput? in
            guard let member = ids[purchase.memberIndex] else { return nil }
            return Self.purchaseEvent(
                member: member, at: purchase.at, amountFen: purchase.amountFen, key: purchase.idempotencyKey)
        }
        let recorded = try await record(events, what: "purchases")
        let lapsed = scenario.members.filter { $0.buying == .lapsed && ids[$0.index] != nil }.count
        say(
            "\(DemoText.number(recorded)) purchases of the past year recorded; \(DemoText.number(lapsed)) customers "
                + "lapsed (nothing bought in 90 days)")
    }

    static func purchaseEvent(member: String, at: Date, amountFen: Int64, key: String, campaign: String = "")
        -> Hearth_Member_V1_EventInput
    {
        var event = Hearth_Member_V1_EventInput()
        event.memberID = member
        event.kind = .purchase
        event.occurredAt = Google_Protobuf_Timestamp(date: at)
        event.amountFen = amountFen
        event.campaignID = campaign
        event.idempotencyKey = key
        return event
    }

    /// Records events 2,000 a call; returns how many are on record (now, or before: a retry).
    /// Refused events are counted and the first reason said.
    func record(_ events: [Hearth_Member_V1_EventInput], what: String) async throws -> Int {
        var recorded = 0
        var refused = 0
        var firstRefusal: Hearth_Member_V1_EventResult?
        for start in stride(from: 0, to: events.count, by: 2_000) {
            var request = Hearth_Member_V1_RecordEventsRequest()
            request.events = Array(events[start..<min(start + 2_000, events.count)])
            let response = try await calling(.member, "recording \(what)") {
                try await memberService.recordEvents(request, options: Self.options(seconds: 300))
            }
            recorded += Int(response.acceptedCount) + Int(response.duplicateCount)
            refused += Int(response.rejectedCount)
            if firstRefusal == nil { firstRefusal = response.results.first { $0.outcome == .rejected } }
        }
        if refused > 0, let firstRefusal {
            say("\(refused) \(what) refused, e.g. \(firstRefusal.reasonCode): \(firstRefusal.reason)")
        }
        return recorded
    }

    /// Creates a segment, or takes the one an interrupted earlier run created, and counts it.
    func segment(_ definition: DemoCatalog.SegmentDefinition) async throws -> DemoSegment {
        var create = Hearth_Member_V1_CreateSegmentRequest()
        create.name = definition.name
        create.ruleText = definition.rule
        create.idempotencyKey = "hearth-demo-\(scenario.seed)-segment-\(definition.name)"
        let id: String
        do {
            id = try await memberService.createSegment(create, options: Self.options(seconds: 30)).segment.segmentID
        } catch let error as RPCError where error.code == .alreadyExists {
            id = try await existingSegment(definition)
        } catch let error as RPCError {
            throw failure(.member, "creating the segment \(definition.name)", error)
        }
        var preview = Hearth_Member_V1_PreviewSegmentRequest()
        preview.segmentID = id
        let count = try await calling(.member, "counting the segment \(definition.name)") {
            try await memberService.previewSegment(preview, options: Self.options(seconds: 60)).memberCount
        }
        say("segment \(definition.name) (\(definition.rule)): \(DemoText.number(count)) members")
        return DemoSegment(id: id, name: definition.name, memberCount: count)
    }

    /// The segment named like the demo's: used only when its rule is the demo's too.
    private func existingSegment(_ definition: DemoCatalog.SegmentDefinition) async throws -> String {
        var list = Hearth_Member_V1_ListSegmentsRequest()
        list.query = definition.name
        let found = try await calling(.member, "finding the segment \(definition.name)") {
            try await memberService.listSegments(list, options: Self.options(seconds: 30)).segments
        }
        guard let segment = found.first(where: { $0.name == definition.name }), segment.ruleText == definition.rule
        else {
            throw DemoFailure(
                message: "this tenant has a segment named \(definition.name) with another rule; load the demo into a "
                    + "fresh tenant (`HEARTH_TENANT_SLUG=demo-2 scripts/up --demo`)")
        }
        return segment.segmentID
    }
}

/// What ImportMembers answered: its summary and the rows it refused.
struct DemoImportOutcome: Sendable {
    let summary: Hearth_Member_V1_MemberImportSummary
    let refused: [Hearth_Member_V1_RejectedRow]
}

/// A segment the demo made, with its size when made.
struct DemoSegment: Sendable {
    let id: String
    let name: String
    let memberCount: Int64
}
