public import Foundation
public import HearthDomain
public import HearthPostgres

/// "campaign_reports": each campaign's funnel (as a whole and per occurrence), revenue against its
/// goal with pacing, per-agent call outcomes and referral tree, kept as one `report_snapshots` row of
/// kind 'campaign_funnel' per campaign (the previous one is replaced, so re-running gives the same
/// rows).
///
/// The funnel counts members, each once per stage:
/// - **targeted**: members with a delivery; each of them ends in one delivery outcome: **delivered**
///   (a delivery was sent), else **failed** (one failed for good), else **suppressed** (one was
///   suppressed; `suppressed_by_reason` counts them by the reason of their latest suppressed
///   delivery), else still pending;
/// - **joined**: members whose call ended in "joined", or with a join event credited to the
///   campaign (invite links carry it);
/// - **participated**: members with a campaign_participation event, a lottery entry, a task claim
///   that was not rejected, or a contest entry;
/// - **converted**: members with an order attributed to the campaign and not refunded (an order
///   without a member counts as one); **revenue** sums those orders.
///
/// Pacing (``CampaignPacing``) takes as participants the members in any of joined, participated or
/// converted, and as period the campaign's, or else the span of its occurrences (first start to
/// last end, cancelled ones left out).
///
/// Per occurrence, deliveries count by their occurrence; the other stages by time: an occurrence
/// owns what happens from its first phase (its start, or an earlier announcement) until the next
/// occurrence's first phase; the first owns everything before it, and cancelled ones own nothing.
///
/// A full run reports every campaign past draft. A scheduled run reports those running or paused,
/// those completed or cancelled in the last day, those never reported, and those with an order
/// changed (e.g. refunded) since the last run.
public struct CampaignReportsJob: AnalyticsJob {
    public init() {}

