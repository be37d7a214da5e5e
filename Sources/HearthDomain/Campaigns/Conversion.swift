public import Foundation

/// An order from the shop and the campaign it is credited to: the revenue side of goals, funnels
/// and repurchase rates.
///
/// An order counts once, however often the shop's webhook sends it: the order id is the key. A
/// refund keeps the order on record but takes it out of revenue.
public struct Conversion: Hashable, Sendable {
    /// Most characters of an order id (surrounding whitespace does not count; it is stored trimmed).
    public static let maximumOrderIDLength = 128
    /// The last-touch window when the order names none.
    public static let defaultAttributionWindow: Duration = .seconds(7 * 86_400)
    /// The longest last-touch window: a message sent longer before the order can hardly have caused it.
    public static let maximumAttributionWindow: Duration = .seconds(90 * 86_400)
    /// How far ahead of now an order may be dated: the shop's clock may run ahead, but not by days.
    public static let maximumClockSkew: TimeInterval = 86_400
    /// `ErrorDetail.reason` of a refund dated before its order.
    public static let refundBeforeOrderReason = "refund_before_order"

    public var id: ConversionID
    /// The shop's order id, trimmed.
    public var orderID: String
    /// `nil` for an order not tied to a member (e.g. a promo code used by a stranger).
    public var memberID: MemberID?
    /// `nil` exactly when ``attribution`` is ``ConversionAttribution/none``.
    public var campaignID: CampaignID?
    /// What was paid, in fen.
    public var amountFen: Int64
    public var occurredAt: Date
    /// Set once refunded: the order no longer counts as revenue.
    public var refundedAt: Date?
    public var attribution: ConversionAttribution
    public var createdAt: Date

    public init(
        id: ConversionID = ConversionID(), orderID: String, memberID: MemberID? = nil, campaignID: CampaignID? = nil,
        amountFen: Int64, occurredAt: Date, refundedAt: Date? = nil, attribution: ConversionAttribution,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.orderID = orderID
        self.memberID = memberID
        self.campaignID = campaignID
        self.amountFen = amountFen
        self.occurredAt = occurredAt
        self.refundedAt = refundedAt
        self.attribution = attribution
        self.createdAt = createdAt
    }

    /// Whether the order was refunded (and no longer counts as revenue).
    public var isRefunded: Bool { refundedAt != nil }

    // MARK: Rules

    /// The order id without surrounding whitespace, refused unless it has 1 to 128 characters.
    public static func checkedOrderID(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmedOfWhitespace
        let length = trimmed.unicodeScalars.count
        guard length >= 1 else {
            throw DomainError(
                code: .invalidArgument,
                message: "an order needs its order id (the shop's id of the order, 1 to \(maximumOrderIDLength) "
                    + "characters)")
        }
        guard length <= maximumOrderIDLength else {
            throw DomainError(
                code: .invalidArgument,
                message: "an order id has at most \(maximumOrderIDLength) characters, not \(length)")
        }
        return trimmed
    }

    /// An amount of zero (a free order) or more; a negative one is a refund, which is recorded as such.
    public static func checkAmount(_ fen: Int64) throws(DomainError) {
        guard fen >= 0 else {
            throw DomainError(
                code: .invalidArgument,
                message: "an order's amount cannot be negative, not \(Yuan.text(fen: fen)); record a refund instead")
        }
    }

    /// An order time at most a day ahead of `now`; later means a wrong clock or time zone at the shop.
    public static func checkOccurredAt(_ date: Date, now: Date) throws(DomainError) {
        guard date.timeIntervalSince(now) <= maximumClockSkew else {
            throw DomainError(
                code: .invalidArgument,
                message: "the order is dated \(date), more than a day after now (\(now)); check the shop's clock and "
                    + "the time zone of the order time")
        }
    }

    /// A last-touch window above zero and at most 90 days.
    public static func checkAttributionWindow(_ window: Duration) throws(DomainError) {
        guard window > .zero, window <= maximumAttributionWindow else {
            throw DomainError(
                code: .invalidArgument,
                message: "an attribution window is above zero and at most 90 days, not \(window.components.seconds) "
                    + "seconds")
        }
    }

    /// Refuses a refund dated before the order (the database refuses it too:
    /// `conversions_refund_after_order`).
    public func checkRefund(at date: Date) throws(DomainError) {
        guard date >= occurredAt else {
            throw DomainError(
                code: .invalidArgument,
                message: "order \(orderID) was placed at \(occurredAt); it cannot be refunded before that, at \(date)")
        }
    }
}

extension Conversion {
    /// An order as the shop reports it, before it is attributed.
    public struct Order: Hashable, Sendable {
        public var orderID: String
        /// `nil`: not tied to a member, so only a code can credit it to a campaign.
        public var memberID: MemberID?
        public var amountFen: Int64
        public var occurredAt: Date
        /// A campaign id or a join-link token given with the order; it wins over last touch.
        public var campaignCode: String?
        /// How long before the order a message sent to the member still earns it the credit.
        public var attributionWindow: Duration

        public init(
            orderID: String, memberID: MemberID? = nil, amountFen: Int64, occurredAt: Date, campaignCode: String? = nil,
            attributionWindow: Duration = Conversion.defaultAttributionWindow
        ) {
            self.orderID = orderID
            self.memberID = memberID
            self.amountFen = amountFen
            self.occurredAt = occurredAt
            self.campaignCode = campaignCode
            self.attributionWindow = attributionWindow
        }

        /// The order id, amount, time (against `now`) and window, each by its own rule.
        public func validate(now: Date = Date()) throws(DomainError) {
            _ = try Conversion.checkedOrderID(orderID)
            try Conversion.checkAmount(amountFen)
            try Conversion.checkOccurredAt(occurredAt, now: now)
            try Conversion.checkAttributionWindow(attributionWindow)
        }

        /// The earliest send time of a message that still earns the order by last touch.
        public var attributionWindowStart: Date {
            occurredAt.addingTimeInterval(-attributionWindow.elapsedTimeInterval)
        }
    }

    /// A code given with an order named no campaign of the tenant. Refused rather than recorded as
    /// unattributed, so a mistyped code is noticed while the shop can still send the order again.
    public struct UnknownCode: Error, Hashable, Sendable, CustomStringConvertible {
        /// `ErrorDetail.reason` of the refusal.
        public static let reason = "unknown_campaign_code"

        public var message: String

        public init() {
            message =
                "the campaign code names no campaign of this tenant: it is neither one of its campaign ids nor the "
                + "token of a join link carrying a campaign; check the code, or leave it out to attribute by last touch"
        }

        public var description: String { message }
    }
}

/// How an order came to be credited to a campaign; raw values are the schema's.
public enum ConversionAttribution: String, Hashable, Sendable, CaseIterable {
    /// A campaign id or join-link token came with the order.
    case code
    /// The member's latest message sent within the window before the order.
    case lastTouch = "last_touch"
    /// No campaign: organic revenue.
    case none
}

public typealias ConversionID = Identifier<Conversion>
