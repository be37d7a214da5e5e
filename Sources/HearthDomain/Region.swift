/// A member's province and city, as operators segment by them ("Sichuan pharmacies").
public struct Region: Hashable, Sendable, Codable {
    public var province: String?
    public var city: String?

    public init(province: String? = nil, city: String? = nil) {
        self.province = province
        self.city = city
    }
}
