import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the member API's messages and the domain, in one place.
enum MemberMessages {
    static func member(_ member: Member) -> Hearth_Member_V1_Member {
        var message = Hearth_Member_V1_Member()
        message.memberID = member.id.description
        message.profile = profile(member)
        var metrics = Hearth_Member_V1_MemberMetrics()
        metrics.totalSpendFen = member.totals.totalSpendFen
        metrics.orderCount = Int32(clamping: member.totals.orderCount)
        if let at = member.totals.lastPurchaseAt { metrics.lastPurchaseAt = Google_Protobuf_Timestamp(date: at) }
        if let at = member.totals.lastActiveAt { metrics.lastActiveAt = Google_Protobuf_Timestamp(date: at) }
        message.metrics = metrics
        message.createdAt = Google_Protobuf_Timestamp(date: member.createdAt)
        if let deletedAt = member.deletedAt { message.deletedAt = Google_Protobuf_Timestamp(date: deletedAt) }
        return message
    }

    static func profile(_ member: Member) -> Hearth_Member_V1_MemberProfile {
        var profile = Hearth_Member_V1_MemberProfile()
        profile.displayName = member.displayName
        profile.phone = member.phone ?? ""
        profile.email = member.email ?? ""
        profile.region.province = member.region.province ?? ""
        profile.region.city = member.region.city ?? ""
        profile.orgKind = member.organisationKind ?? ""
        profile.tags = member.tags
        profile.interests = member.interests
        profile.sourceChannel = member.sourceChannel.map(sourceChannel) ?? .unspecified
        profile.vipTier = Int32(member.vipTier)
        profile.lifecycleStage = lifecycleStage(member.lifecycleStage)
        return profile
    }

