public import Foundation

/// A member group hosted on an IM platform, with the counts that drive routing and split warnings.
public struct Community: Hashable, Sendable {
    public var id: CommunityID
    public var tenantID: TenantID
    public var settings: CommunitySettings
    /// Whether joining needs a pass phrase (the phrase itself is stored hashed, never returned).
    public var passPhraseRequired: Bool
    /// Active members now.
    public var memberCount: Int
    /// Join requests awaiting approval.
    public var pendingCount: Int
    /// Where the group sits in a family of replicas; `nil` outside any family.
    public var familyPlace: CommunityFamilyPlace?
    /// The group this one was replicated from.
    public var replicatedFrom: CommunityID?
    public var archivedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CommunityID = CommunityID(),
        tenantID: TenantID,
        settings: CommunitySettings,
        passPhraseRequired: Bool = false,
        memberCount: Int = 0,
        pendingCount: Int = 0,
        familyPlace: CommunityFamilyPlace? = nil,
        replicatedFrom: CommunityID? = nil,
        archivedAt: Date? = nil,
        createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.settings = settings
        self.passPhraseRequired = passPhraseRequired
        self.memberCount = memberCount
        self.pendingCount = pendingCount
        self.familyPlace = familyPlace
        self.replicatedFrom = replicatedFrom
        self.archivedAt = archivedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Seats still free (never negative, even if capacity was lowered on the platform).
    public var seatsLeft: Int { max(0, settings.capacity - memberCount) }
}

/// A group's place in a family of replicas: groups replicated from one another share the family
/// and are numbered 1, 2, 3, …; a join link routes newcomers to the lowest number with room.
public struct CommunityFamilyPlace: Hashable, Sendable {
    public var familyID: CommunityFamilyID
    /// 1-based.
    public var sequence: Int

    public init(familyID: CommunityFamilyID, sequence: Int) {
        self.familyID = familyID
        self.sequence = sequence
    }
}

public typealias CommunityID = Identifier<Community>

/// The tag of a family of replicated groups; a family has no row of its own, only this id.
public enum CommunityFamily {}
public typealias CommunityFamilyID = Identifier<CommunityFamily>
