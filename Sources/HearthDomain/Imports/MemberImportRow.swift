import Foundation

/// One member row of an import: the values as the source gave them until ``normalised(region:)``,
/// which checks each and returns the row as it will be stored (phones in E.164, emails lowercased).
///
/// Identities and consents are flat fields rather than lists: a row names at most one handle of
/// each kind, and a second one is refused instead of one of them being dropped.
public struct MemberImportRow: Sendable, Hashable {
    public var rowNumber: Int64
    public var displayName: String?
    public var phone: String?
    public var email: String?
    public var province: String?
    public var city: String?
    public var organisationKind: String?
    public var tags: [String] = []
    public var interests: [String] = []
    public var sourceChannel: SourceChannel?
    public var vipTier: Int?
    public var lifecycleStage: LifecycleStage?
    public var wechatID: String?
    public var qqID: String?
    public var dingtalkID: String?
    /// Consent decisions by channel ("sms", "im", "phone").
    public var smsConsent: Bool?
    public var imConsent: Bool?
    public var phoneConsent: Bool?

    public init(rowNumber: Int64) { self.rowNumber = rowNumber }

    /// The row with every value checked and in stored form, or the first problem found.
    public func normalised(region: PhoneRegion) throws(ImportRejection) -> MemberImportRow {
        var row = self
        row.displayName = try text(displayName, field: "display_name", limit: 200, code: "name_too_long")
        if let phone = Self.nonBlank(phone) {
            do {
                row.phone = try PhoneNumber(parsing: phone, defaultRegion: region).description
            } catch {
                throw reject("phone", "phone_invalid", "phone \"\(phone)\": \(error.message)")
            }
        } else {
            row.phone = nil
        }
        if let email = Self.nonBlank(email)?.lowercased() {
            guard email.count <= 254, Self.looksLikeEmail(email) else {
                throw reject("email", "email_invalid", "email \"\(email)\" is not an address like name@example.com")
            }
            row.email = email
        } else {
            row.email = nil
        }
        row.province = try text(province, field: "province", limit: 64, code: "province_too_long")
        row.city = try text(city, field: "city", limit: 64, code: "city_too_long")
        row.organisationKind = try text(organisationKind, field: "org_kind", limit: 64, code: "org_kind_too_long")
        row.tags = try labels(tags, field: "tags")
        row.interests = try labels(interests, field: "interests")
        if let tier = vipTier, !(0...9).contains(tier) {
            throw reject("vip_tier", "vip_tier_invalid", "VIP tier must be between 0 and 9, not \(tier)")
        }
        row.wechatID = try text(wechatID, field: "wechat", limit: 256, code: "identity_too_long")
        row.qqID = try text(qqID, field: "qq", limit: 256, code: "identity_too_long")
        row.dingtalkID = try text(dingtalkID, field: "dingtalk", limit: 256, code: "identity_too_long")
        // Without a handle a re-run could not find the member again and would add it twice.
        guard row.hasHandle else {
            throw reject(
                nil, "handle_missing", "the row has no phone, WeChat, QQ or DingTalk id to recognise the member by")
        }
        return row
    }

    /// Whether the row names anything an existing member could be found by.
    public var hasHandle: Bool { phone != nil || wechatID != nil || qqID != nil || dingtalkID != nil }

    private func reject(_ field: String?, _ code: String, _ reason: String) -> ImportRejection {
        ImportRejection(rowNumber: rowNumber, field: field, code: code, reason: reason)
    }

    private func text(_ value: String?, field: String, limit: Int, code: String) throws(ImportRejection) -> String? {
        guard let value = Self.nonBlank(value) else { return nil }
        guard value.count <= limit else {
            throw reject(field, code, "\(field) may have at most \(limit) characters, this has \(value.count)")
        }
        return value
    }

    /// Labels trimmed, blanks dropped, repeats kept once (first place wins).
    private func labels(_ values: [String], field: String) throws(ImportRejection) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values {
            guard let label = Self.nonBlank(value) else { continue }
            guard label.count <= 64 else {
                throw reject(field, "label_too_long", "\(field) \"\(label)\" is longer than 64 characters")
            }
            if seen.insert(label).inserted { result.append(label) }
        }
        guard result.count <= 256 else {
            throw reject(field, "too_many_labels", "at most 256 \(field) per member, this row has \(result.count)")
        }
        return result
    }

    static func nonBlank(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmedOfWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains(where: { $0.isWhitespace })
    }
}
