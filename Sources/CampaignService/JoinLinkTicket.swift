public import Foundation
public import HearthDomain

/// A join link member-service created for a campaign: the bearer token to put in a URL or QR code,
/// with the family it routes into and the attribution and expiry it carries. The token is only
/// ever seen here, at creation; member-service keeps its hash.
public struct JoinLinkTicket: Sendable, Hashable {
    /// Opaque and URL-safe.
    public var token: String
    public var familyID: CommunityFamilyID?
    public var campaignID: CampaignID?
    public var sourceChannel: SourceChannel?
    /// `nil`: the link does not expire.
    public var expiresAt: Date?

    public init(
        token: String, familyID: CommunityFamilyID?, campaignID: CampaignID?, sourceChannel: SourceChannel?,
        expiresAt: Date?
    ) {
        self.token = token
        self.familyID = familyID
        self.campaignID = campaignID
        self.sourceChannel = sourceChannel
        self.expiresAt = expiresAt
    }
}
