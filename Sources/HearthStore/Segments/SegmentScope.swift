import Foundation
import HearthDomain
import HearthPostgres

/// A saved segment as a member filter: what compiling "is in this segment" needs, read once on the
/// connection of the statement it narrows, so the rule, the segments it names and the tenant's time
/// zone are those of that transaction.
struct SegmentScope {
    let name: String
    let timeZone: String
    let references: [String: SegmentSQL.Reference]

    /// Throws `notFound` when the tenant has no such segment. Turns JIT off for the rest of the
    /// transaction, as every segment query does: compiling a rule's plan costs more than it saves.
    static func load(_ id: SegmentID, tenant: TenantID, on connection: PostgresConnection) async throws -> SegmentScope
    {
        try await connection.query("SET LOCAL jit = off")
        let rows = try await connection.query(
            "SELECT name FROM segments WHERE tenant_id = \(tenant.rawValue) AND segment_id = \(id.rawValue)")
        guard let name = try rows.first?.decode(String.self, at: 0) else {
            throw DomainError(code: .notFound, message: "no segment \(id) in this tenant")
        }
        return SegmentScope(
            name: name, timeZone: try await SegmentStore.timeZone(of: tenant, on: connection),
            references: try await SegmentStore.references(tenant: tenant, on: connection))
    }

    /// Appends ` AND` "is in the segment" to a statement over `members m`.
    func appendCondition(to statement: inout PostgresQuery, tenant: TenantID) throws {
        let references = self.references
        try SegmentSQL.appendCondition(
            of: .memberOf(segment: name), to: &statement, tenant: tenant, timeZone: timeZone,
            resolve: { references[$0] })
    }
}
