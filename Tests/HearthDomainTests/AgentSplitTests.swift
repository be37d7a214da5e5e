import Foundation
import HearthDomain
import Testing

@Suite("Call lists split evenly among agents")
struct AgentSplitTests {
    let agents = (0..<3).map { _ in UUID() }

    @Test func entriesAreDealtRoundRobinInTheGivenOrder() throws {
        let dealt = try AgentSplit.deal(Array(1...16), among: agents)
        let items = dealt.map { $0.item }
        let dealers = dealt.map { $0.agent }
        let roundRobin = (0..<16).map { agents[$0 % 3] }
        #expect(items == Array(1...16))
        #expect(dealers == roundRobin)
        let counts = agents.map { agent in dealt.filter { $0.agent == agent }.count }
        #expect(counts == [6, 5, 5])
    }

    @Test func sharesDifferByAtMostOneAndAddUp() throws {
        for count in 0...40 {
            for agentCount in 1...7 {
                let agents = (0..<agentCount).map { _ in UUID() }
                let dealt = try AgentSplit.deal(Array(0..<count), among: agents)
                let counts = agents.map { agent in dealt.filter { $0.agent == agent }.count }
                #expect(counts == AgentSplit.shares(of: count, among: agentCount))
                #expect(counts.reduce(0, +) == count)
                #expect((counts.max() ?? 0) - (counts.min() ?? 0) <= 1)
                let distinctItems = Set(dealt.map { $0.item })
                #expect(distinctItems.count == count)
            }
        }
    }

    @Test func anAgentNamedTwiceIsDealtToOnce() throws {
        let dealt = try AgentSplit.deal(Array(1...4), among: [agents[0], agents[1], agents[0]])
        let dealers = dealt.map { $0.agent }
        #expect(dealers == [agents[0], agents[1], agents[0], agents[1]])
    }

    @Test func fewerMembersThanAgentsLeavesSomeAgentsWithout() throws {
        let dealt = try AgentSplit.deal(["only"], among: agents)
        let dealers = dealt.map { $0.agent }
        #expect(dealers == [agents[0]])
        #expect(AgentSplit.shares(of: 1, among: 3) == [1, 0, 0])
    }

    @Test func noAgentIsAFailedPrecondition() {
        do throws(DomainError) {
            _ = try AgentSplit.deal([1, 2], among: [])
            Issue.record("a split among no agents was accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
        }
    }
}

@Suite("Call outcomes: what may follow what")
struct CallOutcomeTests {
    @Test func everyOutcomeButPendingMayBeRecordedUntilJoined() throws {
        for current in CallOutcome.allCases where current != .joined {
            for next in CallOutcome.recordable {
                try current.checkMove(to: next)
            }
        }
        #expect(CallOutcome.recordable == [.notReached, .declined, .invited, .joined])
    }

    @Test func pendingIsNeverRecordedAndJoinedIsFinal() {
        for current in CallOutcome.allCases {
            #expect(refusal(current, .pending) == .invalidArgument)
        }
        for next in CallOutcome.recordable {
            #expect(refusal(.joined, next) == .failedPrecondition)
        }
    }

    func refusal(_ current: CallOutcome, _ next: CallOutcome) -> DomainError.Code? {
        do throws(DomainError) {
            try current.checkMove(to: next)
            return nil
        } catch {
            return error.code
        }
    }
}
