public import Foundation
public import HearthDomain
public import HearthStore
public import Logging

/// Puts due campaign messages into the outbox: for each message of a running campaign whose time
/// came, one delivery per audience member and channel, then a note that the message is planned.
///
/// Every step can be repeated: the outbox's unique key drops a second copy of a delivery, and a
/// message is noted as planned only after all its deliveries are in, so a planner that dies half
/// way simply plans the rest next time.
public struct DeliveryPlanner: Sendable {
    let campaigns: CampaignStore
    let outbox: DeliveryOutbox
    let directory: any MemberDirectory
    let logger: Logger

    public init(campaigns: CampaignStore, outbox: DeliveryOutbox, directory: any MemberDirectory, logger: Logger) {
        self.campaigns = campaigns
        self.outbox = outbox
        self.directory = directory
        self.logger = logger
    }

    /// Plans everything due for `tenant` now; returns the deliveries queued.
    @discardableResult
    public func planDue(tenant: TenantID, now: Date = Date()) async throws -> Int {
        var queued = 0
        var loaded: [CampaignID: Campaign] = [:]
        for due in try await campaigns.duePhases(tenant: tenant, now: now) {
            if loaded[due.campaignID] == nil {
                loaded[due.campaignID] = try await campaigns.campaign(due.campaignID, tenant: tenant)
            }
            guard let campaign = loaded[due.campaignID] else { continue }
            loaded[campaign.id] = campaign
            guard campaign.messages.indices.contains(due.messageIndex) else { continue }
            let message = campaign.messages[due.messageIndex]
            let channels = (message.channels.isEmpty ? campaign.channels : message.channels).map(\.rawValue)
            var count = 0
            try await directory.forEachBatch(of: campaign.audience, tenant: tenant) { members in
                count += try await outbox.enqueue(
                    tenant: tenant, campaign: campaign.id.rawValue, occurrence: due.occurrenceID,
                    phase: due.phase.rawValue, messageIndex: due.messageIndex, members: members, channels: channels)
            }
            try await campaigns.recordPlan(due, tenant: tenant, skipped: false, deliveries: count)
            logger.info(
                "planned a campaign message",
                metadata: [
                    "campaign": "\(campaign.id)", "phase": "\(due.phase.rawValue)", "deliveries": "\(count)",
                ])
            queued += count
        }
        return queued
    }
}
