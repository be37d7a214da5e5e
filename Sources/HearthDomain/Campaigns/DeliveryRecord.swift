public import Foundation

/// One message of the delivery outbox as operators review it: to whom, on which channel, for which
/// occurrence and phase, and what became of it.
public struct DeliveryRecord: Hashable, Sendable {
    /// Where a delivery stands; raw values are the schema's (`deliveries.status`).
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Recorded, not sent yet.
        case pending
        /// A sender holds it under a lease and is sending.
        case claimed
        case sent
        /// Permanently failed (the channel refused it, or the retries ran out).
        case failed
        /// Not sent on purpose; the suppression reason says why.
        case suppressed
    }

    /// Why a delivery was not sent; raw values are the schema's (`deliveries.suppression_reason`).
    public enum SuppressionReason: String, Hashable, Sendable, CaseIterable {
        /// No consent on the channel, or the member opted out.
        case noConsent = "no_consent"
        case quietHours = "quiet_hours"
        /// The per-member, per-channel cap across all campaigns.
        case frequencyCap = "frequency_cap"
        /// The member was deleted, erased or merged away.
        case memberDeleted = "member_deleted"
        /// No phone, handle or address for the channel.
        case noAddress = "no_address"
        /// The campaign was cancelled or completed before the send.
        case campaignStopped = "campaign_stopped"
        /// The member is banned from the campaign's community.
        case membershipBanned = "membership_banned"
    }

    /// Why a pending delivery waits; raw values are the schema's (`deliveries.held_reason`). A
    /// held message is sent later, never dropped.
    public enum Hold: String, Hashable, Sendable, CaseIterable {
        /// The member's or tenant's quiet hours.
        case quietHours = "quiet_hours"
        /// The channel's per-minute cap is reached.
        case platformCap = "platform_cap"
        /// A retryable failure, due again after a backoff or the channel's Retry-After.
        case retryLater = "retry_later"
    }

    public var id: UUID
    public var campaignID: CampaignID
    public var occurrenceID: UUID
    public var phase: CampaignPhase
    /// Which of the campaign's messages it carries (a phase may have several).
    public var messageIndex: Int
    public var memberID: MemberID
    public var channel: DeliveryChannel
    public var status: Status
    /// Set exactly when ``status`` is ``Status/suppressed``.
    public var suppressionReason: SuppressionReason?
    /// Send attempts so far.
    public var attempts: Int
    /// Set exactly when ``status`` is ``Status/sent``.
    public var sentAt: Date?
    /// Pending only: not sent before this time.
    public var heldUntil: Date?
    /// Pending only: why it waits until ``heldUntil``.
    public var heldReason: Hold?
    /// The last attempt's error, if it failed.
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, campaignID: CampaignID, occurrenceID: UUID, phase: CampaignPhase, messageIndex: Int,
        memberID: MemberID, channel: DeliveryChannel, status: Status, suppressionReason: SuppressionReason?,
        attempts: Int, sentAt: Date?, heldUntil: Date? = nil, heldReason: Hold? = nil, lastError: String?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.campaignID = campaignID
        self.occurrenceID = occurrenceID
        self.phase = phase
        self.messageIndex = messageIndex
        self.memberID = memberID
        self.channel = channel
        self.status = status
        self.suppressionReason = suppressionReason
        self.attempts = attempts
        self.sentAt = sentAt
        self.heldUntil = heldUntil
        self.heldReason = heldReason
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
