public import Foundation
public import HearthDomain
public import HearthPostgres

/// Compiles a segment rule into one SQL condition over `members m`, every value a bound parameter.
///
/// Shapes chosen for a million members: field tests are plain column predicates; tags use the GIN
/// index; whether a member bought within a window reads the member's last purchase; any other
/// event aggregate becomes one grouped scan of the window's events joined as a semi-join,
/// or an anti-join when members without events qualify (`purchases(last 30d).count = 0`),
/// never a subquery per member; `member_of` inlines the other segment's rule (static segments read
/// their frozen list).
public struct SegmentSQL {
    /// How `member_of("name")` is resolved: a dynamic segment's rule, or a static segment's id.
    public enum Reference: Sendable {
        case dynamic(SegmentRule)
        case frozen(UUID)
    }

    var query: PostgresQuery
    let tenant: String
    let now: Date
    let timeZone: String
    let resolve: (String) throws -> Reference?
    /// Segment names being expanded, to refuse `a` → `b` → `a`.
    var expanding: [String] = []

    /// `continuing`: the statement whose parameters the condition's values are bound after.
    init(
        tenant: TenantID, now: Date, timeZone: String, continuing query: PostgresQuery = PostgresQuery(""),
        resolve: @escaping (String) throws -> Reference?
    ) {
        var query = query
        self.tenant = query.bind(tenant.rawValue)
        self.query = query
        self.now = now
        self.timeZone = timeZone
        self.resolve = resolve
    }

    /// The SQL condition for `rule`, appending its parameters to ``query``.
    mutating func condition(_ rule: SegmentRule) throws -> String {
        switch rule {
        case .and(let operands):
            return "(" + (try operands.map { try condition($0) }).joined(separator: " AND ") + ")"
        case .or(let operands):
            return "(" + (try operands.map { try condition($0) }).joined(separator: " OR ") + ")"
        case .not(let operand):
            // NULL (an unknown province, say) counts as "not matching", so `not` includes it.
            return "((\(try condition(operand))) IS NOT TRUE)"
        case .compare(let field, let op, let value):
            return try compare(field, op, value)
        case .oneOf(let field, let values, let negated):
            let column = try column(of: field)
            let list = try values.map { try bind(value: $0) }.joined(separator: ", ")
            return negated ? "((\(column) IN (\(list))) IS NOT TRUE)" : "(\(column) IN (\(list)))"
        case .hasTag(let tag):
            return "(m.tags @> \(query.bind([tag])))"
        case .hasInterest(let interest):
            return "(m.interests @> \(query.bind([interest])))"
        case .memberOf(let name):
            return try memberOf(name)
        case .inCommunity(let nameOrID):
            let key = query.bind(nameOrID)
            return """
                EXISTS (SELECT 1 FROM memberships ms JOIN communities c
                          ON c.tenant_id = ms.tenant_id AND c.community_id = ms.community_id
                        WHERE ms.tenant_id = m.tenant_id AND ms.member_id = m.member_id AND ms.status = 'active'
                          AND (c.community_id::text = \(key) OR c.name = \(key)))
                """
        case .eventCount(let kind, let window, let op, let count):
            if kind == .purchase, let test = boughtWithin(window, op, count) { return test }
            return eventAggregate("count(*)", kind: kind.rawValue, window: window, op, count)
        case .purchaseSum(let window, let op, let fen):
            return eventAggregate("sum(e.amount_fen)", kind: EventKind.purchase.rawValue, window: window, op, fen)
        }
    }

    private mutating func compare(_ field: SegmentField, _ op: ComparisonOperator, _ value: SegmentValue) throws
        -> String
    {
        let column = try column(of: field)
        let operand = try bind(value: value)
        switch op {
        // `!=` keeps members whose field is unknown: "not in Sichuan" includes "province not known".
        case .notEqual: return "(\(column) IS DISTINCT FROM \(operand))"
        default: return "(\(column) \(op.rawValue) \(operand))"
        }
    }

    /// `purchases(last 90d).count >= 1` and its like ask only whether the member bought within the
    /// window. The member's last purchase, kept in step with every stored purchase (and carried over
    /// by merges), answers that without reading a single event. `nil` when the answer depends on how
    /// many purchases there were.
    private mutating func boughtWithin(_ window: TimeSpan, _ op: ComparisonOperator, _ limit: Int64) -> String? {
        let some = op.holds(1, limit)
        // The comparisons are thresholds or single points, so these counts cover every count from 1 up.
        let counts = [
            1, limit.subtractingReportingOverflow(1).partialValue, limit,
            limit.addingReportingOverflow(1).partialValue, Int64.max,
        ].filter { $0 >= 1 }
        guard counts.allSatisfy({ op.holds($0, limit) == some }), some != op.holds(0, limit) else { return nil }
        let bought = "(m.last_purchase_at >= \(query.bind(now.addingTimeInterval(-window.seconds))))"
        return some ? bought : "((\(bought)) IS NOT TRUE)"
    }

