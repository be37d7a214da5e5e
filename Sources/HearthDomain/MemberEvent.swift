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
    /// Feedback events only: whether it raises an issue or closes one.
    public var feedback: Feedback?
    /// Kind-specific facts as a JSON object of at most 8 KiB (a message's length, a share's target).
    public var propertiesJSON: Data?

    /// Where a feedback event stands: raised, or closing the one raised under `openKey`.
    public enum Feedback: Hashable, Sendable, Codable {
        case open
        case resolved(openKey: String)
    }

    /// Largest `propertiesJSON` an event may carry.
    public static let maximumPropertiesSize = 8 * 1024

    public init(
        id: EventID = EventID(),
        tenantID: TenantID,
        memberID: MemberID,
        kind: EventKind,
        occurredAt: Date,
        amountFen: Int64? = nil,
        communityID: UUID? = nil,
        campaignID: UUID? = nil,
        idempotencyKey: String,
        feedback: Feedback? = nil,
        propertiesJSON: Data? = nil
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
        self.feedback = feedback
        self.propertiesJSON = propertiesJSON
    }

    /// How far ahead of the service's clock an event may be dated: a sender's clock runs a little
    /// fast, but an event from further ahead is a wrong date or time zone, and would make its
    /// member look active, or a group busy, until then.
    public static let allowedClockSkew: TimeInterval = 300

    /// A purchase carries a non-negative amount and nothing else carries one; feedback says
    /// whether it opens or resolves, and nothing else does.
    public func validate() throws(DomainError) {
        guard !idempotencyKey.isEmpty, idempotencyKey.utf8.count <= 200 else {
            throw DomainError(code: .invalidArgument, message: "an event needs an idempotency key of 1 to 200 bytes")
        }
        switch (kind, feedback) {
        case (.feedback, nil):
            throw DomainError(code: .invalidArgument, message: "a feedback event says whether it is open or resolved")
        case (.feedback, .resolved(let key)) where key.isEmpty || key.utf8.count > 200:
            throw DomainError(
                code: .invalidArgument, message: "a resolved feedback names the idempotency key of the open one")
        case (.feedback, _), (_, nil): break
        case (_, .some):
            throw DomainError(
                code: .invalidArgument, message: "only feedback events are open or resolved, not \(kind.rawValue)")
        }
        if let propertiesJSON, propertiesJSON.count > Self.maximumPropertiesSize {
            throw DomainError(
                code: .invalidArgument,
                message:
                    "event properties may take \(Self.maximumPropertiesSize) bytes as JSON, these take \(propertiesJSON.count)"
            )
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