    public var name: String { "campaign_reports" }
    /// Every 15 minutes: running campaigns are watched while they run.
    public var defaultCron: String { "*/15 * * * *" }

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query(Self.figures(context))
        guard !rows.isEmpty else { return 0 }
        var ids: [UUID] = []
        var starts: [Date] = []
        var ends: [Date] = []
        var bodies: [PostgresJSONB] = []
        var pacings: [PostgresJSONB] = []
        for row in rows {
            let periodStart = try row.decode(Date?.self, at: 3)
            let periodEnd = try row.decode(Date?.self, at: 4)
            var period: CampaignPeriod?
            if let periodStart, let periodEnd, periodStart < periodEnd {
                period = CampaignPeriod(start: periodStart, end: periodEnd)
            }
            let createdAt = try row.decode(Date.self, at: 5)
            let pacing = CampaignPacing(
                goalRevenueFen: try row.decode(Int64?.self, at: 1), goalParticipants: try row.decode(Int?.self, at: 2),
                period: period, revenueFen: try row.decode(Int64.self, at: 6),
                participants: try row.decode(Int64.self, at: 7), at: context.now)
            ids.append(try row.decode(UUID.self, at: 0))
            starts.append(period?.start ?? min(createdAt, context.now))
            ends.append(period?.end ?? max(createdAt, context.now))
            bodies.append(try row.decode(PostgresJSONB.self, at: 8))
            pacings.append(try PostgresJSONB(encoding: pacing))
        }
        let tenant = context.tenant.rawValue
        return Int64(
            try await connection.query(
                """
                WITH input AS (
                    SELECT * FROM unnest(\(ids), \(starts), \(ends), \(bodies), \(pacings))
                        AS i (campaign_id, period_start, period_end, body, pacing)
                ),
                replaced AS (
                    DELETE FROM report_snapshots s
                    USING input i
                    WHERE s.tenant_id = \(tenant) AND s.kind = 'campaign_funnel' AND s.subject_id = i.campaign_id
                )
                INSERT INTO report_snapshots (tenant_id, kind, subject_id, period_start, period_end, computed_at, body)
                SELECT \(tenant), 'campaign_funnel', i.campaign_id, i.period_start, i.period_end, \(context.now),
                       i.body || jsonb_build_object('pacing', i.pacing)
                FROM input i
                """
            ).affectedRows)
    }

    /// One row per campaign to report: id, goals, period (its own or its occurrences'), creation
    /// time, revenue, participants, and the snapshot body without pacing.
    static func figures(_ context: JobContext) -> PostgresQuery {
        let tenant = context.tenant.rawValue
        return """
            WITH chosen AS (
                SELECT c.campaign_id, c.goal_revenue_fen, c.goal_participants, c.created_at,
                       coalesce(c.period_start, o.first_start) AS period_start,
                       coalesce(c.period_end, o.last_end) AS period_end
                FROM campaigns c
                LEFT JOIN LATERAL (
                    SELECT min(x.starts_at) AS first_start, max(x.ends_at) AS last_end
                    FROM campaign_occurrences x
                    WHERE x.tenant_id = c.tenant_id AND x.campaign_id = c.campaign_id AND x.status <> 'cancelled'
                ) o ON true
                WHERE c.tenant_id = \(tenant) AND c.status <> 'draft'
                  AND (\(context.isFull)
                       OR c.status IN ('running', 'paused')
                       OR (c.status IN ('completed', 'cancelled') AND c.updated_at >= \(context.now) - interval '1 day')
                       OR NOT EXISTS (SELECT 1 FROM report_snapshots s
                                      WHERE s.tenant_id = c.tenant_id AND s.kind = 'campaign_funnel'
                                        AND s.subject_id = c.campaign_id)
                       OR EXISTS (SELECT 1 FROM conversions v
                                  WHERE v.tenant_id = c.tenant_id AND v.campaign_id = c.campaign_id
                                    AND v.updated_at >= \(context.lastSuccess)))
            ),
            occurrences AS (
                SELECT x.campaign_id, x.occurrence_id, x.starts_at, x.status,
                       -- Phase times are Foundation's JSON dates: seconds since 2001-01-01 UTC.
                       least(x.starts_at, (SELECT min(to_timestamp(978307200 + r.at))
                                           FROM jsonb_to_recordset(x.phases) AS r (at double precision))) AS opens_at
                FROM campaign_occurrences x
                JOIN chosen c ON c.campaign_id = x.campaign_id
                WHERE x.tenant_id = \(tenant)
            ),
            windows AS (
                SELECT o.campaign_id, o.occurrence_id,
                       CASE WHEN row_number() OVER by_start = 1 THEN '-infinity'::timestamptz ELSE o.opens_at END
                           AS from_at,
                       coalesce(lead(o.opens_at) OVER by_start, 'infinity'::timestamptz) AS until_at
                FROM occurrences o
                WHERE o.status <> 'cancelled'
                WINDOW by_start AS (PARTITION BY o.campaign_id ORDER BY o.opens_at, o.occurrence_id)
            ),
            -- Each targeted member's deliveries, per campaign (occurrence_id NULL) and per occurrence.
            reached AS (
                SELECT d.campaign_id, d.occurrence_id, d.member_id,
                       bool_or(d.status = 'sent') AS sent, bool_or(d.status = 'failed') AS failed,
                       (array_agg(d.suppression_reason ORDER BY d.updated_at DESC, d.delivery_id DESC)
                            FILTER (WHERE d.status = 'suppressed'))[1] AS reason
                FROM deliveries d
                JOIN chosen c ON c.campaign_id = d.campaign_id
                WHERE d.tenant_id = \(tenant)
                GROUP BY GROUPING SETS ((d.campaign_id, d.member_id), (d.campaign_id, d.occurrence_id, d.member_id))
            ),
            outcomes AS (
                SELECT campaign_id, occurrence_id, reason,
                       CASE WHEN sent THEN 'delivered' WHEN failed THEN 'failed'
                            WHEN reason IS NOT NULL THEN 'suppressed' ELSE 'pending' END AS outcome
                FROM reached
            ),
            delivery_funnel AS (
                SELECT campaign_id, occurrence_id, count(*) AS targeted,
                       count(*) FILTER (WHERE outcome = 'delivered') AS delivered,
                       count(*) FILTER (WHERE outcome = 'failed') AS failed,
                       count(*) FILTER (WHERE outcome = 'suppressed') AS suppressed
                FROM outcomes GROUP BY campaign_id, occurrence_id
            ),
            suppression AS (
                SELECT r.campaign_id, r.occurrence_id, jsonb_object_agg(r.reason, r.members) AS by_reason
                FROM (SELECT campaign_id, occurrence_id, reason, count(*) AS members
                      FROM outcomes WHERE outcome = 'suppressed'
                      GROUP BY campaign_id, occurrence_id, reason) r
                GROUP BY r.campaign_id, r.occurrence_id
            ),
            -- What members did after being reached: joined, participated, converted, with when.
            steps AS MATERIALIZED (
                SELECT l.campaign_id, e.member_id, e.called_at AS at, 'joined' AS step, 0::bigint AS amount_fen
                FROM call_list_entries e
                JOIN call_lists l ON l.tenant_id = e.tenant_id AND l.call_list_id = e.call_list_id
                JOIN chosen c ON c.campaign_id = l.campaign_id
                WHERE e.tenant_id = \(tenant) AND e.outcome = 'joined'
              UNION ALL
                SELECT v.campaign_id, v.member_id, v.occurred_at,
                       CASE WHEN v.kind = 'join' THEN 'joined' ELSE 'participated' END, 0
                FROM events v
                JOIN chosen c ON c.campaign_id = v.campaign_id
                WHERE v.tenant_id = \(tenant) AND v.kind IN ('join', 'campaign_participation')
                  AND v.member_id IS NOT NULL
              UNION ALL
                SELECT x.campaign_id, x.member_id, x.entered_at, 'participated', 0
                FROM lottery_entries x JOIN chosen c ON c.campaign_id = x.campaign_id
                WHERE x.tenant_id = \(tenant)
              UNION ALL
                SELECT x.campaign_id, x.member_id, x.submitted_at, 'participated', 0
                FROM task_claims x JOIN chosen c ON c.campaign_id = x.campaign_id
                WHERE x.tenant_id = \(tenant) AND x.status <> 'rejected'
              UNION ALL
                SELECT x.campaign_id, x.member_id, x.submitted_at, 'participated', 0
                FROM contest_entries x JOIN chosen c ON c.campaign_id = x.campaign_id
                WHERE x.tenant_id = \(tenant)
              UNION ALL
                SELECT x.campaign_id, x.member_id, x.occurred_at, 'converted', x.amount_fen
                FROM conversions x JOIN chosen c ON c.campaign_id = x.campaign_id
                WHERE x.tenant_id = \(tenant) AND x.refunded_at IS NULL
            ),
            scoped AS (
                SELECT s.campaign_id, NULL::uuid AS occurrence_id, s.member_id, s.step, s.amount_fen FROM steps s
              UNION ALL
                SELECT s.campaign_id, w.occurrence_id, s.member_id, s.step, s.amount_fen
                FROM steps s
                JOIN windows w ON w.campaign_id = s.campaign_id AND s.at >= w.from_at AND s.at < w.until_at
            ),
            step_funnel AS (
                SELECT campaign_id, occurrence_id,
                       count(DISTINCT member_id) FILTER (WHERE step = 'joined') AS joined,
                       count(DISTINCT member_id) FILTER (WHERE step = 'participated') AS participated,
                       count(DISTINCT member_id) FILTER (WHERE step = 'converted')
                           + count(*) FILTER (WHERE step = 'converted' AND member_id IS NULL) AS converted,
                       coalesce(sum(amount_fen) FILTER (WHERE step = 'converted'), 0)::bigint AS revenue_fen,
                       count(DISTINCT member_id) AS participants
                FROM scoped GROUP BY campaign_id, occurrence_id
            ),
            scopes AS (
                SELECT c.campaign_id, NULL::uuid AS occurrence_id, NULL::timestamptz AS starts_at FROM chosen c
              UNION ALL
                SELECT o.campaign_id, o.occurrence_id, o.starts_at FROM occurrences o
            ),
            funnels AS (
                SELECT sc.campaign_id, sc.occurrence_id, sc.starts_at,
                       jsonb_build_object(
                           'targeted', coalesce(df.targeted, 0), 'delivered', coalesce(df.delivered, 0),
                           'suppressed', coalesce(df.suppressed, 0), 'failed', coalesce(df.failed, 0),
                           'suppressed_by_reason', coalesce(sp.by_reason, '{}'::jsonb),
                           'joined', coalesce(sf.joined, 0), 'participated', coalesce(sf.participated, 0),
                           'converted', coalesce(sf.converted, 0), 'revenue_fen', coalesce(sf.revenue_fen, 0))
                           AS funnel,
                       coalesce(sf.participants, 0) AS participants, coalesce(sf.revenue_fen, 0) AS revenue_fen
                FROM scopes sc
                LEFT JOIN delivery_funnel df
                       ON df.campaign_id = sc.campaign_id AND df.occurrence_id IS NOT DISTINCT FROM sc.occurrence_id
                LEFT JOIN suppression sp
                       ON sp.campaign_id = sc.campaign_id AND sp.occurrence_id IS NOT DISTINCT FROM sc.occurrence_id
                LEFT JOIN step_funnel sf
                       ON sf.campaign_id = sc.campaign_id AND sf.occurrence_id IS NOT DISTINCT FROM sc.occurrence_id
            ),
            agents AS (
                SELECT a.campaign_id,
                       jsonb_agg(jsonb_build_object(
                           'agent_operator_id', a.agent_operator_id, 'assigned', a.assigned, 'pending', a.pending,
                           'not_reached', a.not_reached, 'declined', a.declined, 'invited', a.invited,
                           'joined', a.joined) ORDER BY a.agent_operator_id) AS agents
                FROM (SELECT l.campaign_id, e.agent_operator_id, count(*) AS assigned,
                             count(*) FILTER (WHERE e.outcome = 'pending') AS pending,
                             count(*) FILTER (WHERE e.outcome = 'not_reached') AS not_reached,
                             count(*) FILTER (WHERE e.outcome = 'declined') AS declined,
                             count(*) FILTER (WHERE e.outcome = 'invited') AS invited,
                             count(*) FILTER (WHERE e.outcome = 'joined') AS joined
                      FROM call_list_entries e
                      JOIN call_lists l ON l.tenant_id = e.tenant_id AND l.call_list_id = e.call_list_id
                      JOIN chosen c ON c.campaign_id = l.campaign_id
                      WHERE e.tenant_id = \(tenant)
                      GROUP BY l.campaign_id, e.agent_operator_id) a
                GROUP BY a.campaign_id
            ),
            trees AS (
                SELECT t.campaign_id, sum(t.members)::bigint AS size, max(t.depth) AS depth,
                       coalesce(sum(t.members) FILTER (WHERE t.depth = 0), 0)::bigint AS roots,
                       jsonb_agg(t.members ORDER BY t.depth) AS members_per_level
                FROM (SELECT n.campaign_id, n.depth, count(*) AS members
                      FROM referral_nodes n JOIN chosen c ON c.campaign_id = n.campaign_id
                      WHERE n.tenant_id = \(tenant)
                      GROUP BY n.campaign_id, n.depth) t
                GROUP BY t.campaign_id
            )
            SELECT c.campaign_id, c.goal_revenue_fen, c.goal_participants, c.period_start, c.period_end, c.created_at,
                   f.revenue_fen, f.participants,
                   jsonb_build_object(
                       'funnel', f.funnel,
                       'participants', f.participants,
                       'occurrences', coalesce(
                           (SELECT jsonb_agg(jsonb_build_object('occurrence_id', o.occurrence_id,
                                                                'starts_at', extract(epoch FROM o.starts_at),
                                                                'funnel', o.funnel)
                                             ORDER BY o.starts_at, o.occurrence_id)
                            FROM funnels o WHERE o.campaign_id = c.campaign_id AND o.occurrence_id IS NOT NULL),
                           '[]'::jsonb),
                       'agents', coalesce(a.agents, '[]'::jsonb),
                       'referral_tree', jsonb_build_object(
                           'size', coalesce(t.size, 0), 'depth', coalesce(t.depth, 0), 'roots', coalesce(t.roots, 0),
                           'members_per_level', coalesce(t.members_per_level, '[]'::jsonb)))
            FROM chosen c
            JOIN funnels f ON f.campaign_id = c.campaign_id AND f.occurrence_id IS NULL
            LEFT JOIN agents a ON a.campaign_id = c.campaign_id
            LEFT JOIN trees t ON t.campaign_id = c.campaign_id
            ORDER BY c.campaign_id
            """
    }
}

