import Foundation
public import HearthDomain
public import HearthPostgres

/// The "rfm" job: recency, frequency and monetary quintiles and the named segment of every live
/// customer (``RfmSegmentRules``), into `member_rfm`, and the segment sizes and quintile boundaries
/// into a `report_snapshots` row of kind `rfm`.
///
/// It reads the purchase totals ingest keeps on `members` (`order_count`, `total_spend_fen`,
/// `last_purchase_at`), never the events, so a run costs one pass over the members. Every run is a
/// full one: quintiles rank each customer against all the others, and recency moves with the clock
/// for everyone, so no subset of members could be rescored alone. Re-running at the same `now`
/// rewrites the same rows and replaces that run's snapshot.
public struct RfmJob: AnalyticsJob {
    public var name: String { "rfm" }
    public var defaultCron: String { "45 2 * * *" }

    public init() {}

    public func run(_ context: JobContext, on connection: PostgresConnection) async throws -> Int64 {
        let tenant = context.tenant.rawValue
        let zone = context.timeZone.identifier
        let grid = RfmSegmentRules.grid.map(\.rawValue)
        // Customers are ranked worst first in each dimension; equal figures then take the lowest
        // quintile any of them got (RfmSegmentRules explains why).
        let scored = try await connection.query(
            """
            WITH customers AS (
                SELECT m.member_id,
                       greatest(0, (\(context.now) AT TIME ZONE \(zone))::date
                                   - (m.last_purchase_at AT TIME ZONE \(zone))::date) AS recency_days,
                       m.order_count AS frequency, m.total_spend_fen AS monetary_fen
                FROM members m
                WHERE m.tenant_id = \(tenant) AND m.deleted_at IS NULL AND m.erased_at IS NULL
                  AND m.merged_into_member_id IS NULL AND m.order_count >= 1 AND m.last_purchase_at IS NOT NULL
            ),
            numbered AS (
                SELECT c.*,
                       ntile(5) OVER (ORDER BY recency_days DESC, member_id) AS r_tile,
                       ntile(5) OVER (ORDER BY frequency, member_id) AS f_tile,
                       ntile(5) OVER (ORDER BY monetary_fen, member_id) AS m_tile
                FROM customers c
            ),
            scored AS (
                SELECT member_id, recency_days, frequency, monetary_fen,
                       min(r_tile) OVER (PARTITION BY recency_days)::int AS r,
                       min(f_tile) OVER (PARTITION BY frequency)::int AS f,
                       min(m_tile) OVER (PARTITION BY monetary_fen)::int AS m
                FROM numbered
            ),
            written AS (
                INSERT INTO member_rfm (tenant_id, member_id, recency_days, frequency, monetary_fen, recency_score,
                                        frequency_score, monetary_score, segment, computed_at)
                SELECT \(tenant), s.member_id, s.recency_days, s.frequency, s.monetary_fen, s.r, s.f, s.m,
                       (\(grid)::text[])[(s.r - 1) * 5 + s.f], \(context.now)
                FROM scored s
                ON CONFLICT (tenant_id, member_id) DO UPDATE
                SET recency_days = EXCLUDED.recency_days, frequency = EXCLUDED.frequency,
                    monetary_fen = EXCLUDED.monetary_fen, recency_score = EXCLUDED.recency_score,
                    frequency_score = EXCLUDED.frequency_score, monetary_score = EXCLUDED.monetary_score,
                    segment = EXCLUDED.segment, computed_at = EXCLUDED.computed_at
                RETURNING 1
            ),
            removed AS (
                DELETE FROM member_rfm r
                WHERE r.tenant_id = \(tenant) AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.member_id = r.member_id)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM written) + (SELECT count(*) FROM removed)
            """)
        let rows = try scored[0].decode(Int64.self, at: 0)
        try await connection.query(
            """
            DELETE FROM report_snapshots
            WHERE tenant_id = \(tenant) AND kind = 'rfm' AND subject_id IS NULL AND period_end = \(context.now)
            """)
        // The quintile boundaries: the 20th, 40th, 60th and 80th percentiles.
        let edges: [Double] = [0.2, 0.4, 0.6, 0.8]
        let snapshot = try await connection.query(
            """
            WITH sizes AS (
                SELECT segment, count(*) AS members, avg(recency_days)::float8 AS recency,
                       avg(frequency)::float8 AS frequency, round(avg(monetary_fen))::bigint AS monetary
                FROM member_rfm WHERE tenant_id = \(tenant)
                GROUP BY segment
            ),
            edges AS (
                SELECT percentile_cont(\(edges)) WITHIN GROUP (ORDER BY recency_days) AS recency,
                       percentile_cont(\(edges)) WITHIN GROUP (ORDER BY frequency) AS frequency,
                       percentile_cont(\(edges)) WITHIN GROUP (ORDER BY monetary_fen) AS monetary,
                       count(*) AS customers
                FROM member_rfm WHERE tenant_id = \(tenant)
            )
            INSERT INTO report_snapshots (tenant_id, kind, period_start, period_end, computed_at, body)
            SELECT \(tenant), 'rfm', \(context.now), \(context.now), \(context.now),
                   jsonb_build_object(
                       'customers', e.customers,
                       'segments', (SELECT jsonb_agg(jsonb_build_object(
                                               'segment', s.segment_name, 'members', coalesce(z.members, 0),
                                               'avg_recency_days', coalesce(z.recency, 0),
                                               'avg_frequency', coalesce(z.frequency, 0),
                                               'avg_monetary_fen', coalesce(z.monetary, 0)) ORDER BY s.ordinal)
                                    FROM unnest(\(RfmSegment.allCases.map(\.rawValue))::text[])
                                         WITH ORDINALITY AS s (segment_name, ordinal)
                                    LEFT JOIN sizes z ON z.segment = s.segment_name),
                       'recency_days_edges', coalesce(to_jsonb(e.recency), '[]'::jsonb),
                       'frequency_edges', coalesce(to_jsonb(e.frequency), '[]'::jsonb),
                       'monetary_fen_edges', coalesce((SELECT jsonb_agg(round(u.edge)::bigint ORDER BY u.ordinal)
                                                       FROM unnest(e.monetary) WITH ORDINALITY AS u (edge, ordinal)),
                                                      '[]'::jsonb))
            FROM edges e
            """)
        return rows + Int64(snapshot.affectedRows)
    }
}

