import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the messages of identities, consents, merges and lookups and the domain, in
/// one place (``MemberMessages`` maps profiles and filters).
enum MemberIdentityMessages {
    // MARK: Members

    /// Whether a request asks for the full view (identities and consents); UNSPECIFIED is BASIC.
    static func full(_ view: Hearth_Member_V1_MemberView) throws(RPCError) -> Bool {
        switch view {
        case .unspecified, .basic: return false
        case .full: return true
        case .UNRECOGNIZED(let value):
            throw RPCError(
                code: .invalidArgument, message: "view \(value) is unknown; use MEMBER_VIEW_BASIC or MEMBER_VIEW_FULL",
                reason: "view_invalid", fields: ["view": "unknown value \(value)"])
        }
    }

    /// A member with its state fields; identities and consents when the record was loaded in full.
    static func member(_ record: MemberRecord) -> Hearth_Member_V1_Member {
        var message = MemberMessages.member(record.member)
        if let erasedAt = record.erasedAt { message.erasedAt = Google_Protobuf_Timestamp(date: erasedAt) }
        message.mergedIntoMemberID = record.mergedInto?.description ?? ""
        message.updatedAt = Google_Protobuf_Timestamp(date: record.updatedAt)
        message.identities = record.identities.map { identity($0) }
        message.consents = record.consents.map { consent($0) }
        message.metrics.engagementScore = record.scores.engagementScore
        message.metrics.socialRole = record.scores.socialRole.map(CommunityMessages.socialRole) ?? .unspecified
        if let risk = record.scores.churnRisk { message.metrics.churnRisk = risk }
        return message
    }

    // MARK: Identities

