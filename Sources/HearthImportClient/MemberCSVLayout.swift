import Foundation
import HearthDomain
public import HearthProtos
public import SwiftProtobuf

/// How the columns of a member CSV map to the import's fields, read from the header row.
/// Column names are matched without regard to case, in English or in Chinese
/// (`phone`, `手机号`, …); columns that match nothing are listed in ``unknownColumns``.
public struct MemberCSVLayout: Sendable {
    /// What a column holds.
    enum Column: String, CaseIterable, Sendable {
        case displayName = "display_name"
        case phone, email, province, city
        case organisationKind = "org_kind"
        case tags, interests
        case sourceChannel = "source_channel"
        case vipTier = "vip_tier"
        case lifecycleStage = "lifecycle_stage"
        case wechat, qq, dingtalk
        case smsConsent = "consent_sms"
        case imConsent = "consent_im"
        case phoneConsent = "consent_phone"

        /// The names a header may give the column, lowercased.
        var names: [String] {
            switch self {
            case .displayName: ["display_name", "name", "姓名", "名字", "昵称"]
            case .phone: ["phone", "mobile", "phone_number", "手机", "手机号", "电话"]
            case .email: ["email", "邮箱"]
            case .province: ["province", "region.province", "省份", "省"]
            case .city: ["city", "region.city", "城市", "市"]
            case .organisationKind: ["org_kind", "organisation_kind", "organization_kind", "机构类型"]
            case .tags: ["tags", "标签"]
            case .interests: ["interests", "兴趣"]
            case .sourceChannel: ["source_channel", "source", "来源"]
            case .vipTier: ["vip_tier", "vip", "会员等级"]
            case .lifecycleStage: ["lifecycle_stage", "lifecycle", "stage", "生命周期"]
            case .wechat: ["wechat", "wechat_id", "微信", "微信号"]
            case .qq: ["qq", "qq号"]
            case .dingtalk: ["dingtalk", "dingtalk_id", "钉钉"]
            case .smsConsent: ["consent_sms", "sms_consent"]
            case .imConsent: ["consent_im", "im_consent"]
            case .phoneConsent: ["consent_phone", "phone_consent"]
            }
        }

        /// The profile field (FieldMask path) the column writes, if it writes one.
        var profileField: String? {
            switch self {
            case .province: "region.province"
            case .city: "region.city"
            case .wechat, .qq, .dingtalk, .smsConsent, .imConsent, .phoneConsent: nil
            default: rawValue
            }
        }
    }

    let columns: [Column?]
    /// Header names that match no field; their values are not imported.
    public let unknownColumns: [String]

    /// The layout of `header`; fails when a field is named twice or nothing names a member.
    public init(header: [String]) throws(MemberCSVLayoutError) {
        try MemberCSVLayoutError.refuseNonUTF8(header)
        var columns: [Column?] = []
        var unknown: [String] = []
        var seen: [Column: String] = [:]
        for name in header {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let column = Column.allCases.first(where: { $0.names.contains(key) }) else {
                columns.append(nil)
                if !key.isEmpty { unknown.append(name) }
                continue
            }
            if let earlier = seen[column] {
                throw MemberCSVLayoutError(
                    message: "columns \"\(earlier)\" and \"\(name)\" both hold \(column.rawValue); keep one")
            }
            seen[column] = name
            columns.append(column)
        }
        let handles: [Column] = [.phone, .wechat, .qq, .dingtalk]
        guard handles.contains(where: { seen[$0] != nil }) else {
            throw MemberCSVLayoutError(
                message: "the header names no phone, wechat, qq or dingtalk column, so no row could be matched "
                    + "to a member; columns found: \(header.joined(separator: ", "))")
        }
        self.columns = columns
        self.unknownColumns = unknown
    }

    /// The profile fields the file provides, for the import's options.
    public var fieldMask: Google_Protobuf_FieldMask {
        var mask = Google_Protobuf_FieldMask()
        mask.paths = columns.compactMap { $0?.profileField }
        return mask
    }