/// The body of an `rfm` snapshot:
///
///     {"customers": 120,
///      "segments": [{"segment": "champions", "members": 9, "avg_recency_days": 3.5, "avg_frequency": 7.25,
///                    "avg_monetary_fen": 120000}, …],
///      "recency_days_edges": [4, 11, 30, 75], "frequency_edges": [1, 1, 2, 4],
///      "monetary_fen_edges": [9900, 19900, 45000, 98000]}
///
/// `segments` holds every ``RfmSegment`` in declaration order, empty ones with zeros. The edges are
/// the 20th, 40th, 60th and 80th percentiles (`percentile_cont`, ascending) of each dimension over
/// the scored customers, money rounded to whole fen; empty lists when nobody has bought.
public struct RfmReportBody: Codable, Sendable, Hashable {
    public struct Segment: Codable, Sendable, Hashable {
        public var segment: RfmSegment
        public var members: Int64
        public var avgRecencyDays: Double
        public var avgFrequency: Double
        public var avgMonetaryFen: Int64

        enum CodingKeys: String, CodingKey {
            case segment, members
            case avgRecencyDays = "avg_recency_days"
            case avgFrequency = "avg_frequency"
            case avgMonetaryFen = "avg_monetary_fen"
        }
    }

    public var customers: Int64
    public var segments: [Segment]
    public var recencyDaysEdges: [Double]
    public var frequencyEdges: [Double]
    public var monetaryFenEdges: [Int64]

    enum CodingKeys: String, CodingKey {
        case customers, segments
        case recencyDaysEdges = "recency_days_edges"
        case frequencyEdges = "frequency_edges"
        case monetaryFenEdges = "monetary_fen_edges"
    }
}
