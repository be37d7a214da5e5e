/// What an operator (or, for ``complete``, the service at the end of the period) does to a
/// campaign's status: the verbs of `hearth campaigns schedule|launch|pause|resume|cancel`.
public enum CampaignAction: String, Hashable, Sendable, Codable, CaseIterable {
    /// Plan the occurrences: draft → scheduled.
    case schedule
    /// Start running: scheduled → running.
    case launch
    /// Stop sending for now: running → paused.
    case pause
    /// Go on, skipping what passed meanwhile: paused → running.
    case resume
    /// The period is over: running or paused → completed.
    case complete
    /// Stop for good: anything not yet over → cancelled.
    case cancel

    /// The status the action leads to when it is allowed.
    public var target: CampaignStatus {
        switch self {
        case .schedule: .scheduled
        case .launch, .resume: .running
        case .pause: .paused
        case .complete: .completed
        case .cancel: .cancelled
        }
    }

    /// Whether the operator must say why (kept as the campaign's status reason): a cancellation
    /// must be explainable later; a pause may give one.
    public var requiresReason: Bool { self == .cancel }

    /// "scheduled", "launched", …: for messages.
    var pastParticiple: String {
        switch self {
        case .schedule: "scheduled"
        case .launch: "launched"
        case .pause: "paused"
        case .resume: "resumed"
        case .complete: "completed"
        case .cancel: "cancelled"
        }
    }
}
