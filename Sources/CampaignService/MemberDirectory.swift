public import Foundation
public import HearthDomain

/// What the campaign service needs to know about members, answered by member-service over its
/// RPCs (never by reading its tables): who an audience holds, whether and where a member may be
/// messaged or called, and join links into a campaign's community.
public protocol MemberDirectory: Sendable {
    /// Calls `body` with the audience's members, a batch at a time.
    func forEachBatch(
        of audience: CampaignAudience, tenant: TenantID, _ body: ([MemberID]) async throws -> Void
    ) async throws

    /// The send-time facts of these members; a member missing from the answer no longer exists.
    func contacts(of members: [MemberID], tenant: TenantID) async throws -> [MemberID: MemberContact]

    /// The members banned from `community`: a campaign aimed at that community never messages them.
    func bannedMembers(of community: CommunityID, tenant: TenantID) async throws -> Set<MemberID>

    /// Creates a join link into the family of `community`, attributed to `campaign` and
    /// `sourceChannel`, expiring at `expiresAt` (`nil`: never), recorded as created by `createdBy`
    /// (the operator as their access token names them). Member-service's refusals (an unknown or
    /// archived community) come back as its RPC errors.
    func createJoinLink(
        into community: CommunityID, campaign: CampaignID, sourceChannel: SourceChannel?, expiresAt: Date?,
        createdBy: String, idempotencyKey: String?, tenant: TenantID
    ) async throws -> JoinLinkTicket
}

/// A member as a sender or caller sees it: whether it may be contacted at all, its consents,
/// addresses and name.
public struct MemberContact: Sendable, Hashable {
    /// Deleted, erased or merged: never messaged.
    public var isGone: Bool
    public var consents: Set<ConsentChannel>
    public var phone: String?
    /// IM handles by kind (wechat, qq, dingtalk).
    public var imHandles: [IdentityKind: String]
    /// The profile's display name, for the agent who calls; `nil` when the profile has none.
    public var displayName: String?

    public init(
        isGone: Bool, consents: Set<ConsentChannel>, phone: String?, imHandles: [IdentityKind: String] = [:],
        displayName: String? = nil
    ) {
        self.isGone = isGone
        self.consents = consents
        self.phone = phone
        self.imHandles = imHandles
        self.displayName = displayName
    }
}
