public import Foundation

/// Something a member did, recorded once: the idempotency key makes a retried ingest a no-op.
public struct MemberEvent: Hashable, Sendable, Codable {
    public var id: EventID
    public var tenantID: TenantID
    public var memberID: MemberID
    public var kind: EventKind
    public var occurredAt: Date
    /// Purchases only, in fen.
    public var amountFen: Int64?
    public var communityID: UUID?
    public var campaignID: UUID?
    /// Chosen by the sender (e.g. the order id or the IM message id); unique per tenant.
    public var idempotencyKey: String

    public init(
        id: EventID = EventID(),
        tenantID: TenantID,
        memberID: MemberID,
        kind: EventKind,
        occurredAt: Date,
        amountFen: Int64? = nil,
        communityID: UUID? = nil,
        campaignID: UUID? = nil,
        idempotencyKey: String
    ) {
        self.id = id
        self.tenantID = tenantID
        self.memberID = memberID
        self.kind = kind
        self.occurredAt = occurredAt
        self.amountFen = amountFen
        self.communityID = communityID
        self.campaignID = campaignID
        self.idempotencyKey = idempotencyKey
    }

    /// A purchase carries a non-negative amount; nothing else carries one.
    public func validate() throws(DomainError) {
        guard !idempotencyKey.isEmpty, idempotencyKey.utf8.count <= 200 else {
            throw DomainError(code: .invalidArgument, message: "an event needs an idempotency key of 1 to 200 bytes")
        }
        switch (kind, amountFen) {
        case (.purchase, .none):
            throw DomainError(code: .invalidArgument, message: "a purchase event needs an amount in fen")
        case (.purchase, .some(let amount)) where amount < 0:
            throw DomainError(code: .invalidArgument, message: "a purchase amount cannot be negative (\(amount) fen)")
        case (.purchase, _), (_, .none):
            return
        case (_, .some):
            throw DomainError(
                code: .invalidArgument, message: "only purchase events carry an amount, not \(kind.rawValue)")
        }
    }
}
