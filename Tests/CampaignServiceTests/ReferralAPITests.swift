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

/// A reward row as stored: who earned what, at which level, for whose referral.
struct ReferralRewardRow: Hashable {
    var beneficiary: String
    var newcomer: String
    var level: Int
    var reward: Reward
}

/// Referral helpers over the real transport, plus the few facts only the database shows.
extension CampaignEngineHarness {
    typealias ReferralClient = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    /// New live members of `tenant` (default: the harness's), as name → id.
    func referralMembers(_ names: [String], tenant: TenantID? = nil) async throws -> [String: String] {
        let tenant = tenant ?? self.tenant
        return try await pool.withTenant(tenant) { connection in
            var ids: [String: String] = [:]
            for row in try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name)
                SELECT \(tenant.rawValue), name FROM unnest(\(names)) AS name
                RETURNING display_name, member_id
                """)
            {
                ids[try row.decode(String.self, at: 0)] = MemberID(try row.decode(UUID.self, at: 1)).description
            }
            return ids
        }
    }

    /// Marks a member deleted, as DeleteMember does.
    func deleteReferralMember(_ id: String) async throws {
        let member = try #require(UUID(uuidString: id))
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                "UPDATE members SET deleted_at = now() WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member)")
        }
    }

    /// A referral campaign created over the wire and (unless `launch` is false) scheduled and
    /// launched; its id.
    func referralCampaign(
        _ client: ReferralClient, rules: Hearth_Campaign_V1_ReferralRules? = nil, launch: Bool = true
    ) async throws -> String {
        var create = Hearth_Campaign_V1_CreateCampaignRequest()
        create.spec.name = "老带新"
        create.spec.kind = .referral
        create.spec.schedule.onceAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(3_600))
        create.spec.schedule.duration = Google_Protobuf_Duration(seconds: 3_600)
        if let rules { create.spec.referralRules = rules }
        let id = try await client.createCampaign(create).campaign.campaignID
        guard launch else { return id }
        var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
        schedule.campaignID = id
        _ = try await client.scheduleCampaign(schedule)
        var start = Hearth_Campaign_V1_LaunchCampaignRequest()
        start.campaignID = id
        let launched = try await client.launchCampaign(start).campaign
        #expect(launched.status == .running)
        return id
    }

    func referralCode(_ client: ReferralClient, campaign: String, member: String) async throws
        -> Hearth_Campaign_V1_ReferralCode
    {
        var request = Hearth_Campaign_V1_IssueReferralCodeRequest()
        request.campaignID = campaign
        request.memberID = member
        return try await client.issueReferralCode(request).code
    }

    func refer(_ client: ReferralClient, code: String, newcomer: String) async throws
        -> Hearth_Campaign_V1_ReferralNode
    {
        var request = Hearth_Campaign_V1_RecordReferralRequest()
        request.code = code
        request.referredMemberID = newcomer
        return try await client.recordReferral(request).node
    }

    func referralTree(
        _ client: ReferralClient, campaign: String, root: String = "", maxDepth: Int32 = 0, pageSize: Int32 = 0,
        cursor: String = ""
    ) async throws -> Hearth_Campaign_V1_GetReferralTreeResponse {
        var request = Hearth_Campaign_V1_GetReferralTreeRequest()
        request.campaignID = campaign
        request.rootMemberID = root
        request.maxDepth = maxDepth
        request.page.pageSize = pageSize
        request.page.cursor = cursor
        return try await client.getReferralTree(request)
    }

    /// The campaign's reward rows, as stored.
    func referralRewards(campaign: String) async throws -> Set<ReferralRewardRow> {
        let id = try #require(UUID(uuidString: campaign))
        return try await pool.withTenant(tenant) { connection in
            var rows = Set<ReferralRewardRow>()
            for row in try await connection.query(
                """
                SELECT beneficiary_member_id, referred_member_id, level, reward FROM referral_rewards
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id)
                """)
            {
                rows.insert(
                    ReferralRewardRow(
                        beneficiary: MemberID(try row.decode(UUID.self, at: 0)).description,
                        newcomer: MemberID(try row.decode(UUID.self, at: 1)).description,
                        level: try row.decode(Int.self, at: 2),
                        reward: try row.decode(PostgresJSONB.self, at: 3).decode(Reward.self)))
            }
            return rows
        }
    }

    /// The `ErrorDetail.reason` a failed call carries.
    static func referralReason(_ error: RPCError?) -> String? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
    }
}

@Suite("campaign-service: referral codes, the fission tree and rewards per level")
struct ReferralAPITests {
    typealias Harness = CampaignEngineHarness

    /// Points at level 1, money at level 2, a gift at level 3, but nothing deeper than level 2.
    static func twoLevelRules() -> Hearth_Campaign_V1_ReferralRules {
        var points = Hearth_Campaign_V1_Reward()
        points.points = 100
        var money = Hearth_Campaign_V1_Reward()
        var fen = Hearth_Common_V1_Money()
        fen.amountFen = 500
        money.money = fen
        var gift = Hearth_Campaign_V1_Reward()
        gift.gift = "保温杯"
        var rules = Hearth_Campaign_V1_ReferralRules()
        rules.levelRewards = [(Int32(1), points), (Int32(2), money), (Int32(3), gift)].map { level, reward in
            var entry = Hearth_Campaign_V1_LevelReward()
            entry.level = level
            entry.reward = reward
            return entry
        }
        rules.maxRewardDepth = 2
        return rules
    }

    @Test func aTreeWithBranchesHasExactDepthsCountsAndBreadthFirstPages() async throws {
        try await Harness.with { harness in
            let m = try await harness.referralMembers(["A", "B", "C", "D", "E", "F", "G", "H"])
            func id(_ name: String) -> String { m[name] ?? "missing \(name)" }
            try await harness.withCampaignClient { client in
                let campaign = try await harness.referralCampaign(client)
                let codeA = try await harness.referralCode(client, campaign: campaign, member: id("A"))
                #expect(codeA.code.count == 8)
                #expect(codeA.code.allSatisfy { ReferralCode.alphabet.contains($0) })
                #expect(codeA.referredCount == 0)
                #expect(codeA.memberID == id("A"))

                // A brings B and C; B brings D and E; C brings G; D brings F.
                let b = try await harness.refer(client, code: codeA.code, newcomer: id("B"))
                let c = try await harness.refer(client, code: codeA.code, newcomer: id("C"))
                let codeB = try await harness.referralCode(client, campaign: campaign, member: id("B")).code
                let d = try await harness.refer(client, code: codeB, newcomer: id("D"))
                let e = try await harness.refer(client, code: codeB, newcomer: id("E"))
                let codeC = try await harness.referralCode(client, campaign: campaign, member: id("C")).code
                let g = try await harness.refer(client, code: codeC, newcomer: id("G"))
                let codeD = try await harness.referralCode(client, campaign: campaign, member: id("D")).code
                // Codes are read case-insensitively.
                let f = try await harness.refer(client, code: codeD.lowercased(), newcomer: id("F"))
                #expect([b, c, d, e, g, f].map(\.depth) == [1, 1, 2, 2, 2, 3])
                #expect([b, c, d, e, g, f].map(\.referrerMemberID) == ["A", "A", "B", "B", "C", "D"].map(id))
                #expect([b, c, d, e, g, f].map(\.code) == [codeA.code, codeA.code, codeB, codeB, codeC, codeD])

                let order = ["A", "B", "C", "D", "E", "G", "F"].map(id)
                let whole = try await harness.referralTree(client, campaign: campaign)
                #expect(whole.nodes.map(\.memberID) == order)
                #expect(whole.nodes.map(\.depth) == [0, 1, 1, 2, 2, 2, 3])
                #expect(whole.nodes.map(\.directCount) == [2, 2, 1, 1, 0, 0, 0])
                #expect(whole.nodes.map(\.descendantCount) == [6, 3, 1, 1, 0, 0, 0])
                #expect(whole.nodes.first?.referrerMemberID == "")
                #expect(whole.nodes.first?.code == "")
                #expect(whole.size == 7)
                #expect(whole.depth == 3)
                #expect(whole.page.nextCursor == "")

                // B's subtree keeps absolute depths; its depth counts levels below B.
                let underB = try await harness.referralTree(client, campaign: campaign, root: id("B"))
                #expect(underB.nodes.map(\.memberID) == ["B", "D", "E", "F"].map(id))
                #expect(underB.nodes.map(\.depth) == [1, 2, 2, 3])
                #expect(underB.size == 4)
                #expect(underB.depth == 2)

                // One level below B: F is cut, but D still counts it below them.
                let shallow = try await harness.referralTree(client, campaign: campaign, root: id("B"), maxDepth: 1)
                #expect(shallow.nodes.map(\.memberID) == ["B", "D", "E"].map(id))
                #expect(shallow.nodes.map(\.descendantCount) == [3, 1, 0])
                #expect(shallow.size == 3)
                #expect(shallow.depth == 1)
                let roots = try await harness.referralTree(client, campaign: campaign, maxDepth: 1)
                #expect(roots.nodes.map(\.memberID) == ["A", "B", "C"].map(id))
                #expect(roots.size == 3)
                #expect(roots.depth == 1)

                // Pages of two: each member once, in breadth-first order, totals on every page.
                var seen: [String] = []
                var cursor = ""
                var pages = 0
                repeat {
                    let page = try await harness.referralTree(client, campaign: campaign, pageSize: 2, cursor: cursor)
                    #expect(page.size == 7)
                    #expect(page.depth == 3)
                    #expect(page.nodes.count <= 2)
                    seen += page.nodes.map(\.memberID)
                    cursor = page.page.nextCursor
                    pages += 1
                } while !cursor.isEmpty && pages < 10
                #expect(seen == order)
                #expect(pages == 4)

                // Issuing again hands back the same code, with who came with it.
                let again = try await harness.referralCode(client, campaign: campaign, member: id("A"))
                #expect(again.code == codeA.code)
                #expect(again.referredCount == 2)
                #expect(again.createdAt == codeA.createdAt)

                let outside = await #expect(throws: RPCError.self) {
                    try await harness.referralTree(client, campaign: campaign, root: id("H"))
                }
                #expect(outside?.code == .notFound)
                let forged = await #expect(throws: RPCError.self) {
                    try await harness.referralTree(client, campaign: campaign, cursor: "bm90IGEgY3Vyc29y")
                }
                #expect(forged?.code == .invalidArgument)
                #expect(Harness.referralReason(forged) == "invalid_cursor")
                let negative = await #expect(throws: RPCError.self) {
                    try await harness.referralTree(client, campaign: campaign, maxDepth: -1)
                }
                #expect(negative?.code == .invalidArgument)
                #expect(Harness.referralReason(negative) == "out_of_range")
            }
        }
    }

    @Test func eachLevelUpToTheDeepestRewardedOneEarnsItsRewardOnce() async throws {
        try await Harness.with { harness in
            let m = try await harness.referralMembers(["A", "B", "C", "D", "E"])
            func id(_ name: String) -> String { m[name] ?? "missing \(name)" }
            try await harness.withCampaignClient { client in
                let campaign = try await harness.referralCampaign(client, rules: Self.twoLevelRules())
                func code(_ name: String) async throws -> String {
                    try await harness.referralCode(client, campaign: campaign, member: id(name)).code
                }
                // A chain A → B → C → D: D's referral reaches A at level 3, beyond the deepest rewarded.
                let codeA = try await code("A")
                _ = try await harness.refer(client, code: codeA, newcomer: id("B"))
                let codeB = try await code("B")
                _ = try await harness.refer(client, code: codeB, newcomer: id("C"))
                let codeC = try await code("C")
                let d = try await harness.refer(client, code: codeC, newcomer: id("D"))
                #expect(d.depth == 3)
                let expected: Set<ReferralRewardRow> = [
                    ReferralRewardRow(beneficiary: id("A"), newcomer: id("B"), level: 1, reward: .points(100)),
                    ReferralRewardRow(beneficiary: id("B"), newcomer: id("C"), level: 1, reward: .points(100)),
                    ReferralRewardRow(beneficiary: id("A"), newcomer: id("C"), level: 2, reward: .money(fen: 500)),
                    ReferralRewardRow(beneficiary: id("C"), newcomer: id("D"), level: 1, reward: .points(100)),
                    ReferralRewardRow(beneficiary: id("B"), newcomer: id("D"), level: 2, reward: .money(fen: 500)),
                ]
                let earned = try await harness.referralRewards(campaign: campaign)
                #expect(earned == expected)

                // The same newcomer with the same code: the node recorded then, and no second reward.
                let again = try await harness.refer(client, code: codeC, newcomer: id("D"))
                #expect(again == d)
                let unchanged = try await harness.referralRewards(campaign: campaign)
                #expect(unchanged == expected)

                // A gone ancestor earns nothing, and the level is not handed up: E's level 2 is C's.
                let codeD = try await code("D")
                try await harness.deleteReferralMember(id("C"))
                let e = try await harness.refer(client, code: codeD, newcomer: id("E"))
                #expect(e.depth == 4)
                let rewards = try await harness.referralRewards(campaign: campaign)
                #expect(rewards.count == 6)
                #expect(
                    rewards.subtracting(expected)
                        == [ReferralRewardRow(beneficiary: id("D"), newcomer: id("E"), level: 1, reward: .points(100))])

                let tree = try await harness.referralTree(client, campaign: campaign)
                #expect(tree.size == 5)
                #expect(tree.depth == 4)
            }
        }
    }

    @Test func selfReferralLoopsAndSecondReferralsAreRefusedWithReasons() async throws {
        try await Harness.with { harness in
            let m = try await harness.referralMembers(["A", "B", "C", "D", "X"])
            func id(_ name: String) -> String { m[name] ?? "missing \(name)" }
            try await harness.deleteReferralMember(id("X"))
            try await harness.withCampaignClient { client in
                let campaign = try await harness.referralCampaign(client)
                func code(_ name: String) async throws -> String {
                    try await harness.referralCode(client, campaign: campaign, member: id(name)).code
                }
                let codeA = try await code("A")
                let own = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeA, newcomer: id("A"))
                }
                #expect(own?.code == .failedPrecondition)
                #expect(Harness.referralReason(own) == "self_referral")

                let b = try await harness.refer(client, code: codeA, newcomer: id("B"))
                let codeB = try await code("B")
                _ = try await harness.refer(client, code: codeB, newcomer: id("C"))
                // B's code (or C's, further down) cannot bring A, who is above them.
                let codeC = try await code("C")
                for loop in [codeB, codeC] {
                    let refused = await #expect(throws: RPCError.self) {
                        try await harness.refer(client, code: loop, newcomer: id("A"))
                    }
                    #expect(refused?.code == .failedPrecondition)
                    #expect(Harness.referralReason(refused) == "referral_cycle")
                }

                // Again with the same code: the same node. With another code: who came first is named.
                let againB = try await harness.refer(client, code: codeA, newcomer: id("B"))
                #expect(againB.referredAt == b.referredAt)
                #expect(againB.depth == 1)
                #expect(againB.referrerMemberID == id("A"))
                #expect(againB.directCount == 1)
                let codeD = try await code("D")
                let second = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeD, newcomer: id("B"))
                }
                #expect(second?.code == .alreadyExists)
                #expect(Harness.referralReason(second) == "already_referred")
                #expect(second?.message.contains(id("A")) == true)
                let root = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeD, newcomer: id("A"))
                }
                #expect(root?.code == .alreadyExists)
                #expect(Harness.referralReason(root) == "already_referred")

                let gone = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeA, newcomer: id("X"))
                }
                #expect(gone?.code == .failedPrecondition)
                #expect(Harness.referralReason(gone) == "member_deleted")
                let noCode = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: campaign, member: id("X"))
                }
                #expect(Harness.referralReason(noCode) == "member_deleted")
                let stranger = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeA, newcomer: UUID().uuidString)
                }
                #expect(stranger?.code == .notFound)
                let unused = [codeA, codeB, codeC].contains("ZZZZ2222") ? "YYYY2222" : "ZZZZ2222"
                let unknown = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: unused, newcomer: id("D"))
                }
                #expect(unknown?.code == .notFound)
                let malformed = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: "0O1I", newcomer: id("D"))
                }
                #expect(malformed?.code == .invalidArgument)
                #expect(Harness.referralReason(malformed) == "code_invalid")

                // Nothing refused left a trace: D never became a root.
                let tree = try await harness.referralTree(client, campaign: campaign)
                #expect(tree.nodes.map(\.memberID) == ["A", "B", "C"].map(id))
                #expect(tree.size == 3)
            }
        }
    }

    @Test func onlyReferralCampaignsTakeCodesAndOnlyRunningOnesRecord() async throws {
        try await Harness.with { harness in
            let m = try await harness.referralMembers(["A", "B"])
            func id(_ name: String) -> String { m[name] ?? "missing \(name)" }
            try await harness.withCampaignClient { client in
                var offer = Hearth_Campaign_V1_CreateCampaignRequest()
                offer.spec = CampaignAPITests.spec(segment: "", at: Date().addingTimeInterval(3_600))
                let flash = try await client.createCampaign(offer).campaign.campaignID
                let wrongCode = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: flash, member: id("A"))
                }
                #expect(wrongCode?.code == .failedPrecondition)
                #expect(Harness.referralReason(wrongCode) == "wrong_kind")
                let wrongTree = await #expect(throws: RPCError.self) {
                    try await harness.referralTree(client, campaign: flash)
                }
                #expect(Harness.referralReason(wrongTree) == "wrong_kind")

                // A draft hands out codes (posters go to print before launch) but records nothing yet.
                let draft = try await harness.referralCampaign(client, launch: false)
                let code = try await harness.referralCode(client, campaign: draft, member: id("A")).code
                let early = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: code, newcomer: id("B"))
                }
                #expect(early?.code == .failedPrecondition)
                #expect(Harness.referralReason(early) == "campaign_not_running")
                let empty = try await harness.referralTree(client, campaign: draft)
                #expect(empty.nodes.isEmpty)
                #expect(empty.size == 0)
                #expect(empty.depth == 0)

                var cancel = Hearth_Campaign_V1_CancelCampaignRequest()
                cancel.campaignID = draft
                cancel.reason = "replaced by the spring campaign"
                _ = try await client.cancelCampaign(cancel)
                let finished = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: draft, member: id("B"))
                }
                #expect(finished?.code == .failedPrecondition)
                #expect(Harness.referralReason(finished) == "campaign_finished")
            }
        }
    }

    @Test func anotherTenantSeesNothingAndViewersOnlyRead() async throws {
        try await Harness.with { harness in
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "r\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let m = try await harness.referralMembers(["A", "B", "C"])
            let theirs = try await harness.referralMembers(["Z"], tenant: other)
            func id(_ name: String) -> String { m[name] ?? theirs[name] ?? "missing \(name)" }
            let (campaign, codeA) = try await harness.withCampaignClient { client in
                let campaign = try await harness.referralCampaign(client)
                let code = try await harness.referralCode(client, campaign: campaign, member: id("A")).code
                _ = try await harness.refer(client, code: code, newcomer: id("B"))
                // Another tenant's member is no member here.
                let foreign = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: campaign, member: id("Z"))
                }
                #expect(foreign?.code == .notFound)
                return (campaign, code)
            }
            try await harness.withCampaignClient(tenant: other) { client in
                let tree = await #expect(throws: RPCError.self) {
                    try await harness.referralTree(client, campaign: campaign)
                }
                #expect(tree?.code == .notFound)
                let code = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: campaign, member: id("Z"))
                }
                #expect(code?.code == .notFound)
                let record = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeA, newcomer: id("Z"))
                }
                #expect(record?.code == .notFound)
            }
            try await harness.withCampaignClient(role: .viewer) { client in
                let issue = await #expect(throws: RPCError.self) {
                    try await harness.referralCode(client, campaign: campaign, member: id("C"))
                }
                #expect(issue?.code == .permissionDenied)
                let record = await #expect(throws: RPCError.self) {
                    try await harness.refer(client, code: codeA, newcomer: id("C"))
                }
                #expect(record?.code == .permissionDenied)
                let tree = try await harness.referralTree(client, campaign: campaign)
                #expect(tree.nodes.map(\.memberID) == ["A", "B"].map(id))
            }
            // An agent is enough to record.
            try await harness.withCampaignClient(role: .agent) { client in
                let node = try await harness.refer(client, code: codeA, newcomer: id("C"))
                #expect(node.depth == 1)
                #expect(node.referrerMemberID == id("A"))
            }
        }
    }
}
