public import Foundation

/// An operation aimed at a segment or a community, with a goal over a period: the parent of
/// occurrences, offers, deliveries and conversions.
public struct Campaign: Hashable, Sendable {
    public var id: CampaignID
    public var tenantID: TenantID
    public var name: String
    /// Fixed at creation.
    public var kind: CampaignKind
    public var status: CampaignStatus
    /// Why it was paused or cancelled, as the operator gave it.
    public var statusReason: String?
    public var audience: CampaignAudience
    /// The channels messages go out on; a phase message may narrow them.
    public var channels: [DeliveryChannel]
    public var goal: CampaignGoal?
    public var period: CampaignPeriod?
    public var ownerOperatorID: UUID?
    public var schedule: CampaignSchedule?
    /// What is sent in each phase of every occurrence.
    public var messages: [PhaseMessage]
    /// The contest, lottery or referral rules, for campaigns of those kinds.
    public var rules: CampaignRules?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CampaignID = CampaignID(),
        tenantID: TenantID,
        name: String,
        kind: CampaignKind,
        status: CampaignStatus = .draft,
        statusReason: String? = nil,
        audience: CampaignAudience = CampaignAudience(),
        channels: [DeliveryChannel] = [],
        goal: CampaignGoal? = nil,
        period: CampaignPeriod? = nil,
        ownerOperatorID: UUID? = nil,
        schedule: CampaignSchedule? = nil,
        messages: [PhaseMessage] = [],
        rules: CampaignRules? = nil,
        createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.kind = kind
        self.status = status
        self.statusReason = statusReason
        self.audience = audience
        self.channels = channels
        self.goal = goal
        self.period = period
        self.ownerOperatorID = ownerOperatorID
        self.schedule = schedule
        self.messages = messages
        self.rules = rules
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Most characters of a status reason.
    public static let maximumReasonLength = 2_000

    /// Checks what the campaign itself can tell (the name, goal, period, schedule and messages, and
    /// that each message's channels are the campaign's); that the segment and community exist is
    /// the store's job. Messages are named by position (`messages[2]`), as the wire's field paths.
    public func validate() throws(DomainError) {
        guard (1...200).contains(name.trimmedOfWhitespace.unicodeScalars.count) else {
            throw DomainError(code: .invalidArgument, message: "a campaign name has 1 to 200 characters")
        }
        if let statusReason, statusReason.unicodeScalars.count > Self.maximumReasonLength {
            throw DomainError(
                code: .invalidArgument, message: "a status reason has at most \(Self.maximumReasonLength) characters")
        }
        try goal?.validate()
        try period?.validate()
        if let rules {
            guard rules.kind == kind else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "these are the rules of a \(rules.kind.rawValue) campaign; this one is \(kind.rawValue)")
            }
            try rules.validate()
        }
        try schedule?.validate()
        if let period, let schedule, case .once(let instant) = schedule.recurrence, !period.contains(instant) {
            throw DomainError(
                code: .invalidArgument,
                message: "the one-off occurrence at \(instant) lies outside the campaign's period "
                    + "(\(period.start) to \(period.end)); move one of them")
        }
        for (index, message) in messages.enumerated() {
            do throws(DomainError) {
                try message.validate()
            } catch {
                throw DomainError(code: error.code, message: "messages[\(index)]: \(error.message)")
            }
            for channel in message.channels where !channels.isEmpty && !channels.contains(channel) {
                throw DomainError(
                    code: .invalidArgument,
                    message: "messages[\(index)] goes out on \(channel.rawValue), which is not one of the campaign's "
                        + "channels (\(channels.map(\.rawValue).joined(separator: ", ")))")
            }
        }
    }

    /// Whether the campaign can be scheduled now: it needs a schedule, and a recurring schedule needs
    /// a period for its occurrences to fall in. `failedPrecondition` otherwise.
    public func checkSchedulable() throws(DomainError) {
        guard let schedule else {
            throw DomainError(
                code: .failedPrecondition, message: "the campaign has no schedule yet; give it one before scheduling")
        }
        if rules == nil, kind == .contest || kind == .lottery {
            throw DomainError(
                code: .failedPrecondition,
                message: "a \(kind.rawValue) campaign needs its rules (winners, closing times) before scheduling")
        }
        if schedule.isRecurring && period == nil {
            throw DomainError(
                code: .failedPrecondition,
                message: "a recurring schedule needs the campaign's period (start and end) to plan occurrences in")
        }
    }

    /// Applies `action` to the status, keeping `reason` (trimmed) as the status reason; refuses an
    /// illegal move, and a cancellation without a reason.
    public mutating func apply(_ action: CampaignAction, reason: String? = nil) throws(DomainError) {
        let next = try status.applying(action)
        let trimmed = reason?.trimmedOfWhitespace ?? ""
        if action.requiresReason && trimmed.isEmpty {
            throw DomainError(
                code: .invalidArgument, message: "say why the campaign is cancelled; the reason is kept with it")
        }
        guard trimmed.unicodeScalars.count <= Self.maximumReasonLength else {
            throw DomainError(
                code: .invalidArgument, message: "a status reason has at most \(Self.maximumReasonLength) characters")
        }
        status = next
        switch action {
        case .pause, .cancel: statusReason = trimmed.isEmpty ? nil : trimmed
        case .resume, .launch, .schedule: statusReason = nil
        case .complete: break
        }
    }
}

public typealias CampaignID = Identifier<Campaign>
