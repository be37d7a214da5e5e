public import Foundation
public import HearthChannels
public import HearthDomain
public import HearthStore
public import Logging

/// Sends what the outbox holds: claims due deliveries under a lease, applies the send-time rules
/// (the member still exists, is not banned from the campaign's community and consents, quiet
/// hours, the frequency cap, the channel's per-minute cap), sends through the
/// channel's adapter with the delivery id as idempotency key, and records the outcome and every
/// attempt. A sender that dies leaves its claims to expire; whoever claims them next sends them,
/// so nothing is lost, and the lease check when finishing keeps two senders from both recording.
public struct DeliverySender: Sendable {
    let outbox: DeliveryOutbox
    let campaigns: CampaignStore
    let directory: any MemberDirectory
    let adapters: [DeliveryChannel: any ChannelAdapter]
    /// Names this sender in leases and attempts (host, process, a random part).
    public let name: String
    let lease: Duration
    let batchSize: Int
    let maximumAttempts: Int
    let quietHours: QuietHours
    /// Most messages one member gets on one channel in a day and in a week, across campaigns.
    let dailyCap: Int
    let weeklyCap: Int
    /// Most messages a channel takes in a minute (a group robot's platform limit).
    let platformCaps: [DeliveryChannel: Int]
    let logger: Logger

    /// WeCom and DingTalk group robots each take at most 20 messages a minute.
    public static let defaultPlatformCaps: [DeliveryChannel: Int] = [.wecomBot: 20, .dingtalkBot: 20]

    public init(
        outbox: DeliveryOutbox, campaigns: CampaignStore, directory: any MemberDirectory,
        adapters: [DeliveryChannel: any ChannelAdapter], name: String, lease: Duration = .seconds(60),
        batchSize: Int = 200, maximumAttempts: Int = 5, quietHours: QuietHours = .default, dailyCap: Int = 3,
        weeklyCap: Int = 10, platformCaps: [DeliveryChannel: Int] = Self.defaultPlatformCaps, logger: Logger
    ) {
        self.outbox = outbox
        self.campaigns = campaigns
        self.directory = directory
        self.adapters = adapters
        self.name = name
        self.lease = lease
        self.batchSize = batchSize
        self.maximumAttempts = maximumAttempts
        self.quietHours = quietHours
        self.dailyCap = dailyCap
        self.weeklyCap = weeklyCap
        self.platformCaps = platformCaps
        self.logger = logger
    }

    /// Claims one batch of `tenant`'s due deliveries and works through it; returns how many it
    /// claimed (0: nothing due).
    @discardableResult
    public func sendBatch(tenant: TenantID, timeZone: TimeZone) async throws -> Int {
        let claims = try await outbox.claim(tenant: tenant, sender: name, lease: lease, limit: batchSize)
        guard !claims.isEmpty else { return 0 }
        let members = Array(Set(claims.map(\.memberID)))
        let contacts = try await directory.contacts(of: members, tenant: tenant)
        var sent = SentCounts(
            today: try await outbox.sentCounts(
                tenant: tenant, members: members, since: Date().addingTimeInterval(-86_400)),
            thisWeek: try await outbox.sentCounts(
                tenant: tenant, members: members, since: Date().addingTimeInterval(-7 * 86_400)),
            lastMinute: [:])
        var campaigns: [UUID: Campaign?] = [:]
        var banned: [CommunityID: Set<MemberID>] = [:]
        for claim in claims {
            try Task.checkCancellation()
            if campaigns[claim.campaignID] == nil {
                campaigns[claim.campaignID] = try await self.campaigns.campaign(
                    CampaignID(claim.campaignID), tenant: tenant)
            }
            let campaign = campaigns[claim.campaignID] ?? nil
            if let community = campaign?.audience.communityID {
                if banned[community] == nil {
                    banned[community] = try await directory.bannedMembers(of: community, tenant: tenant)
                }
                if banned[community]?.contains(claim.memberID) == true {
                    try await outbox.suppress(claim, sender: name, reason: .membershipBanned)
                    continue
                }
            }
            try await send(
                claim, campaign: campaign, contact: contacts[claim.memberID], timeZone: timeZone, sent: &sent)
        }
        return claims.count
    }

    /// What the frequency cap counts for the members of a batch: sends of all campaigns in the
    /// last day and week, plus those of this batch so far.
    struct SentCounts {
        var today: [DeliveryOutbox.SentKey: Int]
        var thisWeek: [DeliveryOutbox.SentKey: Int]
        /// Per capped channel: sends in the last minute (all senders, then this batch) and when the
        /// oldest of them leaves the minute.
        var lastMinute: [DeliveryChannel: (count: Int, oldest: Date)]
    }