    /// Members whose aggregate over the window's events satisfies `op limit`. When a member with no
    /// events would satisfy it (`count < 3`), the test is inverted into an anti-join so they count.
    private mutating func eventAggregate(
        _ aggregate: String, kind: String, window: TimeSpan, _ op: ComparisonOperator, _ limit: Int64
    ) -> String {
        let since = query.bind(now.addingTimeInterval(-window.seconds))
        let kindBind = query.bind(kind)
        let limitBind = query.bind(limit)
        let zeroQualifies = op.holds(0, limit)
        let having =
            zeroQualifies
            ? "NOT (\(aggregate) \(op.rawValue) \(limitBind))" : "\(aggregate) \(op.rawValue) \(limitBind)"
        // A derived table inside EXISTS: the planner turns it into a semi-join (or an anti-join
        // under NOT) with row estimates of its own, unlike a subquery per member or a CTE.
        let qualifying = """
            SELECT e.member_id FROM events e
            WHERE e.tenant_id = \(tenant) AND e.kind = \(kindBind) AND e.occurred_at >= \(since)
              AND e.member_id IS NOT NULL
            GROUP BY e.member_id HAVING \(having)
            """
        let test = "EXISTS (SELECT 1 FROM (\(qualifying)) g WHERE g.member_id = m.member_id)"
        return zeroQualifies ? "(NOT \(test))" : "(\(test))"
    }

    private mutating func memberOf(_ name: String) throws -> String {
        guard !expanding.contains(name) else {
            throw DomainError(
                code: .invalidArgument,
                message: "segments refer to each other in a circle: "
                    + (expanding + [name]).map { "\"\($0)\"" }.joined(separator: " → "))
        }
        switch try resolve(name) {
        case nil:
            throw DomainError(code: .notFound, message: "member_of(\"\(name)\"): there is no segment of that name")
        case .frozen(let id):
            return """
                EXISTS (SELECT 1 FROM segment_members sm WHERE sm.tenant_id = m.tenant_id
                        AND sm.segment_id = \(query.bind(id)) AND sm.member_id = m.member_id)
                """
        case .dynamic(let rule):
            expanding.append(name)
            defer { expanding.removeLast() }
            return try condition(rule)
        }
    }

    private func column(of field: SegmentField) throws -> String {
        switch field {
        case .province: "m.province"
        case .city: "m.city"
        case .organisationKind: "m.org_kind"
        case .lifecycle: "m.lifecycle_stage"
        case .vipTier: "m.vip_tier"
        case .source: "m.source_channel"
        case .totalSpendFen: "m.total_spend_fen"
        case .orders: "m.order_count"
        case .lastPurchaseAt: "m.last_purchase_at"
        case .lastActiveAt: "m.last_active_at"
        case .createdAt: "m.created_at"
        case .engagementScore: "m.engagement_score"
        case .churnRisk: "m.churn_risk"
        case .smsConsent: consent("sms")
        case .imConsent: consent("im")
        case .phoneConsent: consent("phone")
        }
    }

    private func consent(_ channel: String) -> String {
        """
        coalesce((SELECT c.granted FROM member_consents c WHERE c.tenant_id = m.tenant_id
                  AND c.member_id = m.member_id AND c.channel = '\(channel)'), false)
        """
    }

    private mutating func bind(value: SegmentValue) throws -> String {
        switch value {
        case .text(let text): return query.bind(text)
        case .integer(let number): return query.bind(number)
        case .number(let number): return query.bind(number)
        case .boolean(let flag): return query.bind(flag)
        case .lifecycleStage(let stage): return query.bind(stage.rawValue)
        case .ago(let span): return query.bind(now.addingTimeInterval(-span.seconds))
        case .date(let date):
            // Midnight of that day in the tenant's time zone.
            let (year, month, day) = (
                query.bind(Int32(date.year)), query.bind(Int32(date.month)), query.bind(Int32(date.day))
            )
            return "make_timestamptz(\(year), \(month), \(day), 0, 0, 0, \(query.bind(timeZone)))"
        }
    }
}

extension SegmentSQL {
    /// `SELECT <selection> FROM members m WHERE` the live members of `tenant` match `rule`: one
    /// statement, every value a parameter.
    public static func statement(
        selecting selection: String, rule: SegmentRule, tenant: TenantID, now: Date = Date(),
        timeZone: String, resolve: @escaping (String) throws -> Reference?
    ) throws -> PostgresQuery {
        var compiler = SegmentSQL(tenant: tenant, now: now, timeZone: timeZone, resolve: resolve)
        let condition = try compiler.condition(rule)
        let sql = """
            SELECT \(selection) FROM members m
            WHERE m.tenant_id = \(compiler.tenant) AND m.deleted_at IS NULL AND m.erased_at IS NULL
              AND m.merged_into_member_id IS NULL
              AND \(condition)
            """
        return PostgresQuery(sql, binds: compiler.query.binds)
    }
}

extension SegmentSQL {
    /// Appends ` AND` `rule`'s condition to a statement over `members m` of `tenant`, binding the
    /// rule's values after the statement's own: the planner sees one query, as for a preview.
    static func appendCondition(
        of rule: SegmentRule, to statement: inout PostgresQuery, tenant: TenantID, now: Date = Date(),
        timeZone: String, resolve: @escaping (String) throws -> Reference?
    ) throws {
        var compiler = SegmentSQL(
            tenant: tenant, now: now, timeZone: timeZone, continuing: PostgresQuery("", binds: statement.binds),
            resolve: resolve)
        let condition = try compiler.condition(rule)
        statement.binds = compiler.query.binds
        statement.sql += " AND \(condition)"
    }
}

extension TimeSpan {
    /// The span in seconds.
    var seconds: TimeInterval {
        switch unit {
        case .hours: TimeInterval(count) * 3600
        case .days: TimeInterval(count) * 86_400
        case .weeks: TimeInterval(count) * 604_800
        }
    }
}

extension ComparisonOperator {
    /// Whether `lhs op rhs` holds.
    func holds(_ lhs: Int64, _ rhs: Int64) -> Bool {
        switch self {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        }
    }
}
