import Foundation
public import GRPCCore
import HearthDomain
public import HearthPostgres
public import HearthProtos
import HearthRuntime
import HearthStore
public import Logging
import SwiftProtobuf

/// The campaign service's RPC handlers: each takes the tenant from the caller's token, maps the
/// request to the domain, runs it through the store and maps the answer back.
public struct CampaignAPI: Hearth_Campaign_V1_CampaignService.SimpleServiceProtocol {
    let pool: PostgresPool
    let campaigns: CampaignStore
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger = Logger(label: "hearth.campaign-service")) {
        self.pool = pool
        self.campaigns = CampaignStore(pool: pool)
        self.logger = logger
    }

    public func createCampaign(
        request: Hearth_Campaign_V1_CreateCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_CreateCampaignResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let campaign = try await campaigns.create(
                try CampaignMessages.newCampaign(request.spec, tenant: caller.tenant, owner: nil))
            var response = Hearth_Campaign_V1_CreateCampaignResponse()
            response.campaign = CampaignMessages.campaign(campaign, nextOccurrenceAt: nil)
            return response
        }
    }

    public func getCampaign(
        request: Hearth_Campaign_V1_GetCampaignRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_GetCampaignResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try CampaignMessages.campaignID(request.campaignID)
            guard let campaign = try await campaigns.campaign(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
            }
            var response = Hearth_Campaign_V1_GetCampaignResponse()
            response.campaign = CampaignMessages.campaign(
                campaign, nextOccurrenceAt: try await campaigns.nextOccurrenceStart(of: id, tenant: caller.tenant))
            return response
        }
    }

    public func listCampaigns(
        request: Hearth_Campaign_V1_ListCampaignsRequest, context: ServerContext
    ) async throws -> Hearth_Campaign_V1_ListCampaignsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let unsupported = [
                ("segment_id", !request.segmentID.isEmpty), ("community_id", !request.communityID.isEmpty),
                ("owner_operator_id", !request.ownerOperatorID.isEmpty), ("active", request.hasActive),
            ].filter(\.1).map(\.0)
            guard unsupported.isEmpty else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "campaigns can be listed by kind, status and name in this version; not by "
                        + unsupported.joined(separator: ", "),
                    reason: "filter_unsupported")
            }
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListCampaigns").map {
                (createdAt: $0.0, id: CampaignID($0.1[0]))
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await campaigns.list(
                tenant: caller.tenant, statuses: try request.statuses.compactMap(CampaignMessages.status),
                kinds: try request.kinds.compactMap(CampaignMessages.kind), nameContaining: request.query,
                after: cursor, limit: pageSize)
            var response = Hearth_Campaign_V1_ListCampaignsResponse()
            response.campaigns = page.campaigns.map { CampaignMessages.campaign($0, nextOccurrenceAt: nil) }
            if page.more, let last = page.campaigns.last {
                response.page.nextCursor = PageCursor.encode(last.createdAt, last.id.description)
            }
            return response
        }
    }

    /// Runs a status action under the campaign's row lock; NOT_FOUND for another tenant's id.
    func act(
        _ action: CampaignAction, reason: String?, on text: String
    ) async throws -> (campaign: Campaign, pausedAt: Date?, tenant: TenantID) {
        let caller = try RPCCaller.current()
        let id = try CampaignMessages.campaignID(text)
        guard let result = try await campaigns.apply(action, reason: reason, to: id, tenant: caller.tenant) else {
            throw RPCError(code: .notFound, message: "no campaign \(id) in this tenant")
        }
        return (result.campaign, result.pausedAt, caller.tenant)
    }

    func handle<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await answering(logging: logger, body)
    }

    static func notBuilt(_ method: String) -> RPCError {
        RPCError(
            code: .unimplemented,
            message: "CampaignService/\(method) is not available in this version of campaign-service")
    }
}
