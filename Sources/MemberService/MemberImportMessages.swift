import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Mapping of ImportMembers' messages to the domain's import rows and back.
enum MemberImportMessages {
    /// The profile fields an import writes: those the options list, or all when none are listed.
    static func fields(_ mask: Google_Protobuf_FieldMask) throws(RPCError) -> Set<MemberImportField> {
        guard !mask.paths.isEmpty else { return Set(MemberImportField.allCases) }
        var fields = Set<MemberImportField>()
        for path in mask.paths {
            guard let field = MemberImportField(rawValue: path) else {
                let known = MemberImportField.allCases.map(\.rawValue).joined(separator: ", ")
                throw RPCError(
                    code: .invalidArgument, message: "options.fields: \"\(path)\" is not a profile field (\(known))",
                    reason: "field_unknown", fields: ["options.fields": path])
            }
            fields.insert(field)
        }
        return fields
    }

    /// The row as the client sent it, restricted to `fields`; a second handle of one kind, or a
    /// value the protocol cannot carry, refuses the row.
    static func row(
        _ message: Hearth_Member_V1_MemberImportRow, fields: Set<MemberImportField>
    ) throws(ImportRejection) -> MemberImportRow {
        let profile = message.profile
        var row = MemberImportRow(rowNumber: message.rowNumber)
        func listed(_ field: MemberImportField) -> Bool { fields.contains(field) }
        if listed(.displayName) { row.displayName = profile.displayName }
        if listed(.phone) { row.phone = profile.phone }
        if listed(.email) { row.email = profile.email }
        if listed(.province) { row.province = profile.region.province }
        if listed(.city) { row.city = profile.region.city }
        if listed(.organisationKind) { row.organisationKind = profile.orgKind }
        if listed(.tags) { row.tags = profile.tags }
        if listed(.interests) { row.interests = profile.interests }
        if listed(.vipTier) { row.vipTier = Int(profile.vipTier) }
        do {
            if listed(.sourceChannel) { row.sourceChannel = try MemberMessages.sourceChannel(profile.sourceChannel) }
            if listed(.lifecycleStage) {
                row.lifecycleStage = try MemberMessages.lifecycleStage(profile.lifecycleStage)
            }
        } catch {
            throw ImportRejection(rowNumber: row.rowNumber, field: nil, code: "value_unknown", reason: error.message)
        }
        for identity in message.identities {
            try add(identity, to: &row)
        }
        for consent in message.consents {
            switch consent.channel {
            case .sms: row.smsConsent = try once(row.smsConsent, consent.granted, "consent_sms", row)
            case .im: row.imConsent = try once(row.imConsent, consent.granted, "consent_im", row)
            case .phone: row.phoneConsent = try once(row.phoneConsent, consent.granted, "consent_phone", row)
            case .unspecified, .UNRECOGNIZED:
                throw ImportRejection(
                    rowNumber: row.rowNumber, field: "consents", code: "consent_channel_unknown",
                    reason: "a consent needs its channel: sms, im or phone")
            }
        }
        return row
    }

    private static func add(_ identity: Hearth_Member_V1_IdentityRef, to row: inout MemberImportRow)
        throws(ImportRejection)
    {
        let value = identity.value
        switch identity.kind {
        case .phone: row.phone = try once(nonBlank(row.phone), value, "phone", row)
        case .email: row.email = try once(nonBlank(row.email), value, "email", row)
        case .wechat: row.wechatID = try once(row.wechatID, value, "wechat", row)
        case .qq: row.qqID = try once(row.qqID, value, "qq", row)
        case .dingtalk: row.dingtalkID = try once(row.dingtalkID, value, "dingtalk", row)
        case .unspecified, .UNRECOGNIZED:
            throw ImportRejection(
                rowNumber: row.rowNumber, field: "identities", code: "identity_kind_unknown",
                reason: "an identity needs its kind: phone, wechat, qq, dingtalk or email")
        }
    }

    /// `new`, unless the row already has a different value for the field.
    private static func once<Value: Equatable>(
        _ current: Value?, _ new: Value, _ field: String, _ row: MemberImportRow
    ) throws(ImportRejection) -> Value {
        if let current, current != new {
            throw ImportRejection(
                rowNumber: row.rowNumber, field: field, code: "value_repeated",
                reason: "the row gives two different values for \(field)")
        }
        return new
    }

    private static func nonBlank(_ text: String?) -> String? {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return nil }
        return text
    }

    static func rejectedRow(_ rejection: ImportRejection) -> Hearth_Member_V1_RejectedRow {
        var row = Hearth_Member_V1_RejectedRow()
        row.rowNumber = rejection.rowNumber
        row.field = rejection.field ?? ""
        row.reasonCode = rejection.code
        row.reason = rejection.reason
        return row
    }
}
