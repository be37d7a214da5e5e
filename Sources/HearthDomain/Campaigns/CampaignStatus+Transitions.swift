/// The status machine. Allowed moves:
///
/// | from      | schedule  | launch  | pause  | resume  | complete  | cancel    |
/// |-----------|-----------|---------|--------|---------|-----------|-----------|
/// | draft     | scheduled | –       | –      | –       | –         | cancelled |
/// | scheduled | –         | running | –      | –       | –         | cancelled |
/// | running   | –         | –       | paused | –       | completed | cancelled |
/// | paused    | –         | –       | –      | running | completed | cancelled |
/// | completed | –         | –       | –      | –       | –         | –         |
/// | cancelled | –         | –       | –      | –       | –         | –         |
///
/// Every refused move is `failedPrecondition` with a message that says what to do instead; the edge
/// sends it with `ErrorDetail.reason` ``illegalTransitionReason`` and the current status as
/// metadata `current_status`. Repeating a move (pausing a paused campaign) is refused too: a retry
/// is recognised by its idempotency key, not by the state.
extension CampaignStatus {
    /// `ErrorDetail.reason` of a refused move.
    public static let illegalTransitionReason = "illegal_transition"

    /// The status after `action`, or the refusal.
    public func applying(_ action: CampaignAction) throws(DomainError) -> CampaignStatus {
        if let refusal = refusal(of: action) {
            throw DomainError(code: .failedPrecondition, message: refusal)
        }
        return action.target
    }

    /// Moves to `target` with the action that leads there (running: launch from scheduled, resume
    /// from paused), or refuses. Nothing leads back to draft.
    public func transition(to target: CampaignStatus) throws(DomainError) -> CampaignStatus {
        let action: CampaignAction
        switch target {
        case .draft:
            throw DomainError(
                code: .failedPrecondition,
                message:
                    "a campaign never goes back to draft (this one is \(rawValue)); edit it as it is or create a new one"
            )
        case .scheduled: action = .schedule
        case .running: action = self == .paused ? .resume : .launch
        case .paused: action = .pause
        case .completed: action = .complete
        case .cancelled: action = .cancel
        }
        return try applying(action)
    }

    /// The actions allowed from this status, in the order of ``CampaignAction/allCases``.
    public var allowedActions: [CampaignAction] {
        CampaignAction.allCases.filter { refusal(of: $0) == nil }
    }

    /// Why `action` is not allowed now; `nil` when it is.
    private func refusal(of action: CampaignAction) -> String? {
        switch (self, action) {
        case (.draft, .schedule), (.draft, .cancel),
            (.scheduled, .launch), (.scheduled, .cancel),
            (.running, .pause), (.running, .complete), (.running, .cancel),
            (.paused, .resume), (.paused, .complete), (.paused, .cancel):
            return nil

        case (.completed, .cancel):
            return "a completed campaign cannot be cancelled; it is over already"
        case (.cancelled, .cancel):
            return "the campaign is cancelled already"
        case (.completed, .complete):
            return "the campaign is completed already"
        case (.completed, _), (.cancelled, _):
            return "a \(rawValue) campaign cannot be \(action.pastParticiple); create a new one"

        case (.draft, .launch):
            return "a draft campaign cannot be launched yet; schedule it first so its occurrences are planned"
        case (.draft, .complete):
            return "a draft campaign cannot be completed; it never ran. Cancel it (or delete it) instead"
        case (.scheduled, .schedule):
            return "the campaign is scheduled already; launch it, or cancel it"
        case (.scheduled, .complete):
            return "a campaign that was never launched cannot be completed; cancel it instead"
        case (.running, .launch):
            return "the campaign is running already"
        case (.running, .schedule):
            return "the campaign is running; it was scheduled already"
        case (.running, .resume):
            return "the campaign is running, not paused; there is nothing to resume"
        case (.paused, .pause):
            return "the campaign is paused already"
        case (.paused, .launch):
            return "a paused campaign is resumed, not launched again"
        case (.paused, .schedule):
            return "the campaign is paused; it was scheduled already. Resume it to go on"
        case (_, .pause):
            return "only a running campaign can be paused; this one is \(rawValue)"
        case (_, .resume):
            return "only a paused campaign can be resumed; this one is \(rawValue)"
        }
    }
}