/// The body of a 'campaign_funnel' report snapshot, as ``CampaignReportsJob`` stores it.
public struct CampaignReportSnapshot: Sendable, Hashable, Codable {
    /// Members per stage (see ``CampaignReportsJob``); revenue in fen, net of refunds.
    public struct Funnel: Sendable, Hashable, Codable {
        public var targeted: Int64
        public var delivered: Int64
        public var suppressed: Int64
        public var failed: Int64
        /// Suppressed members by the reason of their latest suppressed delivery
        /// (`deliveries.suppression_reason` values).
        public var suppressedByReason: [String: Int64]
        public var joined: Int64
        public var participated: Int64
        public var converted: Int64
        public var revenueFen: Int64

        private enum CodingKeys: String, CodingKey {
            case targeted, delivered, suppressed, failed
            case suppressedByReason = "suppressed_by_reason"
            case joined, participated, converted
            case revenueFen = "revenue_fen"
        }
    }

    public struct OccurrenceFunnel: Sendable, Hashable, Codable {
        public var occurrenceID: UUID
        /// Seconds since 1970-01-01 UTC.
        public var startsAtSeconds: Double
        public var funnel: Funnel

        public var startsAt: Date { Date(timeIntervalSince1970: startsAtSeconds) }

        private enum CodingKeys: String, CodingKey {
            case occurrenceID = "occurrence_id"
            case startsAtSeconds = "starts_at"
            case funnel
        }
    }

