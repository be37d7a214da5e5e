import Foundation
public import GRPCCore
import HearthDomain
public import HearthPostgres
public import HearthProtos
import HearthRuntime
import HearthStore
public import Logging
import SwiftProtobuf

/// The member service's RPC handlers: each takes the tenant from the caller's token, maps the
/// request to the domain, runs it through the store and maps the answer back.
public struct MemberAPI: Hearth_Member_V1_MemberService.SimpleServiceProtocol {
    let members: MemberStore
    let segments: SegmentStore
    let events: EventStore
    let imports: MemberImportStore
    let communities: CommunityStore
    /// Where each tenant's national phone numbers are read (its `default_region`).
    let phoneRegions: TenantPhoneRegions
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger = Logger(label: "hearth.member-service")) {
        self.members = MemberStore(pool: pool)
        self.segments = SegmentStore(pool: pool)
        self.events = EventStore(pool: pool)
        self.imports = MemberImportStore(pool: pool)
        self.communities = CommunityStore(pool: pool)
        self.phoneRegions = TenantPhoneRegions(tenants: TenantStore(pool: pool))
        self.logger = logger
    }

    public func createMember(
        request: Hearth_Member_V1_CreateMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_CreateMemberResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let member = try MemberMessages.newMember(
                request.profile, tenant: caller.tenant, region: try await phoneRegions.region(of: caller.tenant))
            var response = Hearth_Member_V1_CreateMemberResponse()
            response.member = MemberMessages.member(try await members.create(member))
            return response
        }
    }

    public func getMember(
        request: Hearth_Member_V1_GetMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_GetMemberResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            let full = try MemberIdentityMessages.full(request.view)
            // Deleted, erased and merged members are answered too, with their state fields set.
            guard let record = try await members.records([id], tenant: caller.tenant, full: full)[id] else {
                throw RPCError(code: .notFound, message: "no member \(id) in this tenant")
            }
            var response = Hearth_Member_V1_GetMemberResponse()
            response.member = MemberIdentityMessages.member(record)
            return response
        }
    }

    public func listMembers(
        request: Hearth_Member_V1_ListMembersRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_ListMembersResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard try !MemberIdentityMessages.full(request.view) else {
                throw RPCError(
                    code: .invalidArgument,
                    message:
                        "ListMembers sends the basic view; for handles and consents use GetMember or StreamMembers",
                    reason: "view_unsupported", fields: ["view": "FULL"])
            }
            let order = try MemberMessages.order(request.orderBy)
            let query = try await memberQuery(request.filter, field: "filter", tenant: caller.tenant)
            let cursor = try MemberMessages.cursor(request.page.cursor)
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await members.list(
                tenant: caller.tenant, matching: query, order: order, after: cursor, limit: pageSize)
            var response = Hearth_Member_V1_ListMembersResponse()
            response.members = page.members.map(MemberMessages.member)
            if let next = page.next { response.page.nextCursor = MemberMessages.text(of: next) }
            return response
        }
    }

    public func updateMember(
        request: Hearth_Member_V1_UpdateMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_UpdateMemberResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let id = try MemberMessages.memberID(request.memberID)
            var fields: Set<MemberProfileField> = []
            for path in request.updateMask.paths {
                guard let field = MemberProfileField(rawValue: path) else {
                    throw RPCError(
                        code: .invalidArgument,
                        message: "update_mask names \"\(path)\", which is not a writable profile field ("
                            + MemberProfileField.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                        reason: "update_mask_invalid", fields: ["update_mask": path])
                }
                fields.insert(field)
            }
            guard !fields.isEmpty else {
                throw RPCError(
                    code: .invalidArgument, message: "update_mask is required: name the fields to write",
                    reason: "update_mask_missing", fields: ["update_mask": "empty"])
            }
            var profile = request.profile
            if !fields.contains(.displayName) { profile.displayName = "unchanged" }
            let values = try MemberMessages.newMember(
                profile, tenant: caller.tenant, region: try await phoneRegions.region(of: caller.tenant))
            guard let member = try await members.update(id, tenant: caller.tenant, fields: fields, from: values) else {
                throw RPCError(code: .notFound, message: "no member \(id) in this tenant")
            }
            var response = Hearth_Member_V1_UpdateMemberResponse()
            response.member = MemberMessages.member(member)
            return response
        }
    }

    public func deleteMember(
        request: Hearth_Member_V1_DeleteMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_DeleteMemberResponse {
        try await handle {
            var response = Hearth_Member_V1_DeleteMemberResponse()
            response.member = try await setDeleted(true, memberID: request.memberID)
            return response
        }
    }

    public func restoreMember(
        request: Hearth_Member_V1_RestoreMemberRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_RestoreMemberResponse {
        try await handle {
            var response = Hearth_Member_V1_RestoreMemberResponse()
            response.member = try await setDeleted(false, memberID: request.memberID)
            return response
        }
    }

    private func setDeleted(_ deleted: Bool, memberID: String) async throws -> Hearth_Member_V1_Member {
        let caller = try RPCCaller.current()
        let id = try MemberMessages.memberID(memberID)
        guard let member = try await members.setDeleted(deleted, member: id, tenant: caller.tenant) else {
            throw RPCError(code: .notFound, message: "no member \(id) in this tenant")
        }
        return MemberMessages.member(member)
    }

    /// Runs a handler body, turning domain and database errors into statuses an operator can read.
    func handle<Response>(_ body: () async throws -> Response) async throws(RPCError) -> Response {
        try await answering(logging: logger, body)
    }
}

extension MemberAPI {
    /// The store query for a member filter; a community that does not exist is `notFound`, not an
    /// empty list.
    func memberQuery(_ filter: Hearth_Member_V1_MemberFilter, field: String, tenant: TenantID) async throws
        -> MemberQuery
    {
        var query = try MemberMessages.query(from: filter, field: field)
        if let text = query.text {
            query.textAsPhone = try? PhoneNumber(
                parsing: text, defaultRegion: try await phoneRegions.region(of: tenant)
            ).description
        }
        if let community = query.communityID, try await communities.community(community, tenant: tenant) == nil {
            throw RPCError(code: .notFound, message: "no community \(community) in this tenant")
        }
        return query
    }
}
