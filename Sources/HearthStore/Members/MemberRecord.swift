public import Foundation
public import HearthDomain
import HearthPostgres

/// A member as the API shows it: the profile and totals, the state fields (erased, merged, last
/// change) and, when loaded in full, its identities and current consents.
///
/// `Member` carries what operators edit; the state fields and the related rows live here so the
/// reads that need them (batch gets, lookups, streams, merges) load them in the same transaction.
public struct MemberRecord: Sendable {
    public var member: Member
    /// Set when the member's personal data was erased.
    public var erasedAt: Date?
    /// Set when this profile was merged into another; follow it to the survivor.
    public var mergedInto: MemberID?
    public var updatedAt: Date
    /// Every handle the member holds, by kind and value; empty unless loaded in full.
    public var identities: [MemberIdentity]
    /// The current consent per channel that has one; empty unless loaded in full.
    public var consents: [ConsentDecision]
    /// What the analytics jobs last computed for the member.
    public var scores: MemberScores

    public init(
        member: Member, erasedAt: Date? = nil, mergedInto: MemberID? = nil, updatedAt: Date,
        identities: [MemberIdentity] = [], consents: [ConsentDecision] = [], scores: MemberScores = MemberScores()
    ) {
        self.member = member
        self.erasedAt = erasedAt
        self.mergedInto = mergedInto
        self.updatedAt = updatedAt
        self.identities = identities
        self.consents = consents
        self.scores = scores
    }
}

/// A member's figures from the analytics jobs: the engagement score (0 to 100), the dominant
/// social role across the member's groups and the churn risk (0 to 1), each unset until computed.
public struct MemberScores: Sendable, Hashable {
    public var engagementScore: Double
    public var socialRole: Membership.SocialRole?
    public var churnRisk: Double?

    public init(engagementScore: Double = 0, socialRole: Membership.SocialRole? = nil, churnRisk: Double? = nil) {
        self.engagementScore = engagementScore
        self.socialRole = socialRole
        self.churnRisk = churnRisk
    }
}

extension MemberRecord {
    /// Reads a row selected with ``MemberStore/recordColumns``: `Member(row:)`'s columns, then the
    /// state fields and the scores.
    init(row: PostgresRow) throws {
        let member = try Member(row: row)
        let columnCount = 19
        self.init(
            member: member,
            erasedAt: try row.decode(Date?.self, at: columnCount),
            mergedInto: try row.decode(UUID?.self, at: columnCount + 1).map { MemberID($0) },
            updatedAt: try row.decode(Date.self, at: columnCount + 2),
            scores: MemberScores(
                engagementScore: try row.decode(Double.self, at: columnCount + 3),
                socialRole: try row.decode(String?.self, at: columnCount + 4).flatMap(Membership.SocialRole.init),
                churnRisk: try row.decode(Double?.self, at: columnCount + 5)))
    }
}

extension MemberStore {
    /// ``columns`` followed by the state fields and scores ``MemberRecord`` reads.
    static let recordColumns =
        columns + ", erased_at, merged_into_member_id, updated_at, engagement_score, social_role, churn_risk"

    /// The records of `ids` that exist in the tenant (any state), keyed by id; with `full`, with
    /// identities and consents. Three queries at most, whatever the number of ids.
    static func records(
        _ ids: [MemberID], tenant: TenantID, full: Bool, on connection: PostgresConnection
    ) async throws -> [MemberID: MemberRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: recordColumns) FROM members
            WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(ids.map(\.rawValue)))
            """)
        var records: [MemberID: MemberRecord] = [:]
        for row in rows {
            let record = try MemberRecord(row: row)
            records[record.member.id] = record
        }
        guard full, !records.isEmpty else { return records }
        let found = Array(records.keys)
        let identities = try await Self.identities(of: found, tenant: tenant, on: connection)
        let consents = try await Self.consents(of: found, tenant: tenant, on: connection)
        for id in found {
            records[id]?.identities = identities[id] ?? []
            records[id]?.consents = consents[id] ?? []
        }
        return records
    }

    /// `records` in the same order with identities and consents filled in.
    static func withDetails(
        _ records: [MemberRecord], tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [MemberRecord] {
        let ids = records.map(\.member.id)
        let identities = try await Self.identities(of: ids, tenant: tenant, on: connection)
        let consents = try await Self.consents(of: ids, tenant: tenant, on: connection)
        return records.map { record in
            var record = record
            record.identities = identities[record.member.id] ?? []
            record.consents = consents[record.member.id] ?? []
            return record
        }
    }

    /// The handles of each of `ids`, ordered by kind and value.
    static func identities(
        of ids: [MemberID], tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [MemberID: [MemberIdentity]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT member_id, kind, value, verified, created_at FROM member_identities
            WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(ids.map(\.rawValue)))
            ORDER BY member_id, kind, value
            """)
        var identities: [MemberID: [MemberIdentity]] = [:]
        for row in rows {
            let held = try Self.memberIdentity(row)
            identities[held.memberID, default: []].append(held)
        }
        return identities
    }

    /// Reads `member_id, kind, value, verified, created_at`.
    static func memberIdentity(_ row: PostgresRow) throws -> MemberIdentity {
        let kindText = try row.decode(String.self, at: 1)
        guard let kind = IdentityKind(rawValue: kindText) else {
            throw PostgresError(
                code: .decodingFailed, message: "unknown identity kind \"\(kindText)\" in member_identities")
        }
        return MemberIdentity(
            identity: Identity(kind: kind, normalised: try row.decode(String.self, at: 2)),
            memberID: MemberID(try row.decode(UUID.self, at: 0)),
            verified: try row.decode(Bool.self, at: 3),
            createdAt: try row.decode(Date.self, at: 4))
    }

    /// The current consents of each of `ids`, ordered by channel.
    static func consents(
        of ids: [MemberID], tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [MemberID: [ConsentDecision]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT member_id, channel, granted, source, operator_id, changed_at FROM member_consents
            WHERE tenant_id = \(tenant.rawValue) AND member_id = ANY(\(ids.map(\.rawValue)))
            ORDER BY member_id, channel
            """)
        var consents: [MemberID: [ConsentDecision]] = [:]
        for row in rows {
            consents[MemberID(try row.decode(UUID.self, at: 0)), default: []].append(
                try Self.consentDecision(row, from: 1))
        }
        return consents
    }

    /// Reads `channel, granted, source, operator_id, changed_at` starting at column `first`.
    static func consentDecision(_ row: PostgresRow, from first: Int) throws -> ConsentDecision {
        let channelText = try row.decode(String.self, at: first)
        guard let channel = ConsentChannel(rawValue: channelText) else {
            throw PostgresError(code: .decodingFailed, message: "unknown consent channel \"\(channelText)\"")
        }
        return ConsentDecision(
            channel: channel,
            granted: try row.decode(Bool.self, at: first + 1),
            source: try row.decode(String.self, at: first + 2),
            operatorID: try row.decode(UUID?.self, at: first + 3),
            changedAt: try row.decode(Date.self, at: first + 4))
    }
}
