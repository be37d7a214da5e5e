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

/// Calls the contest tests make again and again, over the real transport.
enum ContestCalls {
    typealias Client = Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>

    static func rules(
        _ scoring: ContestRules.Scoring, votesPerMember: Int = 1, winners: Int, entriesClose: Date?,
        votingClose: Date?
    ) -> CampaignRules {
        .contest(
            ContestRules(
                scoring: scoring, votesPerMember: votesPerMember, entriesCloseAt: entriesClose,
                votingCloseAt: votingClose, winnerCount: winners))
    }

    static func enter(
        _ client: Client, _ campaign: CampaignID, _ member: MemberID, title: String, media: [String] = [],
        key: String = ""
    ) async throws -> Hearth_Campaign_V1_ContestEntry {
        var request = Hearth_Campaign_V1_SubmitContestEntryRequest()
        request.campaignID = campaign.description
        request.memberID = member.description
        request.title = title
        request.content = "参赛作品：\(title)"
        request.mediaUrls = media
        request.idempotencyKey = key
        return try await client.submitContestEntry(request).entry
    }

    static func vote(_ client: Client, _ entry: String, by voter: MemberID, key: String = "") async throws
        -> Hearth_Campaign_V1_CastContestVoteResponse
    {
        var request = Hearth_Campaign_V1_CastContestVoteRequest()
        request.entryID = entry
        request.voterMemberID = voter.description
        request.idempotencyKey = key
        return try await client.castContestVote(request)
    }

    static func score(_ client: Client, _ entry: String, _ score: Double, comment: String = "") async throws
        -> Hearth_Campaign_V1_ContestEntry
    {
        var request = Hearth_Campaign_V1_ScoreContestEntryRequest()
        request.entryID = entry
        request.score = score
        request.comment = comment
        return try await client.scoreContestEntry(request).entry
    }

    static func declare(_ client: Client, _ campaign: CampaignID) async throws -> [Hearth_Campaign_V1_ContestEntry] {
        var request = Hearth_Campaign_V1_DeclareContestWinnersRequest()
        request.campaignID = campaign.description
        return try await client.declareContestWinners(request).winners
    }

    static func entries(
        _ client: Client, _ campaign: CampaignID, order: Hearth_Campaign_V1_ContestEntryOrder = .unspecified,
        pageSize: Int32 = 0, cursor: String = ""
    ) async throws -> Hearth_Campaign_V1_ListContestEntriesResponse {
        var request = Hearth_Campaign_V1_ListContestEntriesRequest()
        request.campaignID = campaign.description
        request.orderBy = order
        request.page.pageSize = pageSize
        request.page.cursor = cursor
        return try await client.listContestEntries(request)
    }
}

extension CampaignEngineHarness {
    /// Moves a contest's closing times straight in the database, as if their time had come.
    func moveContestCloses(of id: CampaignID, entries: Date?, voting: Date?) async throws {
        guard let campaign = try await campaigns.campaign(id, tenant: tenant),
            case .contest(var rules)? = campaign.rules
        else { throw RPCError(code: .internalError, message: "campaign \(id) is no contest") }
        rules.entriesCloseAt = entries
        rules.votingCloseAt = voting
        let json = try PostgresJSONB(encoding: CampaignRules.contest(rules))
        try await pool.withTenant(tenant) { connection in
            try await connection.query(
                """
                UPDATE campaigns SET rules = \(json)
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(id.rawValue)
                """)
        }
    }
}

@Suite("campaign-service: contests, votes, judges and winners over the wire, against PostgreSQL")
struct ContestAPITests {
    typealias Call = ContestCalls

