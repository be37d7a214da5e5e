/// Deterministic member rows for load benchmarks: the CSV for `psql \copy` and the rows Hearth
/// sends are the same data.
struct GeneratedMember {
    static let tenant = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
    static let provinces = ["Sichuan", "Guangdong", "Zhejiang", "Jiangsu", "Shandong", "Henan", "Hubei", "Hunan"]
    static let cities = ["成都", "绵阳", "广州", "深圳", "杭州", "南京", "济南", "郑州", "武汉", "长沙"]
    static let kinds = ["pharmacy", "clinic", "individual", "hospital"]
    static let tagSets = ["{}", "{vip}", "{core,vip}", "{\"new\"}", "{core}"]

    let index: Int

    var memberID: String {
        // A UUID whose last 12 hex digits are the index: unique and cheap.
        let hex = String(index, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
    var displayName: String { "会员 \(index) Member" }
    var phone: String { "+86138\(String(10_000_000 + index % 90_000_000))" }
    var province: String { Self.provinces[index % Self.provinces.count] }
    var city: String { Self.cities[index % Self.cities.count] }
    var organisationKind: String { Self.kinds[index % Self.kinds.count] }
    var tags: String { Self.tagSets[index % Self.tagSets.count] }
    var vipTier: Int { index % 4 }
    var totalSpendFen: Int { (index * 7919) % 5_000_000 }
    var createdAt: String { "2026-0\(1 + index % 9)-1\(index % 9) 10:00:00+08" }

    /// The fields in column order, as text.
    var fields: [String] {
        [
            Self.tenant, memberID, displayName, phone, province, city, organisationKind, tags, String(vipTier),
            String(totalSpendFen), createdAt,
        ]
    }
}
