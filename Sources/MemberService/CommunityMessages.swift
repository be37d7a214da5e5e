import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the community messages (communities, memberships, moderation, join links) and
/// the domain, in one place. Unknown enumeration values and malformed ids are INVALID_ARGUMENT
/// naming the request field; UNSPECIFIED means "not given".
enum CommunityMessages {
    // MARK: Domain to messages

    static func community(_ community: Community) -> Hearth_Member_V1_Community {
        var message = Hearth_Member_V1_Community()
        message.communityID = community.id.description
        message.settings = settings(community.settings)
        message.passPhraseRequired = community.passPhraseRequired
        message.memberCount = Int32(clamping: community.memberCount)
        message.pendingCount = Int32(clamping: community.pendingCount)
        if let place = community.familyPlace {
            message.familyID = place.familyID.description
            message.familySeq = Int32(clamping: place.sequence)
        }
        message.replicatedFromCommunityID = community.replicatedFrom?.description ?? ""
        if let at = community.archivedAt { message.archivedAt = Google_Protobuf_Timestamp(date: at) }
        message.createdAt = Google_Protobuf_Timestamp(date: community.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: community.updatedAt)
        return message
    }

    /// The settings as sent back; the pass phrase is write-only and never included.
    static func settings(_ settings: CommunitySettings) -> Hearth_Member_V1_CommunitySettings {
        var message = Hearth_Member_V1_CommunitySettings()
        message.name = settings.name
        message.platform = platform(settings.platform)
        message.capacity = Int32(clamping: settings.capacity)
        message.joinPolicy = joinPolicy(settings.joinPolicy)
        message.structure = settings.structure == .ring ? .ring : .pyramid
        message.visibility = settings.visibility == .inner ? .inner : .outer
        message.purpose = settings.purpose ?? ""
        message.rules = settings.rules ?? ""
        message.announcement = settings.announcement ?? ""
        return message
    }

    static func membership(_ membership: Membership) -> Hearth_Member_V1_Membership {
        var message = Hearth_Member_V1_Membership()
        message.communityID = membership.communityID.description
        message.memberID = membership.memberID.description
        message.role = role(membership.role)
        message.status = status(membership.status)
        message.socialRole = membership.socialRole.map(socialRole) ?? .unspecified
        message.invitedByMemberID = membership.invitedBy?.description ?? ""
        if let at = membership.joinedAt { message.joinedAt = Google_Protobuf_Timestamp(date: at) }
        if let at = membership.leftAt { message.leftAt = Google_Protobuf_Timestamp(date: at) }
        if let at = membership.mutedUntil { message.mutedUntil = Google_Protobuf_Timestamp(date: at) }
        message.createdAt = Google_Protobuf_Timestamp(date: membership.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: membership.updatedAt)
        return message
    }

    static func moderationAction(_ action: ModerationAction) -> Hearth_Member_V1_ModerationAction {
        var message = Hearth_Member_V1_ModerationAction()
        message.actionID = action.id.description
        message.communityID = action.communityID.description
        message.memberID = action.memberID.description
        message.kind = moderationKind(action.kind)
        message.reason = action.reason
        if let until = action.mutedUntil { message.mutedUntil = Google_Protobuf_Timestamp(date: until) }
        message.operatorID = action.operatorID
        message.createdAt = Google_Protobuf_Timestamp(date: action.createdAt)
        return message
    }

    /// A join link with the token it was created or resolved with.
    static func joinLink(_ link: JoinLink, token: String) -> Hearth_Member_V1_JoinLink {
        var message = Hearth_Member_V1_JoinLink()
        message.token = token
        message.familyID = link.familyID.description
        message.campaignID = link.campaignID?.uuidString.lowercased() ?? ""
        message.sourceChannel = link.sourceChannel.map(MemberMessages.sourceChannel) ?? .unspecified
        if let at = link.expiresAt { message.expiresAt = Google_Protobuf_Timestamp(date: at) }
        return message
    }

    /// A refusal as the status clients see: its code, message and stable reason.
    static func status(_ refusal: CommunityRefusal) -> RPCError {
        RPCError(
            code: refusal.code == .alreadyExists ? .alreadyExists : .failedPrecondition, message: refusal.message,
            reason: refusal.reason.rawValue)
    }

    // MARK: Messages to domain

    /// New settings from a create request; capacity 0 means the platform's default, and the join
    /// policy, structure and visibility default as the schema does (approval, pyramid, outer).
    static func newSettings(_ message: Hearth_Member_V1_CommunitySettings) throws -> (
        settings: CommunitySettings, passPhrase: String?
    ) {
        guard let platform = try Self.platform(message.platform, field: "settings.platform") else {
            throw missing("settings.platform", "name the platform: wechat, qq, dingtalk, yy or other")
        }
        let settings = CommunitySettings(
            name: message.name.trimmingCharacters(in: .whitespacesAndNewlines),
            platform: platform,
            capacity: try capacity(message.capacity),
            joinPolicy: try joinPolicy(message.joinPolicy, field: "settings.join_policy") ?? .approval,
            structure: try structure(message.structure, field: "settings.structure") ?? .pyramid,
            visibility: try visibility(message.visibility, field: "settings.visibility") ?? .outer,
            purpose: text(message.purpose), rules: text(message.rules), announcement: text(message.announcement))
        return (settings, message.passPhrase.isEmpty ? nil : message.passPhrase)
    }

