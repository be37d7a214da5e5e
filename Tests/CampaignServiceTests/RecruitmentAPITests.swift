import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

/// A recruitment campaign ready to call: 32 seeded recruits, its community and its staff.
struct RecruitmentScene: Sendable {
    let campaign: CampaignID
    let community: CommunityID
    let segment: SegmentID
    /// The three enabled agents, in operator id order (the order entries are dealt in).
    let agents: [UUID]
    let disabledAgent: UUID
    /// An enabled operator whose role is operator, not agent.
    let plainOperator: UUID
    /// Every recruit by seed number.
    let members: [Int: MemberID]
    let periodEnd: Date

    /// The seed numbers the call list must hold: not every 10th (no phone), 9th (deleted), 7th
    /// (phone consent refused, SMS consent granted), 11th (no consent at all) or 8th (active in the
    /// community); 5 left the community and is called again.
    static let reachable = [1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 19, 23, 25, 26, 29, 31]

    var reachableMembers: Set<String> { Set(Self.reachable.compactMap { members[$0]?.description }) }
}

extension CampaignEngineHarness {
    /// Seeds the recruits, consents, community, memberships and staff of a ``RecruitmentScene``,
    /// and a draft recruitment campaign over them.
    func recruitmentScene() async throws -> RecruitmentScene {
        let segment = try await SegmentStore(pool: pool).create(
            name: "recruits", ruleText: "vip_tier >= 0", rule: try SegmentRule.parse("vip_tier >= 0"), tenant: tenant)
        let staff = (0..<5).map { _ in UUID() }
        let seeded = try await pool.withTenant(tenant) {
            (connection: PostgresConnection) -> (members: [Int: MemberID], community: CommunityID) in
            var members: [Int: MemberID] = [:]
            for row in try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name, phone_e164, deleted_at)
                SELECT \(tenant.rawValue), '候选 ' || i,
                       CASE WHEN i % 10 <> 0 THEN '+86138' || lpad(i::text, 8, '0') END,
                       CASE WHEN i % 9 = 0 THEN now() END
                FROM generate_series(1, 32) AS i
                RETURNING split_part(display_name, ' ', 2)::bigint, member_id
                """)
            {
                let number = try row.decode(Int.self, at: 0)
                members[number] = MemberID(try row.decode(UUID.self, at: 1))
            }
            var consentMembers: [UUID] = []
            var consentChannels: [String] = []
            var consentGranted: [Bool] = []
            for (number, member) in members where number % 11 != 0 {
                consentMembers.append(member.rawValue)
                consentChannels.append("phone")
                consentGranted.append(number % 7 != 0)
                if number % 7 == 0 {
                    consentMembers.append(member.rawValue)
                    consentChannels.append("sms")
                    consentGranted.append(true)
                }
            }
            try await connection.query(
                """
                INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
                SELECT \(tenant.rawValue), m, c, g, 'signup_form'
                FROM unnest(\(consentMembers), \(consentChannels), \(consentGranted)) AS s(m, c, g)
                """)
            let community = try await connection.query(
                """
                INSERT INTO communities (tenant_id, name, platform, capacity)
                VALUES (\(tenant.rawValue), '会员招募群', 'wechat', 500)
                RETURNING community_id
                """
            )[0].decode(UUID.self, at: 0)
            let inGroup = members.filter { $0.key % 8 == 0 || $0.key == 5 }
            try await connection.query(
                """
                INSERT INTO memberships (tenant_id, community_id, member_id, status, joined_at, left_at)
                SELECT \(tenant.rawValue), \(community), m, CASE WHEN i = 5 THEN 'left' ELSE 'active' END,
                       now() - interval '1 day', CASE WHEN i = 5 THEN now() END
                FROM unnest(\(inGroup.map { $0.value.rawValue }), \(inGroup.map { $0.key })) AS s(m, i)
                """)
            // Staff 1 to 4 are agents (4 disabled), staff 5 an operator.
            let numbers: [Int] = [1, 2, 3, 4, 5]
            let roles: [String] = ["agent", "agent", "agent", "agent", "operator"]
            try await connection.query(
                """
                INSERT INTO operators (tenant_id, operator_id, login, name, role, disabled_at)
                SELECT \(tenant.rawValue), o, 'staff' || n, 'Staff ' || n, r, CASE WHEN n = 4 THEN now() END
                FROM unnest(\(staff), \(numbers), \(roles)) AS s(o, n, r)
                """)
            return (members: members, community: CommunityID(community))
        }
        let periodEnd = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 30 * 86_400).rounded(.down))
        let campaign = try await campaigns.create(
            Campaign(
                tenantID: tenant, name: "招募进群", kind: .recruitment,
                audience: CampaignAudience(segmentID: segment.id, communityID: seeded.community),
                period: CampaignPeriod(start: Date().addingTimeInterval(-3_600), end: periodEnd)))
        return RecruitmentScene(
            campaign: campaign.id, community: seeded.community, segment: segment.id,
            agents: staff[0..<3].sorted { $0.uuidString < $1.uuidString }, disabledAgent: staff[3],
            plainOperator: staff[4], members: seeded.members, periodEnd: periodEnd)
    }

    /// Resolves an invite link's token through member-service's ResolveJoinLink, as an agent.
    func resolveInviteToken(_ token: String) async throws -> Hearth_Member_V1_ResolveJoinLinkResponse {
        let bearer = AccessToken(
            tenant: tenant.description, operatorID: "op-test", role: AccessRole.agent.rawValue,
            expiresAt: Int64(Date().timeIntervalSince1970) + 3600
        ).signed(with: Self.secret)
        var request = Hearth_Member_V1_ResolveJoinLinkRequest()
        request.token = token
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: memberPort)]),
            interceptors: [BearerTokenInterceptor(token: bearer)]
        ) { client in
            try await Hearth_Member_V1_MemberService.Client(wrapping: client).resolveJoinLink(request)
        }
    }

    /// A draft flash-offer campaign over the scene's segment, without a community.
    func draftFlashOffer(over segment: SegmentID) async throws -> CampaignID {
        try await campaigns.create(
            Campaign(
                tenantID: tenant, name: "会员专享价", kind: .flashOffer,
                audience: CampaignAudience(segmentID: segment))
        ).id
    }
}

@Suite("campaign-service: recruitment call lists and invite links, against PostgreSQL")
struct RecruitmentAPITests {
    typealias Client = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// The `ErrorDetail.reason` a failed call carries.
    static func reason(_ error: RPCError?) -> String? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
    }

    static func build(
        _ campaign: CampaignID, agents: [UUID] = [], max: Int64 = 0, key: String = "", client: Client
    ) async throws -> Hearth_Campaign_V1_CallList {
        var request = Hearth_Campaign_V1_BuildCallListRequest()
        request.campaignID = campaign.description
        request.agentOperatorIds = agents.map { Self.text($0) }
        request.maxEntries = max
        request.idempotencyKey = key
        return try await client.buildCallList(request).callList
    }

    /// Every entry the caller may see, page by page.
    static func entries(
        of list: String, agent: String = "", outcomes: [Hearth_Common_V1_CallOutcome] = [], pageSize: Int32 = 500,
        client: Client
    ) async throws -> [Hearth_Campaign_V1_CallListEntry] {
        var request = Hearth_Campaign_V1_ListCallListEntriesRequest()
        request.callListID = list
        request.agentOperatorID = agent
        request.outcomes = outcomes
        request.page.pageSize = pageSize
        var collected: [Hearth_Campaign_V1_CallListEntry] = []
        repeat {
            let response = try await client.listCallListEntries(request)
            collected += response.entries
            request.page.cursor = response.page.nextCursor
        } while !request.page.cursor.isEmpty
        return collected
    }

    static func record(
        _ outcome: Hearth_Common_V1_CallOutcome, on entry: String, note: String = "", key: String = "",
        client: Client
    ) async throws -> Hearth_Campaign_V1_CallListEntry {
        var request = Hearth_Campaign_V1_RecordCallOutcomeRequest()
        request.entryID = entry
        request.outcome = outcome
        request.note = note
        request.idempotencyKey = key
        return try await client.recordCallOutcome(request).entry
    }

    @Test func theListHoldsTheReachableAudienceDealtEvenlyToEveryAgent() async throws {
        try await CampaignEngineHarness.with { harness in
            let scene = try await harness.recruitmentScene()
            try await harness.withCampaignClient { client in
                let list = try await Self.build(scene.campaign, key: "build-1", client: client)
                #expect(list.campaignID == scene.campaign.description)
                #expect(list.entryCount == 16)
                let shares = list.agents.map { "\($0.agentOperatorID)=\($0.entryCount)" }
                let expectedShares = [
                    "\(Self.text(scene.agents[0]))=6", "\(Self.text(scene.agents[1]))=5",
                    "\(Self.text(scene.agents[2]))=5",
                ]
                #expect(shares == expectedShares)

                // Every reachable member exactly once, in member id order, dealt round robin.
                let dealt = try await Self.entries(of: list.callListID, pageSize: 5, client: client)
                let members = dealt.map(\.memberID)
                #expect(members.count == 16)
                #expect(Set(members) == scene.reachableMembers)
                #expect(members == members.sorted())
                let dealers = dealt.map(\.agentOperatorID)
                let roundRobin = (0..<16).map { Self.text(scene.agents[$0 % 3]) }
                #expect(dealers == roundRobin)
                let untouched = dealt.filter { $0.outcome == .pending && $0.attempts == 0 && !$0.hasCalledAt }
                #expect(untouched.count == 16)
                let fifth = dealt.first { $0.memberID == scene.members[5]?.description }
                let five = try #require(fifth)
                #expect(five.displayName == "候选 5")
                #expect(five.phone == "+8613800000005")
                #expect(five.callListID == list.callListID)

                // A retry with the same key is the same list, not a second one.
                let retried = try await Self.build(scene.campaign, key: "build-1", client: client)
                #expect(retried.callListID == list.callListID)
                #expect(retried.entryCount == 16)

                // At most 4 entries, all for the one agent named.
                let capped = try await Self.build(scene.campaign, agents: [scene.agents[2]], max: 4, client: client)
                #expect(capped.entryCount == 4)
                let cappedShares = capped.agents.map { "\($0.agentOperatorID)=\($0.entryCount)" }
                #expect(cappedShares == ["\(Self.text(scene.agents[2]))=4"])
                let cappedEntries = try await Self.entries(of: capped.callListID, client: client)
                let cappedMembers = cappedEntries.map(\.memberID)
                #expect(cappedMembers.count == 4)
                #expect(Set(cappedMembers).isSubset(of: scene.reachableMembers))

                // Newest first, page by page.
                var lists = Hearth_Campaign_V1_ListCallListsRequest()
                lists.campaignID = scene.campaign.description
                lists.page.pageSize = 1
                let first = try await client.listCallLists(lists)
                #expect(first.callLists.map(\.callListID) == [capped.callListID])
                lists.page.cursor = first.page.nextCursor
                let second = try await client.listCallLists(lists)
                #expect(second.callLists.map(\.callListID) == [list.callListID])
                #expect(second.callLists.first?.entryCount == 16)
                #expect(second.page.nextCursor.isEmpty)
            }
        }
    }

    @Test func agentsWorkTheirOwnEntriesAndJoinedIsFinal() async throws {
        try await CampaignEngineHarness.with { harness in
            let scene = try await harness.recruitmentScene()
            let (agentA, agentB) = (scene.agents[0], scene.agents[1])
            let list = try await harness.withCampaignClient { client in
                try await Self.build(scene.campaign, client: client)
            }
            let operatorEntries = try await harness.withCampaignClient { client in
                try await Self.entries(of: list.callListID, client: client)
            }
            let firstOfB = operatorEntries.first { $0.agentOperatorID == Self.text(agentB) }
            let entryOfB = try #require(firstOfB)

            let called = try await harness.withCampaignClient(role: .agent, operatorID: Self.text(agentA)) { client in
                // An agent sees their own entries only, and may not ask for another agent's.
                let own = try await Self.entries(of: list.callListID, client: client)
                let ownAgents = Set(own.map(\.agentOperatorID))
                #expect(own.count == 6)
                #expect(ownAgents == [Self.text(agentA)])
                let asked = await #expect(throws: RPCError.self) {
                    try await Self.entries(of: list.callListID, agent: Self.text(agentB), client: client)
                }
                #expect(asked?.code == .permissionDenied)
                let foreign = await #expect(throws: RPCError.self) {
                    try await Self.record(.invited, on: entryOfB.entryID, client: client)
                }
                #expect(foreign?.code == .permissionDenied)

                let entry = try #require(own.first).entryID
                let pending = await #expect(throws: RPCError.self) {
                    try await Self.record(.pending, on: entry, client: client)
                }
                #expect(pending?.code == .invalidArgument)
                let busy = try await Self.record(.notReached, on: entry, note: "占线", key: "call-1", client: client)
                #expect(busy.outcome == .notReached)
                #expect(busy.attempts == 1)
                #expect(busy.note == "占线")
                #expect(busy.hasCalledAt)
                // A retry of the same recording counts nothing twice.
                let retried = try await Self.record(
                    .notReached, on: entry, note: "占线", key: "call-1", client: client)
                #expect(retried.attempts == 1)
                let invited = try await Self.record(.invited, on: entry, key: "call-2", client: client)
                #expect(invited.attempts == 2)
                #expect(invited.note == "占线")
                let joined = try await Self.record(.joined, on: entry, note: "已进群", key: "call-3", client: client)
                #expect(joined.outcome == .joined)
                #expect(joined.attempts == 3)
                #expect(joined.note == "已进群")
                let afterJoined = await #expect(throws: RPCError.self) {
                    try await Self.record(.declined, on: entry, key: "call-4", client: client)
                }
                #expect(afterJoined?.code == .failedPrecondition)
                return entry
            }

            // The history: one row per recorded outcome, by the agent, in order.
            let history: [String] = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    """
                    SELECT outcome, recorded_by, coalesce(note, '') FROM call_outcomes
                    WHERE entry_id = \(UUID(uuidString: called)!) ORDER BY recorded_at, outcome_id
                    """
                ).map { row in
                    let outcome = try row.decode(String.self, at: 0)
                    let recordedBy = try row.decode(String.self, at: 1)
                    let note = try row.decode(String.self, at: 2)
                    return "\(outcome)/\(recordedBy)/\(note)"
                }
            }
            let by = Self.text(agentA)
            #expect(history == ["not_reached/\(by)/占线", "invited/\(by)/", "joined/\(by)/已进群"])

            try await harness.withCampaignClient { client in
                // Operators filter by outcome and by agent.
                let joined = try await Self.entries(of: list.callListID, outcomes: [.joined], client: client)
                #expect(joined.map(\.entryID) == [called])
                let pending = try await Self.entries(of: list.callListID, outcomes: [.pending], client: client)
                #expect(pending.count == 15)
                let ofB = try await Self.entries(of: list.callListID, agent: Self.text(agentB), client: client)
                let ofBAgents = Set(ofB.map(\.agentOperatorID))
                #expect(ofB.count == 5)
                #expect(ofBAgents == [Self.text(agentB)])
                // An operator may record for an agent.
                let forB = try await Self.record(.declined, on: entryOfB.entryID, client: client)
                #expect(forB.attempts == 1)
            }

            // Erasing the member clears what the list copied of them: name, phone and every note.
            let calledEntry = operatorEntries.first { $0.entryID == called }
            let calledMemberText = try #require(calledEntry?.memberID)
            let calledMember = try #require(MemberID(calledMemberText))
            _ = try await MemberStore(pool: harness.pool).erase(
                calledMember, reason: "PIPL request 2025-031", recordedBy: "op-test", tenant: harness.tenant)
            let scrubbed = try await harness.withCampaignClient { client in
                try await Self.entries(of: list.callListID, outcomes: [.joined], client: client)
            }
            #expect(scrubbed.map(\.entryID) == [called])
            #expect(scrubbed.first?.displayName == "")
            #expect(scrubbed.first?.phone == "")
            #expect(scrubbed.first?.note == "")
            #expect(scrubbed.first?.attempts == 3)
            let notesLeft = try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "SELECT count(*) FROM call_outcomes WHERE entry_id = \(UUID(uuidString: called)!) AND note IS NOT NULL"
                )[0].decode(Int.self, at: 0)
            }
            #expect(notesLeft == 0)

            // Roles from the method table: a viewer cannot read entries, an agent cannot build lists.
            try await harness.withCampaignClient(role: .viewer) { client in
                let denied = await #expect(throws: RPCError.self) {
                    try await Self.entries(of: list.callListID, client: client)
                }
                #expect(denied?.code == .permissionDenied)
            }
            try await harness.withCampaignClient(role: .agent, operatorID: Self.text(agentA)) { client in
                let denied = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, client: client)
                }
                #expect(denied?.code == .permissionDenied)
            }
        }
    }

    @Test func listsAreRefusedWithTheirCause() async throws {
        try await CampaignEngineHarness.with { harness in
            let scene = try await harness.recruitmentScene()
            let offer = try await harness.draftFlashOffer(over: scene.segment)
            try await harness.withCampaignClient { client in
                let wrongKind = await #expect(throws: RPCError.self) { try await Self.build(offer, client: client) }
                #expect(wrongKind?.code == .failedPrecondition)
                #expect(Self.reason(wrongKind) == "wrong_kind")

                let disabled = await #expect(throws: RPCError.self) {
                    try await Self.build(
                        scene.campaign, agents: [scene.agents[0], scene.disabledAgent], client: client)
                }
                #expect(disabled?.code == .failedPrecondition)
                #expect(disabled?.message.contains(Self.text(scene.disabledAgent)) == true)
                let notAnAgent = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, agents: [scene.plainOperator], client: client)
                }
                #expect(notAnAgent?.code == .failedPrecondition)
                #expect(notAnAgent?.message.contains(Self.text(scene.plainOperator)) == true)
                let stranger = UUID()
                let unknown = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, agents: [stranger], client: client)
                }
                #expect(unknown?.code == .notFound)
                #expect(unknown?.message.contains(Self.text(stranger)) == true)
                var malformed = Hearth_Campaign_V1_BuildCallListRequest()
                malformed.campaignID = scene.campaign.description
                malformed.agentOperatorIds = ["agent-7"]
                let badID = await #expect(throws: RPCError.self) { try await client.buildCallList(malformed) }
                #expect(badID?.code == .invalidArgument)
                #expect(Self.reason(badID) == "invalid_id")
                let negative = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, max: -1, client: client)
                }
                #expect(negative?.code == .invalidArgument)
                #expect(Self.reason(negative) == "out_of_range")
            }

            // Nobody left to split among.
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query("UPDATE operators SET disabled_at = now() WHERE role = 'agent'")
            }
            try await harness.withCampaignClient { client in
                let noAgents = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, client: client)
                }
                #expect(noAgents?.code == .failedPrecondition)
                #expect(noAgents?.message.contains("agent role") == true)
            }
            try await harness.pool.withTenant(harness.tenant) { connection in
                try await connection.query(
                    "UPDATE operators SET disabled_at = NULL WHERE operator_id = ANY(\(scene.agents))")
            }

            // A cancelled campaign takes no new list and no more outcomes.
            let list = try await harness.withCampaignClient { client in
                try await Self.build(scene.campaign, client: client)
            }
            let entry = try await harness.withCampaignClient { client in
                try await Self.entries(of: list.callListID, client: client)[0]
            }
            _ = try await harness.campaigns.apply(
                .cancel, reason: "名额已满", to: scene.campaign, tenant: harness.tenant)
            try await harness.withCampaignClient { client in
                let finished = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, client: client)
                }
                #expect(finished?.code == .failedPrecondition)
                let late = await #expect(throws: RPCError.self) {
                    try await Self.record(.invited, on: entry.entryID, client: client)
                }
                #expect(late?.code == .failedPrecondition)
            }
        }
    }

    @Test func inviteLinksCarryTheCampaignIntoItsCommunityAndTenantsStayApart() async throws {
        try await CampaignEngineHarness.with { harness in
            let scene = try await harness.recruitmentScene()
            let offer = try await harness.draftFlashOffer(over: scene.segment)
            let link = try await harness.withCampaignClient(role: .agent, operatorID: Self.text(scene.agents[0])) {
                client in
                var request = Hearth_Campaign_V1_CreateInviteLinkRequest()
                request.campaignID = scene.campaign.description
                request.sourceChannel = .qrPoster
                let link = try await client.createInviteLink(request).link

                var past = request
                past.expiresAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-60))
                let expired = await #expect(throws: RPCError.self) { try await client.createInviteLink(past) }
                #expect(expired?.code == .invalidArgument)
                var noCommunity = request
                noCommunity.campaignID = offer.description
                let refused = await #expect(throws: RPCError.self) { try await client.createInviteLink(noCommunity) }
                #expect(refused?.code == .failedPrecondition)
                #expect(Self.reason(refused) == "no_community")
                return link
            }
            #expect(!link.token.isEmpty)
            #expect(link.campaignID == scene.campaign.description)
            #expect(link.sourceChannel == .qrPoster)
            #expect(link.url == "\(CampaignEngineHarness.publicBaseURL)/join/\(link.token)")
            #expect(link.qrPayload == link.url)
            #expect(link.hasExpiresAt)
            #expect(abs(link.expiresAt.date.timeIntervalSince(scene.periodEnd)) < 0.001)

            // member-service resolves the token into the campaign's community, attributed to it.
            let resolved = try await harness.resolveInviteToken(link.token)
            #expect(resolved.link.campaignID == scene.campaign.description)
            #expect(resolved.link.sourceChannel == .qrPoster)
            #expect(resolved.community.communityID == scene.community.description)

            // Another tenant sees none of it.
            let list = try await harness.withCampaignClient { client in
                try await Self.build(scene.campaign, client: client)
            }
            let entry = try await harness.withCampaignClient { client in
                try await Self.entries(of: list.callListID, client: client)[0]
            }
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "o\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            try await harness.withCampaignClient(tenant: other) { client in
                let built = await #expect(throws: RPCError.self) {
                    try await Self.build(scene.campaign, client: client)
                }
                #expect(built?.code == .notFound)
                var lists = Hearth_Campaign_V1_ListCallListsRequest()
                lists.campaignID = scene.campaign.description
                let listed = await #expect(throws: RPCError.self) { try await client.listCallLists(lists) }
                #expect(listed?.code == .notFound)
                let read = await #expect(throws: RPCError.self) {
                    try await Self.entries(of: list.callListID, client: client)
                }
                #expect(read?.code == .notFound)
                let recorded = await #expect(throws: RPCError.self) {
                    try await Self.record(.invited, on: entry.entryID, client: client)
                }
                #expect(recorded?.code == .notFound)
                var invite = Hearth_Campaign_V1_CreateInviteLinkRequest()
                invite.campaignID = scene.campaign.description
                invite.sourceChannel = .phoneInvite
                let invited = await #expect(throws: RPCError.self) { try await client.createInviteLink(invite) }
                #expect(invited?.code == .notFound)
            }
        }
    }
}
