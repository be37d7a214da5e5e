import Foundation
public import HearthDomain
public import HearthPostgres

/// What a member import did: how many rows it added, changed or found as they were. Rows it
/// refused are reported one by one through the import's `onRejected`.
public struct MemberImportOutcome: Sendable, Hashable {
    public var inserted: Int64 = 0
    public var updated: Int64 = 0
    public var unchanged: Int64 = 0
    public var rejected: Int64 = 0
    public var dryRun = false

    public init() {}
}

/// Imports members in bulk: rows stream through COPY into a staging table, then a handful of
/// set-based statements match them to members by phone and IM ids, refuse what cannot be applied
/// and write the rest. Memory stays constant whatever the size of the file.
///
/// The import is one transaction: it lands whole or not at all, and a dry run is the same work
/// rolled back, so its counts are exactly what a real run would do.
public struct MemberImportStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Runs one import for `tenant`. `feed` hands rows to `stage` (already normalised, in
    /// increasing row order); `onRejected` receives the rows refused by the matching, in file order.
    public func run(
        tenant: TenantID,
        defaultSource: SourceChannel,
        dryRun: Bool,
        feed: (_ stage: (MemberImportRow) async throws -> Void) async throws -> Void,
        onRejected: ([ImportRejection]) async throws -> Void
    ) async throws -> MemberImportOutcome {
        do {
            let outcome = try await pool.withTenant(tenant) { connection in
                let outcome = try await apply(
                    tenant: tenant, defaultSource: defaultSource, connection: connection, feed: feed,
                    onRejected: onRejected)
                if dryRun { throw DryRunFinished(outcome: outcome) }
                return outcome
            }
            if outcome.inserted + outcome.updated >= Self.rowsWorthNewStatistics {
                // Committed already: fresher statistics only make later plans better, so a failure
                // here (a busy catalog) is not the import's.
                _ = try? await pool.withTenant(tenant) { connection in
                    try await connection.query("SELECT hearth_analyze_member_tables()")
                }
            }
            return outcome
        } catch let finished as DryRunFinished {
            var outcome = finished.outcome
            outcome.dryRun = true
            return outcome
        }
    }

    /// Rows an import must write before it refreshes the member tables' planner statistics: the
    /// planner would otherwise see a tenant that just grew by a million as empty until autovacuum
    /// gets there, and plan the next calls for a handful of rows.
    static let rowsWorthNewStatistics: Int64 = 10_000

    /// Thrown out of the transaction to roll a dry run back while keeping its counts.
    private struct DryRunFinished: Error {
        var outcome: MemberImportOutcome
    }

    private func apply(
        tenant: TenantID, defaultSource: SourceChannel, connection: PostgresConnection,
        feed: (_ stage: (MemberImportRow) async throws -> Void) async throws -> Void,
        onRejected: ([ImportRejection]) async throws -> Void
    ) async throws -> MemberImportOutcome {
        // Each statement works on the whole file: a million rows take longer than the 30 seconds
        // an ordinary call may, and their joins and sorts stay in memory with more than the
        // default 4 MB (a million staged rows spill to disk several times over without it).
        try await connection.executeScript("SET LOCAL statement_timeout = '30min'; SET LOCAL work_mem = '128MB'")
        try await connection.executeScript(MemberImportSQL.createStaging)
        try await connection.copyIn(MemberImportSQL.copyColumns) { writer in
            try await feed { row in try await Self.write(row, to: writer) }
        }
        try await connection.executeScript("ANALYZE member_import")
        let tenantBind = [tenant.rawValue.postgresBind]
        func run(_ sql: String) async throws {
            try await connection.query(PostgresQuery(sql, binds: tenantBind))
        }
        for column in MemberImportSQL.handleColumns {
            try await run(MemberImportSQL.duplicateInFile(column))
        }
        try await run(MemberImportSQL.match)
        try await run(MemberImportSQL.explainIdentityConflicts)
        // The matches changed most rows: fresh statistics keep the joins below hash joins.
        try await connection.executeScript("ANALYZE member_import")
        try await run(MemberImportSQL.phoneConflict)
        try await run(MemberImportSQL.deadMembers)
        try await run(MemberImportSQL.sameMemberTwice)
        try await connection.executeScript(MemberImportSQL.prepareNew)
        do {
            try await connection.query(
                PostgresQuery(MemberImportSQL.insertNew, binds: tenantBind + [defaultSource.rawValue.postgresBind]))
            try await run(MemberImportSQL.updateExisting)
            try await run(MemberImportSQL.insertNewIdentities)
            try await run(MemberImportSQL.insertExistingIdentities)
            try await run(MemberImportSQL.insertNewConsents)
            try await run(MemberImportSQL.writeExistingConsents)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            // The matching saw none of these phones or ids held; someone registered one since.
            throw DomainError(
                code: .aborted,
                message: "a phone or id of the file was given to another member while the import ran; "
                    + "nothing was imported: run the import again")
        }

        var outcome = MemberImportOutcome()
        let counts = try await connection.query(PostgresQuery(MemberImportSQL.counts))
        if let row = counts.first {
            outcome.inserted = try row.decode(Int64.self, at: 0)
            let matched = try row.decode(Int64.self, at: 1)
            outcome.updated = try row.decode(Int64.self, at: 2)
            outcome.unchanged = matched - outcome.updated
        }
        var after = Int64.min
        while true {
            let page = try await connection.query(
                PostgresQuery(MemberImportSQL.rejectedAfter, binds: [after.postgresBind]))
            let rejections = try page.map { row in
                ImportRejection(
                    rowNumber: try row.decode(Int64.self, at: 0), field: try row.decode(String?.self, at: 1),
                    code: try row.decode(String.self, at: 2), reason: try row.decode(String.self, at: 3))
            }
            guard let last = rejections.last else { break }
            outcome.rejected += Int64(rejections.count)
            try await onRejected(rejections)
            after = last.rowNumber
        }
        return outcome
    }

    private static func write(_ row: MemberImportRow, to writer: PostgresCopyWriter) async throws {
        writer.field(String(row.rowNumber))
        writer.field(row.displayName)
        writer.field(row.phone)
        writer.field(row.email)
        writer.field(row.province)
        writer.field(row.city)
        writer.field(row.organisationKind)
        writer.field(row.tags.isEmpty ? nil : arrayLiteral(row.tags))
        writer.field(row.interests.isEmpty ? nil : arrayLiteral(row.interests))
        writer.field(row.sourceChannel?.rawValue)
        writer.field(row.vipTier)
        writer.field(row.lifecycleStage?.rawValue)
        writer.field(row.wechatID)
        writer.field(row.qqID)
        writer.field(row.dingtalkID)
        writer.field(row.smsConsent.map { $0 ? "t" : "f" })
        writer.field(row.imConsent.map { $0 ? "t" : "f" })
        writer.field(row.phoneConsent.map { $0 ? "t" : "f" })
        try await writer.endRow()
    }

    /// A PostgreSQL array literal with every element quoted, e.g. `{"a","b \"c\""}`.
    static func arrayLiteral(_ values: [String]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for character in value {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }
}
