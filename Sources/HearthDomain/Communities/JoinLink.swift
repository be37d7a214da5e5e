public import Foundation

/// A link that routes each newcomer to the first group of a family with room, with the
/// attribution (campaign, source channel) their join is recorded under.
public struct JoinLink: Hashable, Sendable {
    public var id: JoinLinkID
    public var familyID: CommunityFamilyID
    public var campaignID: UUID?
    public var sourceChannel: SourceChannel?
    /// `nil`: the link does not expire.
    public var expiresAt: Date?
    public var createdAt: Date

    public init(
        id: JoinLinkID = JoinLinkID(), familyID: CommunityFamilyID, campaignID: UUID? = nil,
        sourceChannel: SourceChannel? = nil, expiresAt: Date? = nil, createdAt: Date = Date()
    ) {
        self.id = id
        self.familyID = familyID
        self.campaignID = campaignID
        self.sourceChannel = sourceChannel
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }

    public func isExpired(at now: Date = Date()) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}

public typealias JoinLinkID = Identifier<JoinLink>
