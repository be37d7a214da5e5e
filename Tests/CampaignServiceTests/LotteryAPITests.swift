import CampaignService
import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthTestSupport
import HearthWire
import SwiftProtobuf
import Testing

extension CampaignEngineHarness {
    /// `count` live members of the harness's tenant.
    func lotteryMembers(_ count: Int) async throws -> [MemberID] {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                INSERT INTO members (tenant_id, display_name)
                SELECT \(tenant.rawValue), 'lottery member ' || i FROM generate_series(1, \(count)) AS i
                RETURNING member_id
                """
            ).map { MemberID(try $0.decode(UUID.self, at: 0)) }
        }
    }

    /// Soft-deletes a member, as member-service's DeleteMember does.
    func deleteLotteryMember(_ member: MemberID) async throws {
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                UPDATE members SET deleted_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
                """)
        }
    }

    /// Rewrites one entry's member as the schema owner, bypassing the service: a tampered entry
    /// list. Returns how many rows changed.
    func tamperWithLotteryEntry(campaign: String, entryNumber: Int64, member: MemberID) async throws -> Int {
        let campaignID = try #require(UUID(uuidString: campaign))
        let connection = try await database.connect(owner: true)
        do {
            try await connection.query("SELECT set_config('hearth.tenant_id', \(tenant.description), false)")
            let changed = try await connection.query(
                """
                UPDATE lottery_entries SET member_id = \(member.rawValue)
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaignID) AND entry_number = \(entryNumber)
                """
            ).affectedRows
            await connection.close()
            return changed
        } catch {
            await connection.close()
            throw error
        }
    }
}