    /// The normalised handle a request names; `field` is the request field, e.g. "identity".
    static func identity(
        _ ref: Hearth_Member_V1_IdentityRef, field: String, region: PhoneRegion
    ) throws(RPCError) -> Identity {
        guard let kind = identityKind(ref.kind) else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(field).kind is required: phone, wechat, qq, dingtalk or email",
                reason: "identity_kind_missing", fields: ["\(field).kind": "unspecified or unknown"])
        }
        do {
            return try Identity(kind: kind, parsing: ref.value, phoneRegion: region)
        } catch {
            throw RPCError(
                code: .invalidArgument, message: error.message,
                reason: kind == .phone ? "phone_invalid" : "identity_invalid",
                fields: ["\(field).value": error.message])
        }
    }

    static func identityKind(_ kind: Hearth_Member_V1_IdentityKind) -> IdentityKind? {
        switch kind {
        case .phone: .phone
        case .wechat: .wechat
        case .qq: .qq
        case .dingtalk: .dingtalk
        case .email: .email
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    static func identityKind(_ kind: IdentityKind) -> Hearth_Member_V1_IdentityKind {
        switch kind {
        case .phone: .phone
        case .wechat: .wechat
        case .qq: .qq
        case .dingtalk: .dingtalk
        case .email: .email
        }
    }

    static func identity(_ held: MemberIdentity) -> Hearth_Member_V1_Identity {
        var message = Hearth_Member_V1_Identity()
        message.kind = identityKind(held.identity.kind)
        message.value = held.identity.value
        message.memberID = held.memberID.description
        message.verified = held.verified
        message.createdAt = Google_Protobuf_Timestamp(date: held.createdAt)
        return message
    }

    static func identityRef(_ identity: Identity) -> Hearth_Member_V1_IdentityRef {
        var message = Hearth_Member_V1_IdentityRef()
        message.kind = identityKind(identity.kind)
        message.value = identity.value
        return message
    }

    /// ALREADY_EXISTS naming the holder in ErrorDetail.metadata "member_id", as the API promises.
    static func taken(_ taken: IdentityTaken, field: String) -> RPCError {
        RPCError(
            code: .alreadyExists, message: taken.description, reason: "identity_taken",
            fields: [field: "held by member \(taken.holder)"], facts: ["member_id": taken.holder.description])
    }

    // MARK: Consents

    static func consentChannel(_ channel: Hearth_Common_V1_ConsentChannel) -> ConsentChannel? {
        switch channel {
        case .sms: .sms
        case .im: .im
        case .phone: .phone
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    static func consentChannel(_ channel: ConsentChannel) -> Hearth_Common_V1_ConsentChannel {
        switch channel {
        case .sms: .sms
        case .im: .im
        case .phone: .phone
        }
    }

    /// The decision a request records; `changed_at` defaults to `now`.
    static func decision(_ input: Hearth_Member_V1_ConsentInput, field: String, now: Date) throws(RPCError)
        -> ConsentDecision
    {
        guard let channel = consentChannel(input.channel) else {
            throw RPCError(
                code: .invalidArgument, message: "\(field).channel is required: sms, im or phone",
                reason: "consent_channel_missing", fields: ["\(field).channel": "unspecified or unknown"])
        }
        let decision = ConsentDecision(
            channel: channel, granted: input.granted, source: input.source,
            changedAt: input.hasChangedAt ? input.changedAt.date : now)
        do {
            try decision.validate(now: now)
        } catch {
            let at = error.message.contains("future") ? "\(field).changed_at" : "\(field).source"
            throw RPCError(
                code: .invalidArgument, message: error.message, reason: "consent_invalid", fields: [at: error.message])
        }
        return decision
    }

    static func consent(_ decision: ConsentDecision) -> Hearth_Common_V1_Consent {
        var message = Hearth_Common_V1_Consent()
        message.channel = consentChannel(decision.channel)
        message.granted = decision.granted
        message.source = decision.source
        message.operatorID = decision.operatorID?.uuidString.lowercased() ?? ""
        message.changedAt = Google_Protobuf_Timestamp(date: decision.changedAt)
        return message
    }

    static func change(_ change: HearthDomain.ConsentChange) -> Hearth_Member_V1_ConsentChange {
        var message = Hearth_Member_V1_ConsentChange()
        message.changeID = change.id.uuidString.lowercased()
        message.channel = consentChannel(change.decision.channel)
        message.granted = change.decision.granted
        message.source = change.decision.source
        message.operatorID = change.decision.operatorID?.uuidString.lowercased() ?? ""
        message.changedAt = Google_Protobuf_Timestamp(date: change.decision.changedAt)
        message.recordedAt = Google_Protobuf_Timestamp(date: change.recordedAt)
        return message
    }

    // MARK: Duplicates

    static func group(_ group: HearthStore.DuplicateGroup) -> Hearth_Member_V1_DuplicateGroup {
        var message = Hearth_Member_V1_DuplicateGroup()
        message.memberIds = group.memberIDs.map(\.description)
        message.shared = group.shared.map { identityRef($0) }
        return message
    }

    // MARK: Requests

    /// A free-text reason of a request: trimmed, empty as `nil`, at most `limit` characters.
    static func reason(_ text: String, field: String = "reason", limit: Int = 2000) throws(RPCError) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.unicodeScalars.count <= limit else {
            throw RPCError(
                code: .invalidArgument, message: "\(field) has at most \(limit) characters",
                reason: "reason_too_long", fields: [field: "over \(limit) characters"])
        }
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The page size a PageRequest asks for: 0 is the default of 50, above 500 is 500.
    static func pageSize(_ page: Hearth_Common_V1_PageRequest) -> Int {
        page.pageSize <= 0 ? 50 : Int(min(page.pageSize, 500))
    }
}

/// Opaque page cursors of the lists ordered by a time and an id (consent history, duplicate
/// groups). Each list has its own tag, so one list's cursor is refused by another.
enum TimeAndIDCursor {
    static func encode(_ tag: String, at date: Date, id: UUID) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return Data("\(tag)/\(micros)/\(id.uuidString.lowercased())".utf8).base64EncodedString()
    }

    static func decode(_ tag: String, _ text: String) throws(RPCError) -> (date: Date, id: UUID)? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw invalid()
        }
        let parts = plain.split(separator: "/")
        guard parts.count == 3, parts[0] == tag, let micros = Int64(parts[1]),
            let id = UUID(uuidString: String(parts[2]))
        else { throw invalid() }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), id)
    }

    private static func invalid() -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor this list issued", reason: "invalid_cursor",
            fields: ["page.cursor": "not issued by this list"])
    }
}
