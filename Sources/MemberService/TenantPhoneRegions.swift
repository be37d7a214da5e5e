import Foundation
import HearthDomain
import HearthStore

/// Each tenant's phone region, read from its settings and kept for a minute, so normalising a
/// phone costs no query on most calls and a changed setting applies within a minute.
actor TenantPhoneRegions {
    private let tenants: TenantStore
    private var cached: [TenantID: (region: PhoneRegion, readAt: ContinuousClock.Instant)] = [:]
    static let lifetime = Duration.seconds(60)

    init(tenants: TenantStore) { self.tenants = tenants }

    func region(of tenant: TenantID) async throws -> PhoneRegion {
        if let entry = cached[tenant], ContinuousClock.now - entry.readAt < Self.lifetime { return entry.region }
        let region = try await tenants.phoneRegion(of: tenant)
        cached[tenant] = (region, .now)
        return region
    }
}