@Suite("campaign-service: auditable lotteries over the wire, against PostgreSQL")
struct LotteryAPITests {
    typealias Client = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    static func lotterySpec(closesAt: Date, winners: Int32, prizes: [String]) -> Hearth_Campaign_V1_CampaignSpec {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = "周年庆抽奖"
        spec.kind = .lottery
        spec.schedule.onceAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-60))
        spec.schedule.duration = Google_Protobuf_Duration(seconds: 3_600)
        var rules = Hearth_Campaign_V1_LotteryRules()
        rules.entriesCloseAt = Google_Protobuf_Timestamp(date: closesAt)
        rules.winnerCount = winners
        rules.prizes = prizes
        spec.lotteryRules = rules
        return spec
    }

    /// A draft lottery campaign's id.
    static func createLottery(
        _ client: Client, closesAt: Date, winners: Int32 = 3, prizes: [String] = ["iPad", "AirPods"]
    ) async throws -> String {
        var create = Hearth_Campaign_V1_CreateCampaignRequest()
        create.spec = lotterySpec(closesAt: closesAt, winners: winners, prizes: prizes)
        return try await client.createCampaign(create).campaign.campaignID
    }

    /// Schedules and launches a campaign: a lottery takes entries while it runs.
    static func launch(_ client: Client, _ campaign: String) async throws {
        var schedule = Hearth_Campaign_V1_ScheduleCampaignRequest()
        schedule.campaignID = campaign
        _ = try await client.scheduleCampaign(schedule)
        var launch = Hearth_Campaign_V1_LaunchCampaignRequest()
        launch.campaignID = campaign
        let running = try await client.launchCampaign(launch).campaign
        #expect(running.status == .running)
    }

    static func entering(_ member: String, into campaign: String) -> Hearth_Campaign_V1_EnterLotteryRequest {
        var request = Hearth_Campaign_V1_EnterLotteryRequest()
        request.campaignID = campaign
        request.memberID = member
        request.idempotencyKey = UUID().uuidString
        return request
    }

    /// The `ErrorDetail.reason` a failed call carries.
    static func reason(_ error: RPCError?) -> String? {
        guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
            return nil
        }
        return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes).reason
    }

    @Test func aLotteryRunsFromCommitmentToAVerifiedDraw() async throws {
        try await CampaignEngineHarness.with { harness in
            let members = try await harness.lotteryMembers(7)
            let (entrants, gone, late) = (Array(members.prefix(5)), members[5], members[6])
            try await harness.deleteLotteryMember(gone)
            // Entries close in an hour; the test closes them early (below) once the entries are in,
            // so no timing on a loaded machine decides what is before or after the close.
            let closeAt = Date().addingTimeInterval(3_600)
            try await harness.withCampaignClient { client in
                let campaign = try await Self.createLottery(client, closesAt: closeAt)
                var get = Hearth_Campaign_V1_GetLotteryRequest()
                get.campaignID = campaign
                let fresh = try await client.getLottery(get).lottery
                #expect(fresh.algorithm == "hearth-lottery-v1")
                #expect(fresh.seedHash.isEmpty)
                #expect(!fresh.hasCommittedAt)
                #expect(abs(fresh.entriesCloseAt.date.timeIntervalSince(closeAt)) < 0.01)

                try await Self.launch(client, campaign)
                // No entries before the seed is committed: the list must not be known before it.
                let uncommitted = await #expect(throws: RPCError.self) {
                    try await client.enterLottery(Self.entering(entrants[0].description, into: campaign))
                }
                #expect(uncommitted?.code == .failedPrecondition)

                var commit = Hearth_Campaign_V1_CommitLotterySeedRequest()
                commit.campaignID = campaign
                let committed = try await client.commitLotterySeed(commit).lottery
                #expect(committed.seedHash.count == 64)
                #expect(committed.seedHash == committed.seedHash.lowercased())
                #expect(committed.seed.isEmpty)
                #expect(committed.hasCommittedAt)
                #expect(!committed.hasRevealedAt)
                // A second commit is the same commitment, never a new seed.
                let recommitted = try await client.commitLotterySeed(commit).lottery
                #expect(recommitted.seedHash == committed.seedHash)
                #expect(recommitted.committedAt == committed.committedAt)

                // Agents enter members: numbered 1…n in order, once each.
                try await harness.withCampaignClient(role: .agent) { agent in
                    for (index, member) in entrants.enumerated() {
                        let request = Self.entering(member.description, into: campaign)
                        let entry = try await agent.enterLottery(request).entry
                        #expect(entry.entryNumber == Int64(index + 1))
                        #expect(entry.memberID == member.description)
                    }
                    let repeated = try await agent.enterLottery(Self.entering(entrants[2].description, into: campaign))
                    #expect(repeated.entry.entryNumber == 3)
                    let deleted = await #expect(throws: RPCError.self) {
                        try await agent.enterLottery(Self.entering(gone.description, into: campaign))
                    }
                    #expect(deleted?.code == .failedPrecondition)
                    #expect(deleted?.message.contains("deleted") == true)
                    let stranger = await #expect(throws: RPCError.self) {
                        try await agent.enterLottery(Self.entering(MemberID().description, into: campaign))
                    }
                    #expect(stranger?.code == .notFound)
                    let malformed = await #expect(throws: RPCError.self) {
                        try await agent.enterLottery(Self.entering("member-7", into: campaign))
                    }
                    #expect(malformed?.code == .invalidArgument)
                    #expect(Self.reason(malformed) == "invalid_id")
                }

                // Nothing can be drawn, revealed or verified while entries are open.
                var draw = Hearth_Campaign_V1_DrawLotteryRequest()
                draw.campaignID = campaign
                let open = await #expect(throws: RPCError.self) { try await client.drawLottery(draw) }
                #expect(open?.code == .failedPrecondition)
                #expect(open?.message.contains("entries stay open") == true)
                var reveal = Hearth_Campaign_V1_RevealLotterySeedRequest()
                reveal.campaignID = campaign
                let undrawn = await #expect(throws: RPCError.self) { try await client.revealLotterySeed(reveal) }
                #expect(undrawn?.code == .failedPrecondition)
                var verify = Hearth_Campaign_V1_VerifyLotteryRequest()
                verify.campaignID = campaign
                let unrevealed = await #expect(throws: RPCError.self) { try await client.verifyLottery(verify) }
                #expect(unrevealed?.code == .failedPrecondition)
                #expect(unrevealed?.message.hasPrefix("the seed is revealed after the draw") == true)
                let stillOpen = try await client.getLottery(get).lottery
                #expect(stillOpen.entryCount == 5)
                #expect(stillOpen.entriesDigest.isEmpty)
                #expect(stillOpen.seed.isEmpty)

                try await harness.closeLotteryEntriesNow(campaign: campaign)

                let closed = await #expect(throws: RPCError.self) {
                    try await client.enterLottery(Self.entering(late.description, into: campaign))
                }
                #expect(closed?.code == .failedPrecondition)
                #expect(closed?.message.contains("entries closed") == true)
                let afterClose = try await client.commitLotterySeed(commit).lottery
                #expect(afterClose.seedHash == committed.seedHash)

                let drawn = try await client.drawLottery(draw).lottery
                #expect(drawn.winners.map(\.rank) == [1, 2, 3])
                #expect(drawn.winners.map(\.prize) == ["iPad", "AirPods", "AirPods"])
                #expect(Set(drawn.winners.map(\.entryNumber)).count == 3)
                #expect(Set(drawn.winners.map(\.memberID)).isSubset(of: Set(entrants.map(\.description))))
                #expect(drawn.entriesDigest.count == 64)
                #expect(drawn.hasDrawnAt)
                #expect(drawn.seed.isEmpty)
                let redrawn = try await client.drawLottery(draw).lottery
                #expect(redrawn.winners == drawn.winners)
                #expect(redrawn.drawnAt == drawn.drawnAt)

                // The canonical list, two at a time, hashes to the published digest.
                var listed: [Hearth_Campaign_V1_LotteryEntry] = []
                var list = Hearth_Campaign_V1_ListLotteryEntriesRequest()
                list.campaignID = campaign
                list.page.pageSize = 2
                var pages = 0
                repeat {
                    let page = try await client.listLotteryEntries(list)
                    listed += page.entries
                    list.page.cursor = page.page.nextCursor
                    pages += 1
                } while !list.page.cursor.isEmpty
                #expect(pages == 3)
                #expect(listed.map(\.entryNumber) == [1, 2, 3, 4, 5])
                #expect(listed.map(\.memberID) == entrants.map(\.description))
                let entries = try listed.map { entry in
                    LotteryDraw.Entry(entryNumber: entry.entryNumber, memberID: try #require(MemberID(entry.memberID)))
                }
                #expect(LotteryDraw.entriesDigest(of: entries, digest: SHA256Digest.hash) == drawn.entriesDigest)

                let revealed = try await client.revealLotterySeed(reveal).lottery
                #expect(revealed.seed.count == 64)
                #expect(revealed.hasRevealedAt)
                let seed = try #require(LotterySeed(hex: revealed.seed))
                #expect(SHA256Digest.hex(seed.bytes) == committed.seedHash)
                let rerevealed = try await client.revealLotterySeed(reveal).lottery
                #expect(rerevealed.seed == revealed.seed)
                #expect(rerevealed.revealedAt == revealed.revealedAt)
                let shown = try await client.getLottery(get).lottery
                #expect(shown.seed == revealed.seed)

                // Anyone can recompute the winners from the seed and the list.
                let recomputed = try LotteryDraw.winners(
                    seed: seed.bytes, entries: entries,
                    rules: LotteryRules(entriesCloseAt: closeAt, winnerCount: 3, prizes: ["iPad", "AirPods"]),
                    digest: SHA256Digest.hash)
                #expect(recomputed.map(\.entryNumber) == drawn.winners.map(\.entryNumber))
                #expect(recomputed.map(\.memberID.description) == drawn.winners.map(\.memberID))

                let verified = try await client.verifyLottery(verify)
                #expect(verified.seedMatchesCommitment)
                #expect(verified.entriesMatchDigest)
                #expect(verified.winnersMatch)
                #expect(verified.recomputedWinners == drawn.winners)

                // The service role cannot rewrite the entry list; the schema owner can, and it shows.
                await #expect(throws: PostgresError.self) {
                    try await harness.pool.withTenant(harness.tenant) { connection in
                        try await connection.query(
                            "UPDATE lottery_entries SET member_id = \(late.rawValue) WHERE entry_number = 1")
                    }
                }
                let changed = try await harness.tamperWithLotteryEntry(campaign: campaign, entryNumber: 1, member: late)
                #expect(changed == 1)
                let tampered = try await client.verifyLottery(verify)
                #expect(tampered.seedMatchesCommitment)
                #expect(!tampered.entriesMatchDigest)
            }
        }
    }

    @Test func lotteryCallsKeepToTheirTenantKindStatusAndRoles() async throws {
        try await CampaignEngineHarness.with { harness in
            let members = try await harness.lotteryMembers(1)
            let other = try await TenantStore(pool: harness.pool).create(
                slug: "l\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let (lottery, flashOffer, lapsed) = try await harness.withCampaignClient { client in
                let lottery = try await Self.createLottery(client, closesAt: Date().addingTimeInterval(3_600))
                var create = Hearth_Campaign_V1_CreateCampaignRequest()
                create.spec = CampaignAPITests.spec(segment: "", at: Date().addingTimeInterval(3_600))
                let flashOffer = try await client.createCampaign(create).campaign.campaignID
                let lapsed = try await Self.createLottery(client, closesAt: Date().addingTimeInterval(-60))
                return (lottery, flashOffer, lapsed)
            }

            try await harness.withCampaignClient { client in
                var commit = Hearth_Campaign_V1_CommitLotterySeedRequest()
                commit.campaignID = flashOffer
                let wrongKind = await #expect(throws: RPCError.self) { try await client.commitLotterySeed(commit) }
                #expect(wrongKind?.code == .failedPrecondition)
                #expect(Self.reason(wrongKind) == "wrong_kind")

                // A lottery whose entries closed before any commitment can never be drawn.
                commit.campaignID = lapsed
                let tooLate = await #expect(throws: RPCError.self) { try await client.commitLotterySeed(commit) }
                #expect(tooLate?.code == .failedPrecondition)
                var draw = Hearth_Campaign_V1_DrawLotteryRequest()
                draw.campaignID = lapsed
                let unauditable = await #expect(throws: RPCError.self) { try await client.drawLottery(draw) }
                #expect(unauditable?.code == .failedPrecondition)
                #expect(unauditable?.message.contains("could not be audited") == true)

                // Entries wait for the launch and stop while paused.
                commit.campaignID = lottery
                _ = try await client.commitLotterySeed(commit)
                let draft = await #expect(throws: RPCError.self) {
                    try await client.enterLottery(Self.entering(members[0].description, into: lottery))
                }
                #expect(draft?.code == .failedPrecondition)
                try await Self.launch(client, lottery)
                var pause = Hearth_Campaign_V1_PauseCampaignRequest()
                pause.campaignID = lottery
                _ = try await client.pauseCampaign(pause)
                let paused = await #expect(throws: RPCError.self) {
                    try await client.enterLottery(Self.entering(members[0].description, into: lottery))
                }
                #expect(paused?.code == .failedPrecondition)
                #expect(paused?.message.contains("paused") == true)

                var list = Hearth_Campaign_V1_ListLotteryEntriesRequest()
                list.campaignID = lottery
                list.page.cursor = PageCursor.encode(Date(), MemberID().description)
                let foreign = await #expect(throws: RPCError.self) { try await client.listLotteryEntries(list) }
                #expect(foreign?.code == .invalidArgument)
                #expect(Self.reason(foreign) == "invalid_cursor")
            }

            try await harness.withCampaignClient(tenant: other) { client in
                var get = Hearth_Campaign_V1_GetLotteryRequest()
                get.campaignID = lottery
                let hidden = await #expect(throws: RPCError.self) { try await client.getLottery(get) }
                #expect(hidden?.code == .notFound)
                var commit = Hearth_Campaign_V1_CommitLotterySeedRequest()
                commit.campaignID = lottery
                let notTheirs = await #expect(throws: RPCError.self) { try await client.commitLotterySeed(commit) }
                #expect(notTheirs?.code == .notFound)
                var list = Hearth_Campaign_V1_ListLotteryEntriesRequest()
                list.campaignID = lottery
                let unlisted = await #expect(throws: RPCError.self) { try await client.listLotteryEntries(list) }
                #expect(unlisted?.code == .notFound)
            }

            try await harness.withCampaignClient(role: .viewer) { client in
                var commit = Hearth_Campaign_V1_CommitLotterySeedRequest()
                commit.campaignID = lottery
                let denied = await #expect(throws: RPCError.self) { try await client.commitLotterySeed(commit) }
                #expect(denied?.code == .permissionDenied)
                var get = Hearth_Campaign_V1_GetLotteryRequest()
                get.campaignID = lottery
                let seen = try await client.getLottery(get).lottery
                #expect(seen.seedHash.count == 64)
                #expect(seen.seed.isEmpty)
                #expect(seen.entryCount == 0)
            }
        }
    }
}

extension CampaignEngineHarness {
    /// Moves a lottery's entries_close_at to the database's now, as if the close time had come.
    func closeLotteryEntriesNow(campaign: String) async throws {
        let id = try #require(UUID(uuidString: campaign))
        try await pool.withTenant(tenant) { connection in
            // The rules hold dates as seconds since 2001-01-01 (Foundation's reference date).
            try await connection.query(
                """
                UPDATE campaigns
                SET rules = jsonb_set(rules, '{lottery,_0,entriesCloseAt}',
                                      to_jsonb(extract(epoch FROM clock_timestamp()) - 978307200))
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id)
                """)
        }
    }
}
