import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Referral codes, tree nodes, tree cursors and referral refusals between the wire and the domain.
enum ReferralMessages {
    // MARK: Domain to messages

    static func code(_ record: ReferralCodeRecord) -> Hearth_Campaign_V1_ReferralCode {
        var message = Hearth_Campaign_V1_ReferralCode()
        message.code = record.code.text
        message.campaignID = record.campaignID.description
        message.memberID = record.memberID.description
        message.referredCount = record.referredCount
        message.createdAt = Google_Protobuf_Timestamp(date: record.createdAt)
        return message
    }

    static func node(_ node: ReferralNode) -> Hearth_Campaign_V1_ReferralNode {
        var message = Hearth_Campaign_V1_ReferralNode()
        message.memberID = node.memberID.description
        message.referrerMemberID = node.referrerMemberID?.description ?? ""
        message.depth = Int32(clamping: node.depth)
        message.code = node.code?.text ?? ""
        message.referredAt = Google_Protobuf_Timestamp(date: node.referredAt)
        message.directCount = node.directCount
        message.descendantCount = node.descendantCount
        return message
    }

    /// A refusal with its code and stable reason.
    static func status(_ refusal: ReferralRefusal) -> RPCError {
        RPCError(
            code: refusal.code == .alreadyExists ? .alreadyExists : .failedPrecondition, message: refusal.message,
            reason: refusal.reason.rawValue)
    }

    // MARK: Messages to domain

    /// A required member id.
    static func memberID(_ text: String, field: String) throws(RPCError) -> MemberID {
        guard !text.isEmpty else { throw CampaignMessages.missing(field, "\(field) is required: name the member") }
        guard let id = MemberID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "member") }
        return id
    }

    /// A required referral code, read as typed (case-insensitive); `code_invalid` when it cannot be one.
    static func referralCode(_ text: String, field: String) throws(RPCError) -> ReferralCode {
        guard !text.isEmpty else {
            throw CampaignMessages.missing(field, "\(field) is required: the referral code the newcomer came with")
        }
        do throws(DomainError) {
            return try ReferralCode(validating: text)
        } catch {
            throw CampaignMessages.invalid(error, field: field, reason: "code_invalid")
        }
    }

    // MARK: Tree cursor

    /// The cursor after `node`: its depth, join time (microseconds) and member id, opaque to clients.
    /// PageCursor carries a time and UUIDs only; the tree's order needs the depth first.
    static func treeCursor(after node: ReferralNode) -> String {
        let micros = Int64((node.referredAt.timeIntervalSince1970 * 1_000_000).rounded())
        return Data("\(node.depth)/\(micros)/\(node.memberID)".utf8).base64EncodedString()
    }

    /// `nil` for an empty cursor; `invalid_cursor` for one GetReferralTree did not issue.
    static func treeCursor(_ text: String) throws(RPCError) -> ReferralTreeCursor? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw invalidCursor()
        }
        let parts = plain.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let depth = Int(parts[0]), depth >= 0, let micros = Int64(parts[1]),
            let member = MemberID(parts[2])
        else { throw invalidCursor() }
        return ReferralTreeCursor(
            depth: depth, referredAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), memberID: member)
    }

    private static func invalidCursor() -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor GetReferralTree issued",
            reason: "invalid_cursor", fields: ["page.cursor": "not issued by GetReferralTree"])
    }
}
