public import Foundation

/// One customer or fan of a tenant, with the profile operators keep and the figures computed from
/// the member's events.
public struct Member: Hashable, Sendable, Codable {
    public var id: MemberID
    public var tenantID: TenantID
    public var displayName: String
    /// E.164, e.g. `+8613800138000`.
    public var phone: String?
    public var email: String?
    public var region: Region
    /// e.g. pharmacy, clinic, individual.
    public var organisationKind: String?
    public var tags: [String]
    public var interests: [String]
    public var sourceChannel: SourceChannel?
    /// 0 (none) to 9.
    public var vipTier: Int
    public var lifecycleStage: LifecycleStage
    public var totals: MemberTotals
    public var createdAt: Date
    /// Set while soft-deleted: left out of lists, segments and sends until restored.
    public var deletedAt: Date?

    public init(
        id: MemberID = MemberID(),
        tenantID: TenantID,
        displayName: String,
        phone: String? = nil,
        email: String? = nil,
        region: Region = Region(),
        organisationKind: String? = nil,
        tags: [String] = [],
        interests: [String] = [],
        sourceChannel: SourceChannel? = nil,
        vipTier: Int = 0,
        lifecycleStage: LifecycleStage = .audience,
        totals: MemberTotals = MemberTotals(),
        createdAt: Date = Date(),
        deletedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.displayName = displayName
        self.phone = phone
        self.email = email
        self.region = region
        self.organisationKind = organisationKind
        self.tags = Self.distinct(tags)
        self.interests = Self.distinct(interests)
        self.sourceChannel = sourceChannel
        self.vipTier = vipTier
        self.lifecycleStage = lifecycleStage
        self.totals = totals
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }

    /// Labels in the order first given, each once: `--tag vip --tag vip` is one tag.
    static func distinct(_ labels: [String]) -> [String] {
        var seen = Set<String>()
        return labels.filter { seen.insert($0).inserted }
    }

    /// Checks what the profile itself can tell; uniqueness is the store's job.
    public func validate() throws(DomainError) {
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else {
            throw DomainError(code: .invalidArgument, message: "a member needs a display name")
        }
        guard name.count <= 200 else {
            throw DomainError(code: .invalidArgument, message: "a display name may have at most 200 characters")
        }
        guard (0...9).contains(vipTier) else {
            throw DomainError(code: .invalidArgument, message: "VIP tier must be between 0 and 9, not \(vipTier)")
        }
        for tag in tags where tag.isEmpty || tag.count > 64 {
            throw DomainError(code: .invalidArgument, message: "tags must have 1 to 64 characters: \"\(tag)\"")
        }
    }
}

/// Figures kept current from a member's events.
public struct MemberTotals: Hashable, Sendable, Codable {
    /// In fen (1/100 CNY).
    public var totalSpendFen: Int64
    public var orderCount: Int
    public var lastPurchaseAt: Date?
    public var lastActiveAt: Date?

    public init(totalSpendFen: Int64 = 0, orderCount: Int = 0, lastPurchaseAt: Date? = nil, lastActiveAt: Date? = nil) {
        self.totalSpendFen = totalSpendFen
        self.orderCount = orderCount
        self.lastPurchaseAt = lastPurchaseAt
        self.lastActiveAt = lastActiveAt
    }
}