    /// The change an update request asks for. Mask paths name settings fields, with or without
    /// the `settings.` prefix; a listed enumeration must be given (UNSPECIFIED is refused).
    static func settingsUpdate(
        _ message: Hearth_Member_V1_CommunitySettings, mask: Google_Protobuf_FieldMask
    ) throws -> CommunitySettingsUpdate {
        var fields: Set<CommunitySettingsField> = []
        for path in mask.paths {
            let name = path.hasPrefix("settings.") ? String(path.dropFirst("settings.".count)) : path
            guard let field = CommunitySettingsField(rawValue: name) else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "update_mask names \"\(path)\", which is not a community setting ("
                        + CommunitySettingsField.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                    reason: "update_mask_invalid", fields: ["update_mask": path])
            }
            fields.insert(field)
        }
        guard !fields.isEmpty else {
            throw missing("update_mask", "update_mask is required: name the settings to write")
        }
        func listed<Value>(_ value: Value?, _ field: CommunitySettingsField) throws(RPCError) -> Value? {
            guard fields.contains(field) else { return nil }
            guard let value else { throw missing("settings.\(field.rawValue)", "give the new \(field.rawValue)") }
            return value
        }
        var change = CommunitySettingsUpdate(fields: fields)
        change.name = message.name.trimmingCharacters(in: .whitespacesAndNewlines)
        change.platform = try listed(try platform(message.platform, field: "settings.platform"), .platform)
        change.capacity = try capacity(message.capacity)
        change.joinPolicy = try listed(
            try joinPolicy(message.joinPolicy, field: "settings.join_policy"), .joinPolicy)
        change.structure = try listed(try structure(message.structure, field: "settings.structure"), .structure)
        change.visibility = try listed(
            try visibility(message.visibility, field: "settings.visibility"), .visibility)
        change.passPhrase = message.passPhrase.isEmpty ? nil : message.passPhrase
        change.purpose = text(message.purpose)
        change.rules = text(message.rules)
        change.announcement = text(message.announcement)
        return change
    }

    /// `nil` for 0 (the platform's default).
    static func capacity(_ value: Int32) throws(RPCError) -> Int? {
        guard value >= 0 else {
            throw RPCError(
                code: .invalidArgument, message: "capacity cannot be negative (0 means the platform's default)",
                reason: "out_of_range", fields: ["settings.capacity": "negative"])
        }
        return value == 0 ? nil : Int(value)
    }

    static func communityID(_ text: String, field: String = "community_id") throws(RPCError) -> CommunityID {
        guard let id = CommunityID(text) else { throw invalidID(text, field: field, what: "community") }
        return id
    }

    /// `nil` for an empty field.
    static func optionalMemberID(_ text: String, field: String) throws(RPCError) -> MemberID? {
        guard !text.isEmpty else { return nil }
        return try MemberMessages.memberID(text, field: field)
    }

    static func familyID(_ text: String, field: String = "family_id") throws(RPCError) -> CommunityFamilyID {
        guard let id = CommunityFamilyID(text) else { throw invalidID(text, field: field, what: "family") }
        return id
    }

    /// `nil` for an empty field.
    static func campaignID(_ text: String, field: String = "campaign_id") throws(RPCError) -> UUID? {
        guard !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else { throw invalidID(text, field: field, what: "campaign") }
        return id
    }

    /// Text settings keep what the operator typed (rules are formatted); empty means none.
    static func text(_ value: String) -> String? {
        value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : value
    }

    static func invalidID(_ text: String, field: String, what: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "\(field) \"\(text)\" is not a \(what) id (a UUID)", reason: "invalid_id",
            fields: [field: "not a UUID"])
    }

    static func missing(_ field: String, _ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message, reason: "missing_field", fields: [field: "required"])
    }

    static func unknown(_ value: Int, field: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "\(field) \(value) is not a value this service knows",
            reason: "unknown_enum_value", fields: [field: "unknown value \(value)"])
    }

    /// The page size a PageRequest asks for: 0 means 50, at most 500.
    static func pageSize(_ page: Hearth_Common_V1_PageRequest) -> Int {
        page.pageSize <= 0 ? 50 : Int(min(page.pageSize, 500))
    }
}

/// The enumerations, both ways.
extension CommunityMessages {
    static func platform(_ platform: CommunityPlatform) -> Hearth_Common_V1_Platform {
        switch platform {
        case .wechat: .wechat
        case .qq: .qq
        case .dingtalk: .dingtalk
        case .yy: .yy
        case .other: .other
        }
    }