    @Test func votesAreLimitedNeverForOnesOwnEntryAndDecideTheWinners() async throws {
        try await CampaignEngineHarness.with { harness in
            let now = Date()
            let contest = try await harness.participationCampaign(
                .contest,
                rules: Call.rules(
                    .votes, votesPerMember: 2, winners: 2, entriesClose: now.addingTimeInterval(3_600),
                    votingClose: now.addingTimeInterval(7_200)))
            let m = try await harness.participationMembers(7)
            try await harness.retireMember(m[6], deleted: true)
            let firstEntry = try await harness.withCampaignClient(role: .agent) { agent in
                let e1 = try await Call.enter(
                    agent, contest.id, m[0], title: " 春日樱花 ", media: ["https://img.example.com/sakura.jpg"],
                    key: "entry-1")
                let e2 = try await Call.enter(agent, contest.id, m[1], title: "城市夜景")
                let e3 = try await Call.enter(agent, contest.id, m[2], title: "雨后")
                #expect(e1.title == "春日樱花")
                #expect(e1.mediaUrls == ["https://img.example.com/sakura.jpg"])
                #expect(e1.voteCount == 0)
                #expect(e1.winnerRank == 0)

                // One entry per member; a retry with the first call's key gets that entry back.
                let again = try await Call.enter(agent, contest.id, m[0], title: "春日樱花", key: "entry-1")
                #expect(again.entryID == e1.entryID)
                await expectParticipationRefusal(.alreadyExists, "entry_exists") {
                    _ = try await Call.enter(agent, contest.id, m[0], title: "第二张")
                }
                await expectParticipationRefusal(.invalidArgument, "media_url_invalid") {
                    _ = try await Call.enter(agent, contest.id, m[3], title: "海边", media: ["javascript:alert(1)"])
                }
                await expectParticipationRefusal(.invalidArgument, "title_invalid") {
                    _ = try await Call.enter(agent, contest.id, m[3], title: "")
                }
                await expectParticipationRefusal(.failedPrecondition, "member_deleted") {
                    _ = try await Call.enter(agent, contest.id, m[6], title: "旧照片")
                }

                let first = try await Call.vote(agent, e1.entryID, by: m[3], key: "vote-1")
                #expect(first.entry.voteCount == 1)
                #expect(first.votesLeft == 1)
                // The retried call is answered as the first was; a second vote is refused.
                let retried = try await Call.vote(agent, e1.entryID, by: m[3], key: "vote-1")
                #expect(retried == first)
                await expectParticipationRefusal(.alreadyExists, "already_voted") {
                    _ = try await Call.vote(agent, e1.entryID, by: m[3])
                }
                let second = try await Call.vote(agent, e2.entryID, by: m[3])
                #expect(second.votesLeft == 0)
                await expectParticipationRefusal(.failedPrecondition, "votes_used_up", containing: "(2)") {
                    _ = try await Call.vote(agent, e3.entryID, by: m[3])
                }
                await expectParticipationRefusal(.failedPrecondition, "own_entry") {
                    _ = try await Call.vote(agent, e1.entryID, by: m[0])
                }
                await expectParticipationRefusal(.failedPrecondition, "member_deleted") {
                    _ = try await Call.vote(agent, e1.entryID, by: m[6])
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.vote(agent, ContestEntryID().description, by: m[4])
                }
                _ = try await Call.vote(agent, e2.entryID, by: m[4])
                _ = try await Call.vote(agent, e3.entryID, by: m[4])
                _ = try await Call.vote(agent, e2.entryID, by: m[5])
                _ = try await Call.vote(agent, e1.entryID, by: m[5])
                _ = try await Call.vote(agent, e3.entryID, by: m[0])
                // e2: 3 votes; e1 and e3: 2 each, e1 ranks first as the earlier entry.
                let ranking = try await Call.entries(agent, contest.id)
                #expect(ranking.entries.map(\.entryID) == [e2.entryID, e1.entryID, e3.entryID])
                #expect(ranking.entries.map(\.voteCount) == [3, 2, 2])
                return e1.entryID
            }
            try await harness.withCampaignClient { client in
                await expectParticipationRefusal(.failedPrecondition, "wrong_scoring") {
                    _ = try await Call.score(client, firstEntry, 90)
                }
                await expectParticipationRefusal(.failedPrecondition, "voting_open") {
                    _ = try await Call.declare(client, contest.id)
                }
            }

            try await harness.moveContestCloses(
                of: contest.id, entries: Date().addingTimeInterval(-2), voting: Date().addingTimeInterval(-1))
            try await harness.withCampaignClient(role: .agent) { agent in
                let ranking = try await Call.entries(agent, contest.id)
                await expectParticipationRefusal(.failedPrecondition, "voting_closed") {
                    _ = try await Call.vote(agent, ranking.entries[2].entryID, by: m[1])
                }
                await expectParticipationRefusal(.failedPrecondition, "entries_closed") {
                    _ = try await Call.enter(agent, contest.id, m[3], title: "迟到的作品")
                }
            }
            try await harness.withCampaignClient { client in
                let ranking = try await Call.entries(client, contest.id).entries
                let winners = try await Call.declare(client, contest.id)
                #expect(winners.map(\.entryID) == [ranking[0].entryID, ranking[1].entryID])
                #expect(winners.map(\.winnerRank) == [1, 2])
                #expect(winners.map(\.voteCount) == [3, 2])
                #expect(winners.map(\.title) == ["城市夜景", "春日樱花"])
                // Declared once: a repeat returns the same winners.
                let repeated = try await Call.declare(client, contest.id)
                #expect(repeated == winners)
                let listed = try await Call.entries(client, contest.id)
                #expect(listed.entries.map(\.winnerRank) == [1, 2, 0])
            }
        }
    }