    /// The import row for `record`, or why it cannot be sent.
    public func row(_ record: CSVRecord) -> Result<Hearth_Member_V1_MemberImportRow, CSVRowRejection> {
        func reject(_ field: String?, _ code: String, _ reason: String) -> Result<
            Hearth_Member_V1_MemberImportRow, CSVRowRejection
        > {
            .failure(CSVRowRejection(rowNumber: record.number, field: field, code: code, reason: reason))
        }
        guard !record.hasInvalidUTF8 else {
            return reject(nil, "encoding_invalid", "the row is not UTF-8 text; save the file as UTF-8 (CSV UTF-8)")
        }
        guard record.fields.count == columns.count else {
            return reject(
                nil, "column_count",
                "the row has \(record.fields.count) fields and the header \(columns.count) (line \(record.line))")
        }
        var row = Hearth_Member_V1_MemberImportRow()
        row.rowNumber = record.number
        for (column, raw) in zip(columns, record.fields) {
            guard let column else { continue }
            let value = raw.trimmedOfWhitespace
            guard !value.isEmpty else { continue }
            switch column {
            case .displayName: row.profile.displayName = value
            case .phone: row.profile.phone = value
            case .email: row.profile.email = value
            case .province: row.profile.region.province = value
            case .city: row.profile.region.city = value
            case .organisationKind: row.profile.orgKind = value
            case .tags: row.profile.tags = Self.labels(value)
            case .interests: row.profile.interests = Self.labels(value)
            case .sourceChannel:
                guard let channel = Self.sourceChannels[value.lowercased()] else {
                    return reject(
                        "source_channel", "value_unknown",
                        "source_channel \"\(value)\" is not one of \(Self.sourceChannels.keys.sorted().joined(separator: ", "))"
                    )
                }
                row.profile.sourceChannel = channel
            case .vipTier:
                guard let tier = Int32(value), (0...9).contains(tier) else {
                    return reject("vip_tier", "vip_tier_invalid", "vip_tier \"\(value)\" is not a number from 0 to 9")
                }
                row.profile.vipTier = tier
            case .lifecycleStage:
                guard let stage = Self.lifecycleStages[value.lowercased()] else {
                    return reject(
                        "lifecycle_stage", "value_unknown",
                        "lifecycle_stage \"\(value)\" is not one of \(Self.lifecycleStages.keys.sorted().joined(separator: ", "))"
                    )
                }
                row.profile.lifecycleStage = stage
            case .wechat, .qq, .dingtalk:
                var identity = Hearth_Member_V1_IdentityRef()
                identity.kind = column == .wechat ? .wechat : column == .qq ? .qq : .dingtalk
                identity.value = value
                row.identities.append(identity)
            case .smsConsent, .imConsent, .phoneConsent:
                guard let granted = Self.yesNo[value.lowercased()] else {
                    return reject(
                        column.rawValue, "consent_invalid", "\(column.rawValue) \"\(value)\" is not yes or no")
                }
                var consent = Hearth_Member_V1_ConsentInput()
                consent.channel = column == .smsConsent ? .sms : column == .imConsent ? .im : .phone
                consent.granted = granted
                consent.source = "import"
                row.consents.append(consent)
            }
        }
        return .success(row)
    }

    /// Labels in one cell, separated by semicolons, commas or 、 (ASCII or full-width).
    static func labels(_ cell: String) -> [String] {
        cell.split(whereSeparator: { ";,|、，；".contains($0) })
            .map(\.trimmedOfWhitespace).filter { !$0.isEmpty }
    }

    static let sourceChannels: [String: Hearth_Common_V1_SourceChannel] = [
        "qr_poster": .qrPoster, "phone_invite": .phoneInvite, "official_account": .officialAccount,
        "weibo": .weibo, "offline_sales": .offlineSales, "referral": .referral, "import": .import, "other": .other,
    ]
    static let lifecycleStages: [String: Hearth_Common_V1_LifecycleStage] = [
        "audience": .audience, "user": .user, "fan": .fan, "community": .community, "lapsed": .lapsed,
    ]
    static let yesNo: [String: Bool] = [
        "yes": true, "y": true, "true": true, "1": true, "是": true, "同意": true,
        "no": false, "n": false, "false": false, "0": false, "否": false, "拒绝": false,
    ]
}

/// The header cannot be used: the message says what to change in the file.
public struct MemberCSVLayoutError: Error, Sendable {
    public var message: String

    /// Refuses a header that is not UTF-8 (its bytes read as U+FFFD): most often a GBK file, as
    /// Excel saves CSV in China, whose Chinese column names would otherwise be "unknown columns".
    static func refuseNonUTF8(_ header: [String]) throws(MemberCSVLayoutError) {
        guard header.contains(where: { $0.contains("\u{FFFD}") }) else { return }
        throw MemberCSVLayoutError(
            message: "the file is not UTF-8 text (Excel in China saves CSV as GBK): save it as "
                + "\"CSV UTF-8 (comma delimited)\" and import it again")
    }
}

/// A row refused before it was sent, reported like the service's own rejects.
public struct CSVRowRejection: Error, Sendable {
    public var rowNumber: Int64
    public var field: String?
    public var code: String
    public var reason: String
}
