public import Foundation

/// The members of a recruitment campaign's audience to call, split evenly among agents: built
/// once from the audience as it stood then, and worked through by the agents entry by entry.
public struct CallList: Hashable, Sendable {
    /// How many entries one agent got.
    public struct AgentShare: Hashable, Sendable {
        public var agentOperatorID: UUID
        public var entryCount: Int

        public init(agentOperatorID: UUID, entryCount: Int) {
            self.agentOperatorID = agentOperatorID
            self.entryCount = entryCount
        }
    }

    public var id: CallListID
    public var campaignID: CampaignID
    /// The operator who built it, as their access token names them.
    public var createdBy: String
    public var entryCount: Int
    /// Every agent the list was split among, in the order entries were dealt (an agent may hold
    /// none when there were fewer members than agents).
    public var agents: [AgentShare]
    public var createdAt: Date

    public init(
        id: CallListID = CallListID(), campaignID: CampaignID, createdBy: String, entryCount: Int,
        agents: [AgentShare], createdAt: Date = Date()
    ) {
        self.id = id
        self.campaignID = campaignID
        self.createdBy = createdBy
        self.entryCount = entryCount
        self.agents = agents
        self.createdAt = createdAt
    }
}

public typealias CallListID = Identifier<CallList>
