/// One message sent in a phase of every occurrence of a campaign: the phase, when, what, and on which
/// channels. A phase may have several (warm-ups two hours and thirty minutes before the start).
public struct PhaseMessage: Hashable, Sendable, Codable {
    /// Most characters of a text; SMS gateways split long texts, IM bots truncate far earlier.
    public static let maximumTextLength = 4_000
    /// How far from its occurrence a message may go out: a year, beyond that it is a typo.
    public static let maximumDistanceInDays = 366

    public var phase: CampaignPhase
    public var timing: PhaseTiming
    /// With placeholders such as `{{display_name}}` and `{{invite_link}}`.
    public var text: String
    /// For SMS gateways that send registered templates rather than free text.
    public var smsTemplateID: String?
    public var templateParams: [String: String]
    /// Empty: all the campaign's channels.
    public var channels: [DeliveryChannel]

    public init(
        phase: CampaignPhase, timing: PhaseTiming, text: String, smsTemplateID: String? = nil,
        templateParams: [String: String] = [:], channels: [DeliveryChannel] = []
    ) {
        self.phase = phase
        self.timing = timing
        self.text = text
        self.smsTemplateID = smsTemplateID
        self.templateParams = templateParams
        self.channels = channels
    }

    private enum CodingKeys: String, CodingKey {
        case phase
        case timing
        case text
        case smsTemplateID = "sms_template_id"
        case templateParams = "template_params"
        case channels
    }

    /// Checks the content and that the timing fits the phase: announcements and warm-ups go out
    /// before the start, the live message at or after it, the review after the end. Where a
    /// same-day ``PhaseTiming/dayTime(dayOffset:at:)`` lands relative to the start depends on the
    /// occurrence and is not checked here.
    public func validate() throws(DomainError) {
        let hasText = !text.trimmedOfWhitespace.isEmpty
        let hasTemplate = !(smsTemplateID?.trimmedOfWhitespace.isEmpty ?? true)
        guard hasText || hasTemplate else {
            throw DomainError(
                code: .invalidArgument, message: "\(phase.messageName) needs a text (or an SMS template id)")
        }
        guard text.unicodeScalars.count <= Self.maximumTextLength else {
            throw DomainError(
                code: .invalidArgument,
                message: "a message text has at most \(Self.maximumTextLength) characters; this one has "
                    + "\(text.unicodeScalars.count)")
        }
        if let smsTemplateID, smsTemplateID.unicodeScalars.count > 128 {
            throw DomainError(code: .invalidArgument, message: "an SMS template id has at most 128 characters")
        }
        try validateTiming()
    }

    private func validateTiming() throws(DomainError) {
        let before = phase == .announce || phase == .warmUp
        let anchor = phase == .review ? "end" : "start"
        let maximumSeconds = Int64(Self.maximumDistanceInDays) * 86_400
        switch timing {
        case .offset(let offset):
            let seconds = offset.components.seconds
            guard seconds.magnitude <= maximumSeconds.magnitude else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out at most \(Self.maximumDistanceInDays) days from "
                        + "the occurrence's \(anchor)")
            }
            if before && offset >= .zero {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out before the start: give it a negative offset "
                        + "(e.g. -2 h) or a day and time (e.g. the day before at 10:00)")
            }
            if !before && offset < .zero {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out at or after the occurrence's \(anchor); its "
                        + "offset cannot be negative")
            }
        case .dayTime(let dayOffset, _):
            guard dayOffset.magnitude <= Self.maximumDistanceInDays.magnitude else {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out at most \(Self.maximumDistanceInDays) days from "
                        + "the occurrence")
            }
            if before && dayOffset > 0 {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out before the start, so on the occurrence's day or "
                        + "earlier (a day offset of 0 or less), not \(dayOffset) days after")
            }
            if !before && dayOffset < 0 {
                throw DomainError(
                    code: .invalidArgument,
                    message: "\(phase.messageName) goes out on the day of the occurrence's \(anchor) or "
                        + "later, not \(-dayOffset) days before")
            }
        }
    }
}
