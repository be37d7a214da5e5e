public import Foundation

/// A named rule over a tenant's members ("Sichuan pharmacies, VIP, bought in the last 90 days").
/// Dynamic segments are evaluated whenever used; static ones are a frozen member list, so a
/// campaign's audience does not drift.
public struct Segment: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case dynamic
        case `static`
    }

    public var id: SegmentID
    public var tenantID: TenantID
    public var name: String
    public var kind: Kind
    /// The rule as the operator wrote it.
    public var ruleText: String?
    public var rule: SegmentRule?
    public var createdAt: Date
    public var updatedAt: Date
    /// Static segments: when the member list was frozen, and how many members it holds.
    public var snapshotAt: Date?
    public var memberCount: Int64?

    public init(
        id: SegmentID = SegmentID(), tenantID: TenantID, name: String, kind: Kind, ruleText: String?,
        rule: SegmentRule?, createdAt: Date = Date(), updatedAt: Date = Date(), snapshotAt: Date? = nil,
        memberCount: Int64? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.kind = kind
        self.ruleText = ruleText
        self.rule = rule
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.snapshotAt = snapshotAt
        self.memberCount = memberCount
    }

    /// Checks the name; the rule was checked when it was parsed.
    public static func validate(name: String) throws(DomainError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw DomainError(code: .invalidArgument, message: "a segment name has 1 to 200 characters")
        }
    }
}

public typealias SegmentID = Identifier<Segment>
