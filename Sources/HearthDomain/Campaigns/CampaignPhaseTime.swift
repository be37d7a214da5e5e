public import Foundation

/// When one phase message of one occurrence goes out.
public struct CampaignPhaseTime: Hashable, Sendable, Codable {
    public var phase: CampaignPhase
    public var at: Date
    /// The message's position in the campaign's messages, so the delivery knows what to send and the
    /// wire can list phase times in the order of the messages.
    public var messageIndex: Int

    public init(phase: CampaignPhase, at: Date, messageIndex: Int) {
        self.phase = phase
        self.at = at
        self.messageIndex = messageIndex
    }

    private enum CodingKeys: String, CodingKey {
        case phase
        case at
        case messageIndex = "message_index"
    }
}
