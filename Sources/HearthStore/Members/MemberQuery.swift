public import Foundation
public import HearthDomain
import HearthPostgres

/// Which members a list shows. Conditions combine with AND; empty ones do not filter.
public struct MemberQuery: Sendable, Hashable {
    /// Matches a substring of the display name, or a phone, email or any handle's value exactly.
    public var text: String?
    /// `text` read as a phone number (E.164), when it is one: matched like a phone typed that way.
    public var textAsPhone: String?
    public var provinces: [String] = []
    public var cities: [String] = []
    public var organisationKinds: [String] = []
    public var lifecycleStages: [LifecycleStage] = []
    public var sourceChannels: [SourceChannel] = []
    /// The member has every one of these tags.
    public var tagsAll: [String] = []
    /// The member has at least one of these tags.
    public var tagsAny: [String] = []
    /// The member has at least one of these interests.
    public var interestsAny: [String] = []
    public var vipTiers: ClosedRange<Int>?
    /// Last active in this range (start included, end excluded); never-active members do not match.
    public var lastActive: DateBounds?
    /// Created in this range (start included, end excluded).
    public var created: DateBounds?
    /// An active member of this community.
    public var communityID: CommunityID?
    /// In this saved segment (dynamic: as its rule matches now; static: its frozen list).
    public var segmentID: SegmentID?
    public var includeDeleted = false

    public init(
        text: String? = nil, provinces: [String] = [], lifecycleStages: [LifecycleStage] = [],
        tagsAll: [String] = [], includeDeleted: Bool = false
    ) {
        self.text = text
        self.provinces = provinces
        self.lifecycleStages = lifecycleStages
        self.tagsAll = tagsAll
        self.includeDeleted = includeDeleted
    }
}

/// A time range either end of which may be open.
public struct DateBounds: Sendable, Hashable {
    public var start: Date?
    public var end: Date?

    public init(start: Date?, end: Date?) {
        self.start = start
        self.end = end
    }
}

extension MemberQuery {
    /// Appends this query's conditions on `members m` (as ` AND …`), binding its values to
    /// `statement`, its segment compiled on `connection`, the one the statement will run on.
    func appendConditions(to statement: inout PostgresQuery, tenant: TenantID, on connection: PostgresConnection)
        async throws
    {
        try appendConditions(
            to: &statement, tenant: tenant, segment: try await segmentScope(tenant: tenant, on: connection))
    }

    /// The query's segment as read on `connection` (`nil` without one), for statements that run
    /// there again and again, as the pages of a stream do.
    func segmentScope(tenant: TenantID, on connection: PostgresConnection) async throws -> SegmentScope? {
        guard let segmentID else { return nil }
        return try await SegmentScope.load(segmentID, tenant: tenant, on: connection)
    }

    /// Appends this query's conditions like the method above, with its segment already read.
    func appendConditions(to statement: inout PostgresQuery, tenant: TenantID, segment: SegmentScope?) throws {
        appendConditions(to: &statement)
        try segment?.appendCondition(to: &statement, tenant: tenant)
    }

    /// Appends this query's conditions but its segment's (as ` AND …`), binding its values to
    /// `statement`. Erased and merged members never match; deleted ones only with `includeDeleted`.
    func appendConditions(to statement: inout PostgresQuery) {
        statement.sql += " AND merged_into_member_id IS NULL AND erased_at IS NULL"
        if !includeDeleted { statement.sql += " AND deleted_at IS NULL" }
        if let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let pattern =
                "%"
                + text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let like = statement.bind(pattern)
            let exact = statement.bind(text)
            let phone = textAsPhone.map { statement.bind($0) } ?? exact
            statement.sql +=
                " AND (display_name ILIKE \(like) OR phone_e164 IN (\(exact), \(phone)) OR email = lower(\(exact))"
                + " OR member_id IN (SELECT mi.member_id FROM member_identities mi"
                // Every kind named, so the lookup is a few probes of the handles' key.
                + " WHERE mi.tenant_id = hearth_current_tenant()"
                + " AND mi.kind IN ('phone', 'wechat', 'qq', 'dingtalk', 'email')"
                + " AND mi.value IN (\(exact), \(phone), lower(\(exact)))))"
        }
        func any(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            statement.sql += " AND \(column) = ANY(\(statement.bind(values)))"
        }
        any("province", provinces)
        any("city", cities)
        any("org_kind", organisationKinds)
        any("lifecycle_stage", lifecycleStages.map(\.rawValue))
        any("source_channel", sourceChannels.map(\.rawValue))
        if !tagsAll.isEmpty { statement.sql += " AND tags @> \(statement.bind(tagsAll))" }
        if !tagsAny.isEmpty { statement.sql += " AND tags && \(statement.bind(tagsAny))" }
        if !interestsAny.isEmpty { statement.sql += " AND interests && \(statement.bind(interestsAny))" }
        if let vipTiers {
            let low = statement.bind(Int16(clamping: vipTiers.lowerBound))
            let high = statement.bind(Int16(clamping: vipTiers.upperBound))
            statement.sql += " AND vip_tier BETWEEN \(low) AND \(high)"
        }
        func within(_ column: String, _ bounds: DateBounds?) {
            guard let bounds else { return }
            if let start = bounds.start { statement.sql += " AND \(column) >= \(statement.bind(start))" }
            if let end = bounds.end { statement.sql += " AND \(column) < \(statement.bind(end))" }
        }
        within("last_active_at", lastActive)
        within("created_at", created)
        if let communityID {
            statement.sql +=
                " AND member_id IN (SELECT ms.member_id FROM memberships ms WHERE ms.tenant_id = hearth_current_tenant()"
                + " AND ms.community_id = \(statement.bind(communityID.rawValue)) AND ms.status = 'active')"
        }
    }
}
