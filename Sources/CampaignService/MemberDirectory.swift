public import HearthDomain

/// What the campaign engine needs to know about members, answered by member-service over its
/// RPCs (never by reading its tables): who an audience holds, and whether and where a member may
/// be messaged.
public protocol MemberDirectory: Sendable {
    /// Calls `body` with the audience's members, a batch at a time.
    func forEachBatch(
        of audience: CampaignAudience, tenant: TenantID, _ body: ([MemberID]) async throws -> Void
    ) async throws

    /// The send-time facts of these members; a member missing from the answer no longer exists.
    func contacts(of members: [MemberID], tenant: TenantID) async throws -> [MemberID: MemberContact]
}

/// A member as a sender sees it: whether it may be messaged at all, its consents and addresses.
public struct MemberContact: Sendable, Hashable {
    /// Deleted, erased or merged: never messaged.
    public var isGone: Bool
    public var consents: Set<ConsentChannel>
    public var phone: String?
    /// IM handles by kind (wechat, qq, dingtalk).
    public var imHandles: [IdentityKind: String]

    public init(
        isGone: Bool, consents: Set<ConsentChannel>, phone: String?, imHandles: [IdentityKind: String] = [:]
    ) {
        self.isGone = isGone
        self.consents = consents
        self.phone = phone
        self.imHandles = imHandles
    }
}