    /// `nil` for UNSPECIFIED.
    static func platform(_ platform: Hearth_Common_V1_Platform, field: String) throws(RPCError) -> CommunityPlatform? {
        switch platform {
        case .unspecified: nil
        case .wechat: .wechat
        case .qq: .qq
        case .dingtalk: .dingtalk
        case .yy: .yy
        case .other: .other
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func joinPolicy(_ policy: JoinPolicy) -> Hearth_Member_V1_JoinPolicy {
        switch policy {
        case .open: .open
        case .approval: .approval
        case .inviteOnly: .inviteOnly
        case .paid: .paid
        }
    }

    /// `nil` for UNSPECIFIED.
    static func joinPolicy(_ policy: Hearth_Member_V1_JoinPolicy, field: String) throws(RPCError) -> JoinPolicy? {
        switch policy {
        case .unspecified: nil
        case .open: .open
        case .approval: .approval
        case .inviteOnly: .inviteOnly
        case .paid: .paid
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    /// `nil` for UNSPECIFIED.
    static func structure(_ structure: Hearth_Member_V1_CommunityStructure, field: String) throws(RPCError)
        -> CommunityStructure?
    {
        switch structure {
        case .unspecified: nil
        case .ring: .ring
        case .pyramid: .pyramid
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    /// `nil` for UNSPECIFIED.
    static func visibility(_ visibility: Hearth_Member_V1_CommunityVisibility, field: String) throws(RPCError)
        -> CommunityVisibility?
    {
        switch visibility {
        case .unspecified: nil
        case .inner: .inner
        case .outer: .outer
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func role(_ role: CommunityRole) -> Hearth_Member_V1_CommunityRole {
        switch role {
        case .owner: .owner
        case .admin: .admin
        case .core: .core
        case .regular: .regular
        }
    }

    /// `nil` for UNSPECIFIED.
    static func role(_ role: Hearth_Member_V1_CommunityRole, field: String) throws(RPCError) -> CommunityRole? {
        switch role {
        case .unspecified: nil
        case .owner: .owner
        case .admin: .admin
        case .core: .core
        case .regular: .regular
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func status(_ status: MembershipStatus) -> Hearth_Member_V1_MembershipStatus {
        switch status {
        case .pending: .pending
        case .active: .active
        case .left: .left
        case .removed: .removed
        case .banned: .banned
        }
    }

    /// `nil` for UNSPECIFIED.
    static func status(_ status: Hearth_Member_V1_MembershipStatus, field: String) throws(RPCError)
        -> MembershipStatus?
    {
        switch status {
        case .unspecified: nil
        case .pending: .pending
        case .active: .active
        case .left: .left
        case .removed: .removed
        case .banned: .banned
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func socialRole(_ role: Membership.SocialRole) -> Hearth_Common_V1_SocialRole {
        switch role {
        case .organizer: .organizer
        case .thinker: .thinker
        case .energizer: .energizer
        case .asker: .asker
        case .lurker: .lurker
        case .challenger: .challenger
        }
    }

    /// `nil` for UNSPECIFIED.
    static func socialRole(_ role: Hearth_Common_V1_SocialRole, field: String) throws(RPCError)
        -> Membership.SocialRole?
    {
        switch role {
        case .unspecified: nil
        case .organizer: .organizer
        case .thinker: .thinker
        case .energizer: .energizer
        case .asker: .asker
        case .lurker: .lurker
        case .challenger: .challenger
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func moderationKind(_ kind: ModerationActionKind) -> Hearth_Member_V1_ModerationActionKind {
        switch kind {
        case .warn: .warn
        case .mute: .mute
        case .remove: .remove
        case .ban: .ban
        case .unmute: .unmute
        case .unban: .unban
        }
    }

    /// `nil` for UNSPECIFIED.
    static func moderationKind(_ kind: Hearth_Member_V1_ModerationActionKind, field: String) throws(RPCError)
        -> ModerationActionKind?
    {
        switch kind {
        case .unspecified: nil
        case .warn: .warn
        case .mute: .mute
        case .remove: .remove
        case .ban: .ban
        case .unmute: .unmute
        case .unban: .unban
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    /// Every value of a repeated enumeration field, refusing UNSPECIFIED (it filters nothing).
    static func all<Message, Value>(
        _ values: [Message], field: String, _ convert: (Message, String) throws(RPCError) -> Value?
    ) throws(RPCError) -> [Value] {
        var converted: [Value] = []
        for (index, value) in values.enumerated() {
            guard let known = try convert(value, "\(field)[\(index)]") else {
                throw missing("\(field)[\(index)]", "\(field)[\(index)] is UNSPECIFIED; leave it out instead")
            }
            converted.append(known)
        }
        return converted
    }
}
