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
            let cursor = try CampaignPageCursor.decode(request.page.cursor)
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await campaigns.list(
                tenant: caller.tenant, statuses: try request.statuses.compactMap(CampaignMessages.status),
                kinds: try request.kinds.compactMap(CampaignMessages.kind), nameContaining: request.query,
                after: cursor, limit: pageSize)
            var response = Hearth_Campaign_V1_ListCampaignsResponse()
            response.campaigns = page.campaigns.map { CampaignMessages.campaign($0, nextOccurrenceAt: nil) }
            if page.more, let last = page.campaigns.last {
                response.page.nextCursor = CampaignPageCursor.encode(createdAt: last.createdAt, id: last.id)
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
        do {
            return try await body()
        } catch {
            let status = RPCError.from(error)
            if status.code == .internalError || status.code == .unavailable {
                logger.error("call failed", metadata: ["error": "\(error)"])
            }
            throw status
        }
    }

    static func notBuilt(_ method: String) -> RPCError {
        RPCError(
            code: .unimplemented,
            message: "CampaignService/\(method) is not available in this version of campaign-service")
    }
}

/// The opaque page cursor of ListCampaigns: where the last page ended, newest first.
enum CampaignPageCursor {
    static func encode(createdAt: Date, id: CampaignID) -> String {
        let micros = Int64((createdAt.timeIntervalSince1970 * 1_000_000).rounded())
        return Data("\(micros)/\(id)".utf8).base64EncodedString()
    }

    static func decode(_ text: String) throws(RPCError) -> (createdAt: Date, id: CampaignID)? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw invalid()
        }
        let parts = plain.split(separator: "/")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = CampaignID(String(parts[1])) else {
            throw invalid()
        }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), id)
    }

    private static func invalid() -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor this service issued",
            reason: "invalid_cursor", fields: ["page.cursor": "not issued by ListCampaigns"])
    }
}
