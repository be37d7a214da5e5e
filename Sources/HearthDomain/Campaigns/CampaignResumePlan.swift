public import Foundation

/// What resuming a paused campaign does to its occurrences and phase messages: skip what passed
/// while it was paused, never catch up.
///
/// A campaign paused for three weeks must not send three weeks of announcements and warm-ups the
/// moment it resumes: members would get a flood of messages about events that are over. The rule,
/// for a pause from `pausedAt` to `resumedAt`:
/// - An **occurrence** whose start passed while paused and that is over by the resume is
///   **skipped**: cancelled, with every phase message from the pause on (its review too).
/// - A **phase message** whose time passed while paused is **skipped**, with one exception: the
///   live message of an occurrence still in progress at the resume is **due at the resume**, so
///   members who are in the middle of it still hear of it (late rather than never).
/// - A phase message whose time is at or after the resume is **due** at its time, unless its
///   occurrence is skipped.
/// - A phase message due before the pause belonged to the running campaign (``Outcome/beforePause``):
///   the plan does not touch it. Outbox rows already written stay as they are, so resuming continues
///   them and never sends anything twice.
///
/// Launching a scheduled campaign late is the same decision with the schedule time as `pausedAt`.
public struct CampaignResumePlan: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Due before the pause: not the plan's to decide.
        case beforePause
        /// To send at this instant: its own time, or the resume for a late live message.
        case due(at: Date)
        case skipped(SkipReason)
    }

    /// Why a phase message is not sent; raw values are stable for logs and the wire.
    public enum SkipReason: String, Hashable, Sendable, Codable {
        /// Its time passed while the campaign was paused.
        case passedWhilePaused = "passed_while_paused"
        /// Its occurrence started and ended while the campaign was paused.
        case occurrenceSkipped = "occurrence_skipped"
    }

    /// The fate of one phase message of one occurrence.
    public struct PhaseDecision: Hashable, Sendable {
        public var occurrenceKey: String
        public var phaseTime: CampaignPhaseTime
        public var outcome: Outcome

        public init(occurrenceKey: String, phaseTime: CampaignPhaseTime, outcome: Outcome) {
            self.occurrenceKey = occurrenceKey
            self.phaseTime = phaseTime
            self.outcome = outcome
        }
    }

    public var pausedAt: Date
    public var resumedAt: Date
    /// Occurrences to cancel instead of catching up, earliest first; their count is the wire's
    /// `skipped_occurrence_count`.
    public var skippedOccurrences: [CampaignOccurrence]
    /// Every phase time of every occurrence given, occurrence by occurrence, in their order.
    public var decisions: [PhaseDecision]

    /// Decides for `occurrences` (with their ``CampaignOccurrence/phases`` filled in). Refuses a
    /// resume before the pause.
    public init(occurrences: [CampaignOccurrence], pausedAt: Date, resumedAt: Date) throws(DomainError) {
        guard pausedAt <= resumedAt else {
            throw DomainError(
                code: .invalidArgument,
                message:
                    "a campaign resumes after it was paused; resumed at \(resumedAt) is before paused at \(pausedAt)")
        }
        self.pausedAt = pausedAt
        self.resumedAt = resumedAt
        skippedOccurrences = []
        decisions = []
        for occurrence in occurrences.sorted(by: { $0.startsAt < $1.startsAt }) {
            let skipped = Self.isSkipped(occurrence, pausedAt: pausedAt, resumedAt: resumedAt)
            if skipped { skippedOccurrences.append(occurrence) }
            for phaseTime in occurrence.phases {
                let outcome = Self.outcome(
                    of: phaseTime, in: occurrence, occurrenceSkipped: skipped, pausedAt: pausedAt, resumedAt: resumedAt)
                decisions.append(PhaseDecision(occurrenceKey: occurrence.key, phaseTime: phaseTime, outcome: outcome))
            }
        }
    }

    /// The phase messages still to send, with when.
    public var due: [PhaseDecision] {
        decisions.filter {
            if case .due = $0.outcome { return true }
            return false
        }
    }

    /// The phase messages that will never be sent, with why.
    public var skipped: [PhaseDecision] {
        decisions.filter {
            if case .skipped = $0.outcome { return true }
            return false
        }
    }

    /// Whether `occurrence` started while paused and is over by the resume.
    public static func isSkipped(_ occurrence: CampaignOccurrence, pausedAt: Date, resumedAt: Date) -> Bool {
        pausedAt <= occurrence.startsAt && occurrence.startsAt < resumedAt && occurrence.endsAt <= resumedAt
    }

    private static func outcome(
        of phaseTime: CampaignPhaseTime, in occurrence: CampaignOccurrence, occurrenceSkipped: Bool, pausedAt: Date,
        resumedAt: Date
    ) -> Outcome {
        if phaseTime.at < pausedAt { return .beforePause }
        if occurrenceSkipped { return .skipped(.occurrenceSkipped) }
        if phaseTime.at >= resumedAt { return .due(at: phaseTime.at) }
        if phaseTime.phase == .live && occurrence.isInProgress(at: resumedAt) { return .due(at: resumedAt) }
        return .skipped(.passedWhilePaused)
    }
}