    /// One agent's entries on the campaign's call lists, by outcome.
    public struct AgentCalls: Sendable, Hashable, Codable {
        public var agentOperatorID: UUID
        public var assigned: Int64
        public var pending: Int64
        public var notReached: Int64
        public var declined: Int64
        public var invited: Int64
        public var joined: Int64

        private enum CodingKeys: String, CodingKey {
            case agentOperatorID = "agent_operator_id"
            case assigned, pending
            case notReached = "not_reached"
            case declined, invited, joined
        }
    }

    public struct ReferralTree: Sendable, Hashable, Codable {
        public var size: Int64
        /// The deepest level; 0 when nobody was referred.
        public var depth: Int
        public var roots: Int64
        /// Members at depth 0, 1, 2, …
        public var membersPerLevel: [Int64]

        private enum CodingKeys: String, CodingKey {
            case size, depth, roots
            case membersPerLevel = "members_per_level"
        }
    }

    public var funnel: Funnel
    /// Members who joined, participated or converted.
    public var participants: Int64
    /// By start time.
    public var occurrences: [OccurrenceFunnel]
    /// By agent id.
    public var agents: [AgentCalls]
    public var referralTree: ReferralTree
    public var pacing: CampaignPacing

    private enum CodingKeys: String, CodingKey {
        case funnel, participants, occurrences, agents
        case referralTree = "referral_tree"
        case pacing
    }
}

/// A campaign's latest stored report.
public struct CampaignReportRecord: Sendable, Hashable {
    public var campaignID: CampaignID
    /// As the campaign is named now, not when the snapshot was taken.
    public var campaignName: String
    public var computedAt: Date
    /// The campaign's period (or its occurrences' span; else its creation to the run).
    public var periodStart: Date
    public var periodEnd: Date
    public var snapshot: CampaignReportSnapshot
    /// The names of the snapshot's agents, as the operators table has them now.
    public var agentNames: [UUID: String]
}
