import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Moving campaigns through their status machine, and what each move does to occurrences.
extension CampaignAPI {
    public func scheduleCampaign(
        request: Hearth_Campaign_V1_ScheduleCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ScheduleCampaignResponse {
        try await handle {
            let (campaign, _, tenant) = try await act(.schedule, reason: nil, on: request.campaignID)
            let count = try await campaigns.layOutOccurrences(of: campaign.id, tenant: tenant)
            let upcoming = try await campaigns.occurrences(of: campaign.id, tenant: tenant, limit: 10)
            var response = Hearth_Campaign_V1_ScheduleCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: upcoming.first?.startsAt)
            response.occurrenceCount = Int32(clamping: count)
            response.upcoming = upcoming.map(Self.occurrence)
            return response
        }
    }

    public func launchCampaign(
        request: Hearth_Campaign_V1_LaunchCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_LaunchCampaignResponse {
        try await handle {
            let (campaign, _, tenant) = try await act(.launch, reason: nil, on: request.campaignID)
            // Launching straight from a draft lays the occurrences out too.
            try await campaigns.layOutOccurrences(of: campaign.id, tenant: tenant)
            var response = Hearth_Campaign_V1_LaunchCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: nil)
            return response
        }
    }

    public func pauseCampaign(
        request: Hearth_Campaign_V1_PauseCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_PauseCampaignResponse {
        try await handle {
            let reason = request.reason.isEmpty ? nil : request.reason
            let (campaign, _, _) = try await act(.pause, reason: reason, on: request.campaignID)
            var response = Hearth_Campaign_V1_PauseCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: nil)
            return response
        }
    }

    public func resumeCampaign(
        request: Hearth_Campaign_V1_ResumeCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ResumeCampaignResponse {
        try await handle {
            let (campaign, pausedAt, tenant) = try await act(.resume, reason: nil, on: request.campaignID)
            var skipped = 0
            if let pausedAt {
                skipped = try await campaigns.skipWhilePaused(
                    campaign.id, tenant: tenant, pausedAt: pausedAt, resumedAt: Date())
            }
            var response = Hearth_Campaign_V1_ResumeCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: nil)
            response.skippedOccurrenceCount = Int32(clamping: skipped)
            return response
        }
    }

    public func cancelCampaign(
        request: Hearth_Campaign_V1_CancelCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CancelCampaignResponse {
        try await handle {
            let (campaign, _, _) = try await act(.cancel, reason: request.reason, on: request.campaignID)
            var response = Hearth_Campaign_V1_CancelCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: nil)
            return response
        }
    }

    public func listOccurrences(
        request: Hearth_Campaign_V1_ListOccurrencesRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListOccurrencesResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            // A campaign starts an occurrence once at a time, so the start alone orders the pages.
            let after = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListOccurrences")?.0
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            var statuses: [OccurrenceStatus] = []
            for (index, status) in request.statuses.enumerated() {
                switch status {
                case .scheduled: statuses.append(.scheduled)
                case .running: statuses.append(.running)
                case .completed: statuses.append(.completed)
                case .cancelled: statuses.append(.cancelled)
                default:
                    throw RPCError(
                        code: .invalidArgument, message: "statuses[\(index)] is not an occurrence status",
                        reason: "status_invalid", fields: ["statuses[\(index)]": "unspecified"])
                }
            }
            guard try await campaigns.campaign(id, tenant: caller.tenant) != nil else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            let found = try await campaigns.occurrences(
                of: id, tenant: caller.tenant, afterStart: after, statuses: statuses,
                startingFrom: request.starts.hasStart ? request.starts.start.date : nil,
                startingBefore: request.starts.hasEnd ? request.starts.end.date : nil, limit: pageSize + 1)
            var response = Hearth_Campaign_V1_ListOccurrencesResponse()
            response.occurrences = found.prefix(pageSize).map(Self.occurrence)
            if found.count > pageSize, let last = found.prefix(pageSize).last {
                response.page.nextCursor = PageCursor.encode(last.startsAt, last.id.uuidString.lowercased())
            }
            return response
        }
    }

    public func getDeliveryStats(
        request: Hearth_Campaign_V1_GetDeliveryStatsRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_GetDeliveryStatsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            var occurrence: UUID?
            if !request.occurrenceID.isEmpty {
                guard let parsed = UUID(uuidString: request.occurrenceID) else {
                    throw RPCError(
                        code: .invalidArgument,
                        message: "occurrence_id \"\(request.occurrenceID)\" is not an id (a UUID)",
                        reason: "invalid_id", fields: ["occurrence_id": "not a UUID"])
                }
                occurrence = parsed
            }
            guard try await campaigns.campaign(id, tenant: caller.tenant) != nil else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            let counts = try await campaigns.deliveryCounts(of: id, occurrence: occurrence, tenant: caller.tenant)
            var stats = Hearth_Campaign_V1_DeliveryStats()
            stats.pending = counts.byStatus["pending"] ?? 0
            stats.claimed = counts.byStatus["claimed"] ?? 0
            stats.sent = counts.byStatus["sent"] ?? 0
            stats.failed = counts.byStatus["failed"] ?? 0
            stats.suppressed = counts.byStatus["suppressed"] ?? 0
            stats.suppressedByReason = counts.suppressedByReason.sorted { $0.key < $1.key }.map { reason, count in
                var entry = Hearth_Common_V1_SuppressionCount()
                entry.reason = Self.suppression(reason)
                entry.count = count
                return entry
            }
            var response = Hearth_Campaign_V1_GetDeliveryStatsResponse()
            response.stats = stats
            return response
        }
    }

    static func occurrence(_ record: OccurrenceRecord) -> Hearth_Campaign_V1_Occurrence {
        var message = Hearth_Campaign_V1_Occurrence()
        message.occurrenceID = record.id.uuidString.lowercased()
        message.campaignID = record.campaignID.description
        message.startsAt = Google_Protobuf_Timestamp(date: record.startsAt)
        message.endsAt = Google_Protobuf_Timestamp(date: record.endsAt)
        message.status =
            switch record.status {
            case .scheduled: .scheduled
            case .running: .running
            case .completed: .completed
            case .cancelled: .cancelled
            }
        message.phaseTimes = record.phases.map { phase in
            var time = Hearth_Campaign_V1_PhaseTime()
            time.phase = CampaignMessages.phase(phase.phase)
            time.at = Google_Protobuf_Timestamp(date: phase.at)
            return time
        }
        return message
    }

    /// A stored reason on the wire, through the domain's type (one mapping for stats and lists).
    static func suppression(_ reason: String) -> Hearth_Common_V1_SuppressionReason {
        DeliveryRecord.SuppressionReason(rawValue: reason).map(suppressionReason) ?? .unspecified
    }
}
