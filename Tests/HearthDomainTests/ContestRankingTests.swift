import Foundation
import HearthDomain
import Testing

@Suite("Contest ranking and winners")
struct ContestRankingTests {
    static let campaign = CampaignID()
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// An entry submitted `minute` minutes after ``start``.
    static func entry(
        _ title: String, minute: Int, votes: Int64 = 0, score: Double? = nil, judges: Int = 0,
        id: ContestEntryID = ContestEntryID()
    ) -> ContestEntry {
        ContestEntry(
            id: id, campaignID: campaign, memberID: MemberID(), title: title,
            submittedAt: start.addingTimeInterval(Double(minute) * 60), voteCount: votes, judgeScore: score,
            judgeCount: judges)
    }

    @Test func votesRankHighestFirstAndTiesGoToTheEarlierEntry() {
        let entries = [
            Self.entry("late tie", minute: 30, votes: 5), Self.entry("most", minute: 40, votes: 9),
            Self.entry("early tie", minute: 10, votes: 5), Self.entry("none", minute: 0),
            Self.entry("one", minute: 50, votes: 1),
        ]
        #expect(
            ContestRanking.ranked(entries, by: .votes).map(\.title) == ["most", "early tie", "late tie", "one", "none"])
        // The input order never matters.
        #expect(
            ContestRanking.ranked(entries.reversed(), by: .votes).map(\.title)
                == ["most", "early tie", "late tie", "one", "none"])
    }

    @Test func winnersAreNumberedAndOnlyEntriesWithVotesWin() {
        let entries = [
            Self.entry("b", minute: 2, votes: 3), Self.entry("a", minute: 1, votes: 3), Self.entry("c", minute: 3),
        ]
        let two = ContestRanking.winners(among: entries, by: .votes, count: 2)
        #expect(two.map(\.title) == ["a", "b"])
        #expect(two.map(\.winnerRank) == [1, 2])
        // Three places, but "c" has no vote: two winners, not three.
        #expect(ContestRanking.winners(among: entries, by: .votes, count: 3).map(\.title) == ["a", "b"])
        #expect(ContestRanking.winners(among: [Self.entry("x", minute: 0)], by: .votes, count: 3).isEmpty)
        #expect(ContestRanking.winners(among: entries, by: .votes, count: 0).isEmpty)
    }

    @Test func judgesRankByTheAverageAndUnscoredEntriesComeLast() {
        let entries = [
            Self.entry("unscored", minute: 0),
            Self.entry("zero", minute: 1, score: 0, judges: 1),
            Self.entry("85 late", minute: 9, score: 85, judges: 2),
            Self.entry("85 early", minute: 5, score: 85, judges: 3),
            Self.entry("92.5", minute: 7, score: 92.5, judges: 2),
        ]
        #expect(
            ContestRanking.ranked(entries, by: .judges).map(\.title)
                == ["92.5", "85 early", "85 late", "zero", "unscored"])
        let winners = ContestRanking.winners(among: entries, by: .judges, count: 10)
        // A scored 0 can place; an unscored entry cannot.
        #expect(winners.map(\.title) == ["92.5", "85 early", "85 late", "zero"])
        #expect(winners.map(\.winnerRank) == [1, 2, 3, 4])
        // Votes mean nothing in a judges' contest, and scores nothing in a votes contest.
        #expect(ContestRanking.value(of: Self.entry("v", minute: 0, votes: 7), by: .judges) == nil)
        #expect(ContestRanking.value(of: entries[4], by: .votes) == nil)
        #expect(ContestRanking.value(of: entries[4], by: .judges) == 92.5)
    }

    @Test func entriesOfTheSameInstantFallBackToTheSmallerID() throws {
        let low = try #require(ContestEntryID("00000000-0000-4000-8000-000000000001"))
        let high = try #require(ContestEntryID("ffffffff-0000-4000-8000-000000000001"))
        let entries = [
            Self.entry("high", minute: 0, votes: 2, id: high), Self.entry("low", minute: 0, votes: 2, id: low),
        ]
        #expect(ContestRanking.ranked(entries, by: .votes).map(\.title) == ["low", "high"])
        #expect(ContestRanking.ranked(entries.reversed(), by: .votes).map(\.title) == ["low", "high"])
    }

    @Test func theAverageOfTheJudgesScores() {
        #expect(ContestRanking.averageScore([]) == nil)
        #expect(ContestRanking.averageScore([80, 90]) == 85)
        #expect(ContestRanking.averageScore([70, 80, 90, 100]) == 85)
        #expect(ContestRanking.averageScore([100]) == 100)
    }

    @Test func theRankingClosesWithVotingForVotesAndWithEntriesForJudges() {
        let period = CampaignPeriod(start: Self.start, end: Self.start.addingTimeInterval(86_400))
        let entriesClose = Self.start.addingTimeInterval(3_600)
        let votingClose = Self.start.addingTimeInterval(7_200)
        let votes = ContestRules(
            scoring: .votes, entriesCloseAt: entriesClose, votingCloseAt: votingClose, winnerCount: 3)
        let judges = ContestRules(
            scoring: .judges, entriesCloseAt: entriesClose, votingCloseAt: votingClose, winnerCount: 3)
        #expect(votes.rankingCloses(in: period) == votingClose)
        #expect(judges.rankingCloses(in: period) == entriesClose)
        // Without closing times the period's end closes everything; without a period nothing does.
        let open = ContestRules(scoring: .votes, winnerCount: 1)
        #expect(open.entriesClose(in: period) == period.end)
        #expect(open.votingClose(in: period) == period.end)
        #expect(open.rankingCloses(in: nil) == nil)
    }

    @Test func aVoteIsRefusedForOnesOwnEntryInAJudgesContestAndAfterVotingCloses() {
        let voter = MemberID()
        var campaign = Campaign(
            tenantID: TenantID(), name: "摄影大赛", kind: .contest, status: .running,
            rules: .contest(
                ContestRules(scoring: .votes, votingCloseAt: Self.start.addingTimeInterval(60), winnerCount: 1)))
        guard case .contest(let rules)? = campaign.rules else {
            Issue.record("the campaign lost its rules")
            return
        }
        let own = ContestEntry(campaignID: campaign.id, memberID: voter, title: "mine", submittedAt: Self.start)
        #expect(
            refusal { try own.checkVote(by: voter, campaign: campaign, rules: rules, at: Self.start) } == "own_entry")
        let other = ContestEntry(
            campaignID: campaign.id, memberID: MemberID(), title: "theirs", submittedAt: Self.start)
        #expect(refusal { try other.checkVote(by: voter, campaign: campaign, rules: rules, at: Self.start) } == nil)
        #expect(
            refusal {
                try other.checkVote(by: voter, campaign: campaign, rules: rules, at: Self.start.addingTimeInterval(60))
            }
                == "voting_closed")
        var judged = rules
        judged.scoring = .judges
        #expect(
            refusal { try other.checkVote(by: voter, campaign: campaign, rules: judged, at: Self.start) }
                == "wrong_scoring")
        campaign.status = .paused
        #expect(
            refusal { try other.checkVote(by: voter, campaign: campaign, rules: rules, at: Self.start) }
                == "campaign_not_running")
        #expect(refusal { try ContestEntry.checkVoteAllowance(used: 1, rules: rules, voter: voter) } == "votes_used_up")
        #expect(refusal { try ContestEntry.checkVoteAllowance(used: 0, rules: rules, voter: voter) } == nil)
    }

    /// The reason of the refusal `body` throws; `nil` when it throws none.
    func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let refusal as ContestEntry.Refusal {
            return refusal.reason.rawValue
        } catch {
            Issue.record("not a contest refusal: \(error)")
            return "\(error)"
        }
    }
}
