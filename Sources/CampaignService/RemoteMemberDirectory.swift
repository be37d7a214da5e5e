public import Foundation
public import GRPCCore
public import HearthDomain
import HearthProtos
public import HearthWire
import SwiftProtobuf

/// The member directory over member-service's RPCs, calling as each tenant with a short-lived
/// token it signs itself (the services share the token secret).
public struct RemoteMemberDirectory<Transport: ClientTransport>: MemberDirectory {
    let client: Hearth_Member_V1_MemberService.Client<Transport>
    let secret: AccessTokenSecret

    public init(client: GRPCClient<Transport>, secret: AccessTokenSecret) {
        self.client = Hearth_Member_V1_MemberService.Client(wrapping: client)
        self.secret = secret
    }

    /// A bearer token for `tenant`, naming `operatorID` as the actor member-service records (the
    /// service itself unless a call acts for an operator, e.g. the agent creating a join link).
    func metadata(for tenant: TenantID, operatorID: String = "campaign-service") -> Metadata {
        let token = AccessToken(
            tenant: tenant.description, operatorID: operatorID, role: AccessRole.operator.rawValue,
            expiresAt: Int64(Date().timeIntervalSince1970) + 600
        ).signed(with: secret)
        return ["authorization": "Bearer \(token)"]
    }

    public func forEachBatch(
        of audience: CampaignAudience, tenant: TenantID, _ body: ([MemberID]) async throws -> Void
    ) async throws {
        if let segment = audience.segmentID {
            var request = Hearth_Member_V1_StreamMembersRequest()
            request.filter.segmentID = segment.description
            // The stream is read to the end first (ids only: 16 bytes a member), so the outbox
            // writes never hold member-service's snapshot open.
            let batches = try await client.streamMembers(request, metadata: metadata(for: tenant)) { response in
                var batches: [[MemberID]] = []
                for try await message in response.messages {
                    batches.append(message.members.compactMap { MemberID($0.memberID) })
                }
                return batches
            }
            for batch in batches { try await body(batch) }
        }
        if let community = audience.communityID {
            var request = Hearth_Member_V1_ListMembershipsRequest()
            request.communityID = community.description
            request.statuses = [.active]
            request.page.pageSize = 500
            repeat {
                let page = try await client.listMemberships(request, metadata: metadata(for: tenant))
                try await body(page.memberships.compactMap { MemberID($0.memberID) })
                request.page.cursor = page.page.nextCursor
            } while !request.page.cursor.isEmpty
        }
    }

    public func bannedMembers(of community: CommunityID, tenant: TenantID) async throws -> Set<MemberID> {
        var request = Hearth_Member_V1_ListMembershipsRequest()
        request.communityID = community.description
        request.statuses = [.banned]
        request.page.pageSize = 500
        var banned = Set<MemberID>()
        repeat {
            let page = try await client.listMemberships(request, metadata: metadata(for: tenant))
            banned.formUnion(page.memberships.compactMap { MemberID($0.memberID) })
            request.page.cursor = page.page.nextCursor
        } while !request.page.cursor.isEmpty
        return banned
    }

    public func contacts(of members: [MemberID], tenant: TenantID) async throws -> [MemberID: MemberContact] {
        var contacts: [MemberID: MemberContact] = [:]
        for start in stride(from: 0, to: members.count, by: 1_000) {
            var request = Hearth_Member_V1_BatchGetMembersRequest()
            request.memberIds = members[start..<min(start + 1_000, members.count)].map(\.description)
            request.view = .full
            let response = try await client.batchGetMembers(request, metadata: metadata(for: tenant))
            for member in response.members {
                guard let id = MemberID(member.memberID) else { continue }
                var handles: [IdentityKind: String] = [:]
                for identity in member.identities {
                    switch identity.kind {
                    case .wechat: handles[.wechat] = identity.value
                    case .qq: handles[.qq] = identity.value
                    case .dingtalk: handles[.dingtalk] = identity.value
                    default: break
                    }
                }
                let consents = Set(
                    member.consents.filter(\.granted).compactMap { consent -> ConsentChannel? in
                        switch consent.channel {
                        case .sms: .sms
                        case .im: .im
                        case .phone: .phone
                        default: nil
                        }
                    })
                contacts[id] = MemberContact(
                    isGone: member.hasDeletedAt || member.hasErasedAt || !member.mergedIntoMemberID.isEmpty,
                    consents: consents, phone: member.profile.phone.isEmpty ? nil : member.profile.phone,
                    imHandles: handles,
                    displayName: member.profile.displayName.isEmpty ? nil : member.profile.displayName)
            }
        }
        return contacts
    }

    /// Calls CreateJoinLink with a token naming `createdBy`, so the link's creator is the operator
    /// who asked for it; member-service's errors (NOT_FOUND, FAILED_PRECONDITION for an archived
    /// community) are thrown as they came.
    public func createJoinLink(
        into community: CommunityID, campaign: CampaignID, sourceChannel: SourceChannel?, expiresAt: Date?,
        createdBy: String, idempotencyKey: String?, tenant: TenantID
    ) async throws -> JoinLinkTicket {
        var request = Hearth_Member_V1_CreateJoinLinkRequest()
        request.communityID = community.description
        request.campaignID = campaign.description
        request.sourceChannel = sourceChannel.map { RecruitmentMessages.sourceChannelMessage($0) } ?? .unspecified
        if let expiresAt { request.expiresAt = Google_Protobuf_Timestamp(date: expiresAt) }
        request.idempotencyKey = idempotencyKey ?? ""
        let response: Hearth_Member_V1_CreateJoinLinkResponse = try await client.createJoinLink(
            request, metadata: metadata(for: tenant, operatorID: createdBy))
        let link = response.link
        return JoinLinkTicket(
            token: link.token, familyID: CommunityFamilyID(link.familyID), campaignID: CampaignID(link.campaignID),
            sourceChannel: RecruitmentMessages.sourceChannel(link.sourceChannel),
            expiresAt: link.hasExpiresAt ? link.expiresAt.date : nil)
    }
}