    @Test func concurrentVotesOfOneMemberStayWithinTheirAllowance() async throws {
        try await CampaignEngineHarness.with { harness in
            let now = Date()
            let contest = try await harness.participationCampaign(
                .contest,
                rules: Call.rules(
                    .votes, votesPerMember: 2, winners: 1, entriesClose: now.addingTimeInterval(3_600),
                    votingClose: now.addingTimeInterval(7_200)))
            let m = try await harness.participationMembers(6)
            try await harness.withCampaignClient(role: .agent) { agent in
                var entries: [String] = []
                for index in 0..<5 {
                    let entry = try await Call.enter(agent, contest.id, m[index], title: "作品 \(index + 1)")
                    entries.append(entry.entryID)
                }
                let voter = m[5]
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for entry in entries {
                        group.addTask {
                            do {
                                _ = try await Call.vote(agent, entry, by: voter)
                                return "voted"
                            } catch let error as RPCError {
                                return participationReason(error) ?? "\(error.code)"
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                    var all: [String] = []
                    for await outcome in group { all.append(outcome) }
                    return all.sorted()
                }
                #expect(outcomes == ["voted", "voted", "votes_used_up", "votes_used_up", "votes_used_up"])
                let ranking = try await Call.entries(agent, contest.id)
                #expect(ranking.entries.map(\.voteCount).reduce(0, +) == 2)
            }
        }
    }

    @Test func judgesScoresAverageAndTiesGoToTheEarlierEntry() async throws {
        try await CampaignEngineHarness.with { harness in
            let now = Date()
            let contest = try await harness.participationCampaign(
                .contest,
                rules: Call.rules(
                    .judges, winners: 2, entriesClose: now.addingTimeInterval(3_600),
                    votingClose: now.addingTimeInterval(7_200)))
            let m = try await harness.participationMembers(4)
            let (e1, e2, e3) = try await harness.withCampaignClient(role: .agent) { agent in
                let first = try await Call.enter(agent, contest.id, m[0], title: "老街")
                let second = try await Call.enter(agent, contest.id, m[1], title: "渔港")
                let third = try await Call.enter(agent, contest.id, m[2], title: "麦田")
                await expectParticipationRefusal(.failedPrecondition, "wrong_scoring") {
                    _ = try await Call.vote(agent, first.entryID, by: m[3])
                }
                return (first.entryID, second.entryID, third.entryID)
            }
            try await harness.withOperatorClient("judge-a") { judge in
                _ = try await Call.score(judge, e1, 80, comment: "构图不错")
                _ = try await Call.score(judge, e2, 90)
                let first = try await Call.score(judge, e3, 70)
                #expect(first.judgeScore == 70)
                #expect(first.judgeCount == 1)
                await expectParticipationRefusal(.invalidArgument, "out_of_range") {
                    _ = try await Call.score(judge, e1, 100.5)
                }
                await expectParticipationRefusal(.invalidArgument, "out_of_range") {
                    _ = try await Call.score(judge, e1, -1)
                }
            }
            try await harness.withOperatorClient("judge-b") { judge in
                let scored = try await Call.score(judge, e1, 90)
                #expect(scored.judgeScore == 85)
                #expect(scored.judgeCount == 2)
                _ = try await Call.score(judge, e2, 80)
                _ = try await Call.score(judge, e3, 100)
            }
            try await harness.withOperatorClient("judge-a") { judge in
                // A re-score replaces the judge's earlier one: e3 goes from (70+100)/2 to (60+100)/2.
                let rescored = try await Call.score(judge, e3, 60)
                #expect(rescored.judgeScore == 80)
                #expect(rescored.judgeCount == 2)
                // e1 and e2 tie at 85: the earlier entry ranks first.
                let ranking = try await Call.entries(judge, contest.id, order: .ranking)
                #expect(ranking.entries.map(\.entryID) == [e1, e2, e3])
                #expect(ranking.entries.map(\.judgeScore) == [85, 85, 80])
                #expect(ranking.entries.map(\.judgeCount) == [2, 2, 2])
                await expectParticipationRefusal(.failedPrecondition, "voting_open", containing: "entries") {
                    _ = try await Call.declare(judge, contest.id)
                }
            }

            // Judges' winners may be declared once entries close, though scoring would stay open.
            try await harness.moveContestCloses(
                of: contest.id, entries: Date().addingTimeInterval(-1), voting: now.addingTimeInterval(7_200))
            try await harness.withOperatorClient("judge-a") { judge in
                let winners = try await Call.declare(judge, contest.id)
                #expect(winners.map(\.entryID) == [e1, e2])
                #expect(winners.map(\.winnerRank) == [1, 2])
                #expect(winners.map(\.judgeScore) == [85, 85])
                let repeated = try await Call.declare(judge, contest.id)
                #expect(repeated.map(\.entryID) == [e1, e2])
                await expectParticipationRefusal(.failedPrecondition, "winners_declared") {
                    _ = try await Call.score(judge, e3, 100)
                }

                // Pages by submission, one at a time, and by ranking, two at a time.
                var seen: [String] = []
                var cursor = ""
                repeat {
                    let page = try await Call.entries(
                        judge, contest.id, order: .submittedAt, pageSize: 1, cursor: cursor)
                    seen += page.entries.map(\.entryID)
                    cursor = page.page.nextCursor
                } while !cursor.isEmpty && seen.count < 10
                #expect(seen == [e1, e2, e3])
                let top = try await Call.entries(judge, contest.id, pageSize: 2)
                #expect(top.entries.map(\.entryID) == [e1, e2])
                #expect(top.entries.map(\.winnerRank) == [1, 2])
                let rest = try await Call.entries(judge, contest.id, pageSize: 2, cursor: top.page.nextCursor)
                #expect(rest.entries.map(\.entryID) == [e3])
                #expect(rest.entries.map(\.winnerRank) == [0])
                #expect(rest.page.nextCursor.isEmpty)
            }
        }
    }

    @Test func closedWindowsWrongKindsOtherTenantsAndRolesAreRefused() async throws {
        try await CampaignEngineHarness.with { harness in
            let now = Date()
            let closed = try await harness.participationCampaign(
                .contest,
                rules: Call.rules(
                    .votes, winners: 1, entriesClose: now.addingTimeInterval(-10),
                    votingClose: now.addingTimeInterval(-5)))
            let running = try await harness.participationCampaign(
                .contest,
                rules: Call.rules(
                    .votes, winners: 1, entriesClose: now.addingTimeInterval(3_600),
                    votingClose: now.addingTimeInterval(7_200)))
            let tasks = try await harness.participationCampaign(.taskChallenge)
            let unruled = try await harness.participationCampaign(.contest, launched: false)
            let drafted = try await harness.participationCampaign(
                .contest, rules: Call.rules(.votes, winners: 1, entriesClose: nil, votingClose: nil), launched: false)
            let cancelled = try await harness.participationCampaign(
                .contest, rules: Call.rules(.votes, winners: 1, entriesClose: nil, votingClose: nil))
            _ = try await harness.campaigns.apply(.cancel, reason: "停办", to: cancelled.id, tenant: harness.tenant)
            let m = try await harness.participationMembers(2)
            let entry = try await harness.withCampaignClient(role: .agent) { agent in
                await expectParticipationRefusal(.failedPrecondition, "entries_closed") {
                    _ = try await Call.enter(agent, closed.id, m[0], title: "迟到")
                }
                await expectParticipationRefusal(.failedPrecondition, "wrong_kind", containing: "task_challenge") {
                    _ = try await Call.enter(agent, tasks.id, m[0], title: "走错了")
                }
                await expectParticipationRefusal(.failedPrecondition, "wrong_kind") {
                    _ = try await Call.entries(agent, tasks.id)
                }
                await expectParticipationRefusal(.failedPrecondition, "contest_rules_missing") {
                    _ = try await Call.enter(agent, unruled.id, m[0], title: "没有规则")
                }
                await expectParticipationRefusal(.failedPrecondition, "campaign_not_running", containing: "draft") {
                    _ = try await Call.enter(agent, drafted.id, m[0], title: "太早了")
                }
                await expectParticipationRefusal(.failedPrecondition, "campaign_finished", containing: "cancelled") {
                    _ = try await Call.enter(agent, cancelled.id, m[0], title: "停办了")
                }
                return try await Call.enter(agent, running.id, m[0], title: "正常参赛")
            }
            try await harness.withCampaignClient { client in
                await expectParticipationRefusal(.failedPrecondition, "no_ranked_entries") {
                    _ = try await Call.declare(client, closed.id)
                }
                await expectParticipationRefusal(.failedPrecondition, "campaign_finished") {
                    _ = try await Call.declare(client, cancelled.id)
                }
                await expectParticipationRefusal(.failedPrecondition, "wrong_kind") {
                    _ = try await Call.declare(client, tasks.id)
                }
            }

            let other = try await TenantStore(pool: harness.pool).create(
                slug: "k\(UInt32.random(in: 0..<UInt32.max))", name: "Other tenant")
            let stranger = try await harness.participationMembers(1, tenant: other)[0]
            try await harness.withCampaignClient(tenant: other) { client in
                await expectParticipationRefusal(.notFound, nil) { _ = try await Call.entries(client, running.id) }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.enter(client, running.id, stranger, title: "跨租户")
                }
                await expectParticipationRefusal(.notFound, nil) {
                    _ = try await Call.vote(client, entry.entryID, by: stranger)
                }
                await expectParticipationRefusal(.notFound, nil) { _ = try await Call.score(client, entry.entryID, 50) }
                await expectParticipationRefusal(.notFound, nil) { _ = try await Call.declare(client, running.id) }
            }
            try await harness.withCampaignClient(role: .agent) { agent in
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.score(agent, entry.entryID, 50)
                }
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.declare(agent, running.id)
                }
            }
            try await harness.withCampaignClient(role: .viewer) { viewer in
                await expectParticipationRefusal(.permissionDenied, nil) {
                    _ = try await Call.vote(viewer, entry.entryID, by: m[1])
                }
                let listed = try await Call.entries(viewer, running.id)
                #expect(listed.entries.map(\.entryID) == [entry.entryID])
            }
        }
    }
}
