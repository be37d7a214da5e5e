public import Foundation

/// A member property a segment rule can compare, named as operators type it. The set is closed:
/// each field maps to one column or computed figure in the store, and its type decides what it
/// may be compared with.
///
/// | field | type |
/// |---|---|
/// | `region.province`, `region.city`, `org_kind`, `source` | text |
/// | `lifecycle` | lifecycle stage: `audience`, `user`, `fan`, `community`, `lapsed` |
/// | `vip_tier`, `total_spend_fen`, `orders` | whole number |
/// | `engagement_score` (0 to 100), `churn_risk` | number |
/// | `last_purchase_at`, `last_active_at`, `created_at` | time: `30d ago` or `2026-01-01` |
/// | `consent.sms`, `consent.im`, `consent.phone` | `true` or `false` |
public enum SegmentField: String, Hashable, Sendable, Codable, CaseIterable {
    case province = "region.province"
    case city = "region.city"
    /// e.g. pharmacy, clinic, individual.
    case organisationKind = "org_kind"
    case lifecycle
    case vipTier = "vip_tier"
    /// The source channel's code, e.g. `qr_poster`.
    case source
    /// In fen (1/100 CNY).
    case totalSpendFen = "total_spend_fen"
    /// The member's order count.
    case orders
    case lastPurchaseAt = "last_purchase_at"
    case lastActiveAt = "last_active_at"
    case createdAt = "created_at"
    case engagementScore = "engagement_score"
    case churnRisk = "churn_risk"
    case smsConsent = "consent.sms"
    case imConsent = "consent.im"
    case phoneConsent = "consent.phone"

    public var valueType: SegmentValueType {
        switch self {
        case .province, .city, .organisationKind, .source: .text
        case .lifecycle: .lifecycleStage
        case .vipTier, .totalSpendFen, .orders: .integer
        case .lastPurchaseAt, .lastActiveAt, .createdAt: .time
        case .engagementScore, .churnRisk: .number
        case .smsConsent, .imConsent, .phoneConsent: .boolean
        }
    }

    /// The values the field can hold where narrower than its type; a rule comparing outside it is a
    /// typo (`engagement_score > 150`), so the parser refuses it.
    public var numberRange: ClosedRange<Decimal>? {
        switch self {
        case .engagementScore: Decimal(0)...Decimal(100)
        default: nil
        }
    }
}