    /// A new member of `tenant` from a request's profile; the phone is normalised to E.164 in the
    /// tenant's region. Field errors name the request field.
    static func newMember(
        _ profile: Hearth_Member_V1_MemberProfile, tenant: TenantID, region: PhoneRegion
    ) throws -> Member {
        var phone: String?
        if !profile.phone.isEmpty {
            do {
                phone = try PhoneNumber(parsing: profile.phone, defaultRegion: region).description
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: error.message, reason: "phone_invalid",
                    fields: ["profile.phone": error.message])
            }
        }
        var email: String?
        if !profile.email.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                email = try Identity(kind: .email, parsing: profile.email).value
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: error.message, reason: "email_invalid",
                    fields: ["profile.email": error.message])
            }
        }
        return Member(
            tenantID: tenant,
            displayName: profile.displayName.trimmingCharacters(in: .whitespacesAndNewlines),
            phone: phone,
            email: email,
            region: Region(
                province: nonEmpty(profile.region.province), city: nonEmpty(profile.region.city)),
            organisationKind: nonEmpty(profile.orgKind),
            tags: profile.tags,
            interests: profile.interests,
            sourceChannel: try sourceChannel(profile.sourceChannel),
            vipTier: Int(profile.vipTier),
            lifecycleStage: try lifecycleStage(profile.lifecycleStage) ?? .audience)
    }

    /// The store query for a request's member filter.
    static func query(from filter: Hearth_Member_V1_MemberFilter, field: String) throws -> MemberQuery {
        var query = MemberQuery(
            text: filter.query.isEmpty ? nil : filter.query,
            provinces: filter.provinces,
            lifecycleStages: try filter.lifecycleStages.compactMap(lifecycleStage),
            tagsAll: filter.tagsAll,
            includeDeleted: filter.includeDeleted)
        query.cities = filter.cities
        query.organisationKinds = filter.orgKinds
        query.sourceChannels = try filter.sourceChannels.compactMap(sourceChannel)
        query.tagsAny = filter.tagsAny
        query.interestsAny = filter.interestsAny
        if filter.hasVipTierMin || filter.hasVipTierMax {
            let low = filter.hasVipTierMin ? Int(filter.vipTierMin) : 0
            let high = filter.hasVipTierMax ? Int(filter.vipTierMax) : 9
            guard (0...9).contains(low), (0...9).contains(high), low <= high else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "\(field).vip_tier_min and vip_tier_max are 0 to 9, the minimum not above the maximum; "
                        + "got \(low) to \(high)",
                    reason: "vip_tier_range",
                    fields: ["\(field).vip_tier_min": "\(low)", "\(field).vip_tier_max": "\(high)"])
            }
            query.vipTiers = low...high
        }
        if filter.hasLastActive { query.lastActive = try bounds(filter.lastActive, field: "\(field).last_active") }
        if filter.hasCreated { query.created = try bounds(filter.created, field: "\(field).created") }
        if !filter.communityID.isEmpty {
            query.communityID = try CommunityMessages.communityID(filter.communityID, field: "\(field).community_id")
        }
        if !filter.segmentID.isEmpty {
            query.segmentID = try SegmentMessages.segmentID(filter.segmentID, field: "\(field).segment_id")
        }
        return query
    }

    static func order(_ order: Hearth_Member_V1_MemberOrder) throws(RPCError) -> MemberListOrder {
        switch order {
        case .unspecified, .createdAtDesc: .created
        case .lastActiveAtDesc: .lastActive
        case .totalSpendDesc: .totalSpend
        case .engagementScoreDesc: .engagement
        case .displayNameAsc: .name
        case .UNRECOGNIZED(let value):
            throw RPCError(
                code: .invalidArgument, message: "order_by \(value) is unknown", reason: "order_invalid",
                fields: ["order_by": "unknown value \(value)"])
        }
    }

    /// A ListMembers page cursor: the order it continues, the last member's id and sort key.
    static func text(of cursor: MemberCursor) -> String {
        PageCursor.encode(parts: [cursor.order.rawValue, cursor.memberID.description, cursor.key])
    }

    /// `nil` for an empty cursor; one ListMembers did not issue is INVALID_ARGUMENT.
    static func cursor(_ text: String) throws(RPCError) -> MemberCursor? {
        guard let parts = try PageCursor.decode(text, partCount: 3, method: "ListMembers") else { return nil }
        guard let order = MemberListOrder(rawValue: parts[0]), let id = MemberID(parts[1]) else {
            throw PageCursor.invalid("ListMembers")
        }
        return MemberCursor(order: order, key: parts[2], memberID: id)
    }

    private static func bounds(_ range: Hearth_Common_V1_TimeRange, field: String) throws -> DateBounds {
        let bounds = DateBounds(
            start: range.hasStart ? range.start.date : nil, end: range.hasEnd ? range.end.date : nil)
        if let start = bounds.start, let end = bounds.end, start >= end {
            throw RPCError(
                code: .invalidArgument, message: "\(field) starts at or after its end", reason: "time_range_invalid",
                fields: [field: "start >= end"])
        }
        return bounds
    }

    static func lifecycleStage(_ stage: LifecycleStage) -> Hearth_Common_V1_LifecycleStage {
        switch stage {
        case .audience: .audience
        case .user: .user
        case .fan: .fan
        case .community: .community
        case .lapsed: .lapsed
        }
    }

    /// `nil` for UNSPECIFIED.
    static func lifecycleStage(_ stage: Hearth_Common_V1_LifecycleStage) throws(RPCError) -> LifecycleStage? {
        switch stage {
        case .unspecified: nil
        case .audience: .audience
        case .user: .user
        case .fan: .fan
        case .community: .community
        case .lapsed: .lapsed
        case .UNRECOGNIZED(let value):
            throw RPCError(code: .invalidArgument, message: "lifecycle stage \(value) is unknown")
        }
    }

    static func sourceChannel(_ channel: SourceChannel) -> Hearth_Common_V1_SourceChannel {
        switch channel {
        case .qrPoster: .qrPoster
        case .phoneInvite: .phoneInvite
        case .officialAccount: .officialAccount
        case .weibo: .weibo
        case .offlineSales: .offlineSales
        case .referral: .referral
        case .import: .import
        case .other: .other
        }
    }

    /// `nil` for UNSPECIFIED.
    static func sourceChannel(_ channel: Hearth_Common_V1_SourceChannel) throws(RPCError) -> SourceChannel? {
        switch channel {
        case .unspecified: nil
        case .qrPoster: .qrPoster
        case .phoneInvite: .phoneInvite
        case .officialAccount: .officialAccount
        case .weibo: .weibo
        case .offlineSales: .offlineSales
        case .referral: .referral
        case .import: .import
        case .other: .other
        case .UNRECOGNIZED(let value):
            throw RPCError(code: .invalidArgument, message: "source channel \(value) is unknown")
        }
    }

    /// Parses a member id of a request, naming the field when it is malformed.
    static func memberID(_ text: String, field: String = "member_id") throws(RPCError) -> MemberID {
        guard let id = MemberID(text) else {
            throw RPCError(
                code: .invalidArgument, message: "\(field) \"\(text)\" is not a member id (a UUID)",
                reason: "invalid_id", fields: [field: "not a UUID"])
        }
        return id
    }

    static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
