/// Whom a campaign addresses: a segment's members, a community's active members, or both (the
/// segment's members active in the community). A recruitment campaign instead calls the segment's
/// members and invites them into the community. Neither: an open campaign (a public lottery) that
/// sends nothing.
public struct CampaignAudience: Hashable, Sendable, Codable {
    public var segmentID: SegmentID?
    public var communityID: CommunityID?

    public init(segmentID: SegmentID? = nil, communityID: CommunityID? = nil) {
        self.segmentID = segmentID
        self.communityID = communityID
    }

    /// Addresses no one: nothing is sent to anybody.
    public var isOpen: Bool { segmentID == nil && communityID == nil }

    private enum CodingKeys: String, CodingKey {
        case segmentID = "segment_id"
        case communityID = "community_id"
    }
}
