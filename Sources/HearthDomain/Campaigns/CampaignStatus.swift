/// Where a campaign stands; raw values are the schema's.
///
/// `draft → scheduled → running ⇄ paused → completed | cancelled`: operators move it with a
/// ``CampaignAction``, and ``applying(_:)`` decides whether the move is allowed (see
/// `CampaignStatus+Transitions.swift` for the table).
public enum CampaignStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Being written; nothing is planned or sent.
    case draft
    /// Occurrences are planned; nothing is sent until it is launched.
    case scheduled
    /// Occurrences run and messages go out.
    case running
    /// Nothing new goes out; occurrences that pass meanwhile are skipped, not caught up on resume.
    case paused
    /// Reached the end of its period (set by the service).
    case completed
    /// Stopped for good by an operator.
    case cancelled

    /// Completed and cancelled campaigns never change again; a new campaign takes their place.
    public var isTerminal: Bool { self == .completed || self == .cancelled }

    /// Only a running campaign sends: pause stops new sends at once.
    public var sendsMessages: Bool { self == .running }
}
