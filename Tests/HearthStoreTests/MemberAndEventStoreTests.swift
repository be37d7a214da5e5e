import Foundation
import HearthDomain
import HearthPostgres
import HearthStore
import HearthTestSupport
import Testing

@Suite("Members and events in the store")
struct MemberAndEventStoreTests {
    /// Whole milliseconds, so the microsecond round trip compares equal.
    static func instant(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

    @Test func aMemberRoundTripsWithEveryField() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let tenant = try await TenantStore(pool: pool).create(slug: "acme", name: "Acme")
            let member = Member(
                tenantID: tenant, displayName: "王药师 🌿", phone: "+8613800138000", email: "wang@example.cn",
                region: Region(province: "Sichuan", city: "成都"), organisationKind: "pharmacy", tags: ["vip", "核心"],
                interests: ["diabetes"], sourceChannel: .qrPoster, vipTier: 2, lifecycleStage: .fan,
                totals: MemberTotals(
                    totalSpendFen: 1_234_500, orderCount: 3, lastPurchaseAt: Self.instant(1_790_000_000.25),
                    lastActiveAt: Self.instant(1_790_000_100)),
                createdAt: Self.instant(1_780_000_000.5))
            let store = MemberStore(pool: pool)
            try await store.insert(member)
            #expect(try await store.member(member.id, tenant: tenant) == member)

            let duplicate = Member(tenantID: tenant, displayName: "Other", phone: "+8613800138000")
            let error = await #expect(throws: PostgresError.self) { try await store.insert(duplicate) }
            #expect(error?.code == .uniqueViolation)

            let invalid = Member(tenantID: tenant, displayName: "   ")
            await #expect(throws: DomainError.self) { try await store.insert(invalid) }
            await pool.close()
        }
    }

    @Test func listingPagesByCursor() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let tenant = try await TenantStore(pool: pool).create(slug: "acme", name: "Acme")
            let store = MemberStore(pool: pool)
            for n in 0..<25 { try await store.insert(Member(tenantID: tenant, displayName: "Member \(n)")) }
            var seen: [MemberID] = []
            var cursor: MemberID?
            while true {
                let page = try await store.list(tenant: tenant, after: cursor, limit: 10)
                if page.isEmpty { break }
                seen += page.map(\.id)
                cursor = page.last?.id
            }
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
            await pool.close()
        }
    }

    @Test func aRetriedEventBatchNeverCountsTwice() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool()
            let tenant = try await TenantStore(pool: pool).create(slug: "acme", name: "Acme")
            let member = Member(tenantID: tenant, displayName: "Li")
            try await MemberStore(pool: pool).insert(member)
            let events = EventStore(pool: pool)
            let batch = [
                MemberEvent(
                    tenantID: tenant, memberID: member.id, kind: .message, occurredAt: Self.instant(1_790_000_000),
                    idempotencyKey: "msg-1"),
                MemberEvent(
                    tenantID: tenant, memberID: member.id, kind: .purchase, occurredAt: Self.instant(1_790_000_060),
                    amountFen: 19_900, idempotencyKey: "order-88"),
                // Far in the future: lands in the default partition instead of being refused.
                MemberEvent(
                    tenantID: tenant, memberID: member.id, kind: .checkIn, occurredAt: Self.instant(1_950_000_000),
                    idempotencyKey: "checkin-2031"),
            ]
            #expect(try await events.record(batch, tenant: tenant) == EventRecordOutcome(inserted: 3, duplicates: 0))
            // The same batch again, e.g. after a timeout: nothing new.
            #expect(try await events.record(batch, tenant: tenant) == EventRecordOutcome(inserted: 0, duplicates: 3))
            let stored = try await events.events(of: member.id, tenant: tenant)
            #expect(stored.map(\.idempotencyKey) == ["checkin-2031", "order-88", "msg-1"])
            #expect(stored.first { $0.kind == .purchase }?.amountFen == 19_900)
            #expect(Set(stored.map(\.id)) == Set(batch.map(\.id)))

            let partition = try await pool.withTenant(tenant) { connection in
                try await connection.query(
                    "SELECT tableoid::regclass::text FROM events WHERE idempotency_key = 'checkin-2031'")
            }
            #expect(try partition[0].decode(String.self, at: 0) == "events_default")

            let badPurchase = MemberEvent(
                tenantID: tenant, memberID: member.id, kind: .purchase, occurredAt: Date(), idempotencyKey: "x")
            await #expect(throws: DomainError.self) { try await events.record([badPurchase], tenant: tenant) }
            let unknownMember = MemberEvent(
                tenantID: tenant, memberID: MemberID(), kind: .share, occurredAt: Date(), idempotencyKey: "y")
            let liveMember = MemberEvent(
                tenantID: tenant, memberID: member.id, kind: .share, occurredAt: Date(), idempotencyKey: "z")
            let error = await #expect(throws: DomainError.self) {
                try await events.record([liveMember, unknownMember], tenant: tenant)
            }
            #expect(error?.code == .notFound)
            // Nothing of the refused batch was kept, not even the live member's event.
            #expect(try await events.events(of: member.id, tenant: tenant).count == 3)
            await pool.close()
        }
    }
}