    private func send(
        _ claim: DeliveryClaim, campaign: Campaign?, contact: MemberContact?, timeZone: TimeZone, sent: inout SentCounts
    ) async throws {
        guard let channel = DeliveryChannel(rawValue: claim.channel), let adapter = adapters[channel] else {
            try await finish(claim, .permanent, error: "no adapter is configured for the channel \(claim.channel)")
            return
        }
        guard let contact, !contact.isGone else {
            try await outbox.suppress(claim, sender: name, reason: .memberDeleted)
            return
        }
        if let needed = channel.requiredConsent, !contact.consents.contains(needed) {
            try await outbox.suppress(claim, sender: name, reason: .noConsent)
            return
        }
        // The log sink reaches no one, so it keeps no quiet hours.
        if channel != .log, quietHours.isQuiet(Date(), in: timeZone) {
            try await outbox.release(
                claim, sender: name, notBefore: quietHours.nextAllowed(atOrAfter: Date(), in: timeZone),
                hold: .quietHours)
            return
        }
        guard let recipient = Self.recipient(for: channel, claim: claim, contact: contact) else {
            try await outbox.suppress(claim, sender: name, reason: .noAddress)
            return
        }
        // The cap counts every campaign's sends; the log sink reaches no one and is not capped.
        let key = DeliveryOutbox.SentKey(member: claim.memberID, channel: claim.channel)
        if channel != .log {
            guard sent.today[key, default: 0] < dailyCap, sent.thisWeek[key, default: 0] < weeklyCap else {
                try await outbox.suppress(claim, sender: name, reason: .frequencyCap)
                return
            }
            sent.today[key, default: 0] += 1
            sent.thisWeek[key, default: 0] += 1
        }
        if let cap = platformCaps[channel] {
            if sent.lastMinute[channel] == nil {
                let recent = try await outbox.sendsInLastMinute(tenant: claim.tenant, channel: claim.channel)
                sent.lastMinute[channel] = (recent.count, recent.oldest ?? Date())
            }
            if let window = sent.lastMinute[channel], window.count >= cap {
                // Held, not suppressed: the message goes out once the minute has room again.
                try await outbox.release(
                    claim, sender: name, notBefore: max(window.oldest, Date()).addingTimeInterval(60),
                    hold: .platformCap)
                return
            }
            sent.lastMinute[channel]?.count += 1
        }
        guard let campaign, campaign.messages.indices.contains(claim.messageIndex) else {
            try await finish(claim, .permanent, error: "the campaign or its message is gone")
            return
        }
        let text = campaign.messages[claim.messageIndex]
        let message = ChannelMessage(
            deliveryID: claim.id, recipient: recipient, content: .text(text.text),
            template: text.smsTemplateID.map { SMSTemplate(id: $0, params: text.templateParams) })
        let started = Date()
        let result = await adapter.send(message)
        let outcome: DeliveryAttempt.Outcome =
            switch result {
            case .delivered: .sent
            case .retryable: .retryable
            case .permanent: .permanent
            }
        try await finish(
            claim, outcome, error: result.failure?.reason, statusCode: result.failure?.httpStatus, started: started,
            retryAt: outcome == .retryable && result.failure?.code != .cancelled
                ? Self.retryTime(attempt: claim.attempt, asked: result.failure?.retryAfter) : nil)
    }

    /// When a retryable failure is tried again: when the channel asked (Retry-After), else after
    /// 30 s doubling with each attempt, at most 15 minutes. (A send cut short by cancellation is
    /// due again at once: the channel did nothing wrong.)
    static func retryTime(attempt: Int, asked: Duration?, now: Date = Date()) -> Date {
        let backoff = min(30 * pow(2, Double(max(0, attempt - 1))), 900)
        let askedSeconds = asked.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
        return now.addingTimeInterval(max(backoff, askedSeconds))
    }

    private func finish(
        _ claim: DeliveryClaim, _ outcome: DeliveryAttempt.Outcome, error: String?, statusCode: Int? = nil,
        started: Date = Date(), retryAt: Date? = nil
    ) async throws {
        let attempt = DeliveryAttempt(
            outcome: outcome, statusCode: statusCode, error: error, startedAt: started, finishedAt: Date())
        let kept = try await outbox.finish(
            claim, sender: name, attempt: attempt, maximumAttempts: maximumAttempts, retryAt: retryAt)
        if !kept {
            logger.warning(
                "a delivery's lease ran out before its outcome was recorded",
                metadata: ["delivery": "\(claim.id)", "sender": "\(name)"])
        }
    }

    /// Where a message on `channel` goes for this member; `nil` when the member has no address there.
    static func recipient(for channel: DeliveryChannel, claim: DeliveryClaim, contact: MemberContact)
        -> ChannelRecipient?
    {
        switch channel {
        case .sms, .phone: return contact.phone.map(ChannelRecipient.phone)
        case .im:
            return (contact.imHandles[.wechat] ?? contact.imHandles[.qq] ?? contact.imHandles[.dingtalk]).map(
                ChannelRecipient.imID)
        case .wecomBot, .dingtalkBot, .webhook:
            return contact.phone.map(ChannelRecipient.phone) ?? .imID(claim.memberID.description)
        case .log: return .imID(claim.memberID.description)
        }
    }
}
