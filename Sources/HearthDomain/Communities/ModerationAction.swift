public import Foundation

/// A recorded moderation step with its reason and operator: moderation is never silent.
public struct ModerationAction: Hashable, Sendable {
    public var id: ModerationActionID
    public var communityID: CommunityID
    public var memberID: MemberID
    public var kind: ModerationActionKind
    public var reason: String
    /// Mutes only.
    public var mutedUntil: Date?
    /// The operator as the access token names them.
    public var operatorID: String
    public var createdAt: Date

    public init(
        id: ModerationActionID = ModerationActionID(), communityID: CommunityID, memberID: MemberID,
        kind: ModerationActionKind, reason: String, mutedUntil: Date? = nil, operatorID: String,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.communityID = communityID
        self.memberID = memberID
        self.kind = kind
        self.reason = reason
        self.mutedUntil = mutedUntil
        self.operatorID = operatorID
        self.createdAt = createdAt
    }
}

public typealias ModerationActionID = Identifier<ModerationAction>
