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
    /// member-service, for call lists and invite links; without it those RPCs answer UNAVAILABLE.
    let members: (any MemberDirectory)?
    /// Where invite links point (`<base>/join/<token>`), without a trailing slash; `nil`: links
    /// carry only their token.
    let publicBaseURL: String?

    /// `members` reaches member-service (campaign-service passes the directory its engine uses);
    /// `publicBaseURL` (e.g. `https://join.example.com`) is what invite link URLs start with.
    public init(
        pool: PostgresPool, logger: Logger = Logger(label: "hearth.campaign-service"),
        members: (any MemberDirectory)? = nil, publicBaseURL: String? = nil
    ) {
        self.pool = pool
        self.campaigns = CampaignStore(pool: pool)
        self.logger = logger
        self.members = members
        var base = publicBaseURL?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        self.publicBaseURL = base.isEmpty ? nil : base
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

    /// The member directory, or UNAVAILABLE when the service runs without member-service.
    func memberDirectory() throws(RPCError) -> any MemberDirectory {
        guard let members else {
            throw RPCError(
                code: .unavailable, message: "campaign-service was started without a member-service connection")
        }
        return members
    }

    func handle<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await answering(logging: logger, body)
    }
}
