public import Foundation
public import HearthDomain
public import HearthPostgres

/// The SQL of contests: members' entries, the listing by ranking or submission, and the declared
/// winners (votes and judges' scores are in `ContestStore+Scoring.swift`).
///
/// An entry's standing (votes, judges' average and count, winner rank) is computed when it is read,
/// from `contest_votes`, `contest_scores` and `contest_winners`, so it never drifts from the record.
/// The ranking follows ``ContestRanking``: value first, then the earlier entry, then the smaller id.
public struct ContestStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The orders ``entries(of:order:after:limit:tenant:)`` lists in.
    public enum Order: Sendable {
        /// Most votes or highest average score first; ties: the earlier entry first.
        case ranking
        /// Oldest first.
        case submission
    }

    /// An entry (alias `e`) with its standing, as the columns ``ContestEntry/init(row:)`` reads, and
    /// the value it ranks by (`ranking_key`, -1 without a vote or score) last.
    static func standingSelect(_ scoring: ContestRules.Scoring) -> String {
        let key =
            switch scoring {
            case .votes: "CASE WHEN v.votes > 0 THEN v.votes::float8 ELSE -1 END"
            case .judges: "CASE WHEN s.judges > 0 THEN s.average ELSE -1 END"
            }
        return """
            SELECT e.entry_id, e.campaign_id, e.member_id, e.title, e.content, e.media_urls, e.submitted_at,
                   v.votes AS vote_count, s.average AS judge_score, s.judges AS judge_count, w.winner_rank,
                   \(key) AS ranking_key
            FROM contest_entries e
            CROSS JOIN LATERAL (SELECT count(*) AS votes FROM contest_votes
                                WHERE tenant_id = e.tenant_id AND entry_id = e.entry_id) v
            CROSS JOIN LATERAL (SELECT avg(score)::float8 AS average, count(*) AS judges FROM contest_scores
                                WHERE tenant_id = e.tenant_id AND entry_id = e.entry_id) s
            LEFT JOIN contest_winners w
                   ON w.tenant_id = e.tenant_id AND w.campaign_id = e.campaign_id AND w.entry_id = e.entry_id
            """
    }

    static let standingColumns = """
        entry_id, campaign_id, member_id, title, content, media_urls, submitted_at, vote_count, judge_score,
        judge_count, winner_rank
        """

    // MARK: Entries

    /// Records a member's entry at `now`. Refused (``ContestEntry/Refusal``) unless the campaign is a
    /// contest with rules, runs and takes entries, and the member is live; a second entry of the
    /// member is `entry_exists` (ALREADY_EXISTS), unless `idempotencyKey` is the one the first came
    /// with, which gets that entry back. `notFound` for a campaign or member the tenant does not have.
    public func submit(
        _ entry: ContestEntry, idempotencyKey: String?, tenant: TenantID, now: Date = Date()
    ) async throws -> ContestEntry {
        try entry.validate()
        return try await pool.withTenant(tenant) { connection in
            let campaign = try await CampaignActivityLock.share.campaign(
                entry.campaignID, tenant: tenant, on: connection)
            let rules = try ContestEntry.contestRules(of: campaign)
            if let earlier = try await Self.entry(of: entry.memberID, in: campaign, rules: rules, on: connection) {
                guard let idempotencyKey, earlier.key == idempotencyKey else { throw Self.entryExists(earlier.entry) }
                return earlier.entry
            }
            try ContestEntry.checkEntering(campaign, rules: rules, at: now)
            let entrant = try await ParticipatingMember.lock(entry.memberID, tenant: tenant, on: connection)
            if let gone = entrant.whyGone("enter contests") { throw ContestEntry.Refusal(.memberDeleted, gone) }
            let inserted = try await connection.query(
                """
                INSERT INTO contest_entries (tenant_id, entry_id, campaign_id, member_id, title, content, media_urls,
                                             idempotency_key)
                VALUES (\(tenant.rawValue), \(entry.id.rawValue), \(campaign.id.rawValue), \(entry.memberID.rawValue),
                        \(entry.title), \(entry.content), \(entry.mediaLinks), \(idempotencyKey))
                ON CONFLICT (tenant_id, campaign_id, member_id) DO NOTHING
                RETURNING entry_id
                """)
            guard !inserted.isEmpty else {
                // The entrant's row lock makes this rare: an entry that committed in between.
                guard let earlier = try await Self.entry(of: entry.memberID, in: campaign, rules: rules, on: connection)
                else { throw DomainError(code: .aborted, message: "a concurrent entry of this member won; try again") }
                guard let idempotencyKey, earlier.key == idempotencyKey else { throw Self.entryExists(earlier.entry) }
                return earlier.entry
            }
            return try await Self.standing(of: entry.id, in: campaign, rules: rules, on: connection)
        }
    }

    /// A contest's entries with their standing, by ranking or by submission, after `cursor` (the last
    /// entry of the previous page: its submission time and id), at most `limit`. A ranking cursor
    /// continues after where that entry ranks now. `notFound` for a campaign the tenant does not
    /// have; a campaign that is no contest is refused (``ContestEntry/Refusal``).
    public func entries(
        of campaign: CampaignID, order: Order, after cursor: (submittedAt: Date, id: ContestEntryID)?, limit: Int,
        tenant: TenantID
    ) async throws -> (entries: [ContestEntry], more: Bool) {
        let limit = max(1, min(limit, 500))
        let rows: [ContestEntry] = try await pool.withTenant(tenant) { connection in
            let found = try await CampaignActivityLock.read.campaign(campaign, tenant: tenant, on: connection)
            let rules = try ContestEntry.contestRules(of: found)
            var statement = PostgresQuery(
                "WITH ranked AS (" + Self.standingSelect(rules.scoring)
                    + " WHERE e.tenant_id = $1 AND e.campaign_id = $2) SELECT " + Self.standingColumns
                    + " FROM ranked r")
            statement.binds = [tenant.rawValue.postgresBind, campaign.rawValue.postgresBind]
            switch (order, cursor) {
            case (.ranking, let cursor?):
                let id = statement.bind(cursor.id.rawValue)
                statement.sql += """
                     WHERE EXISTS (SELECT 1 FROM ranked c WHERE c.entry_id = \(id)
                                     AND (r.ranking_key < c.ranking_key
                                          OR (r.ranking_key = c.ranking_key
                                              AND (r.submitted_at, r.entry_id) > (c.submitted_at, c.entry_id))))
                    """
            case (.submission, let cursor?):
                let time = statement.bind(cursor.submittedAt)
                let id = statement.bind(cursor.id.rawValue)
                statement.sql += " WHERE (r.submitted_at, r.entry_id) > (\(time), \(id))"
            case (_, nil):
                break
            }
            statement.sql +=
                (order == .ranking ? " ORDER BY r.ranking_key DESC," : " ORDER BY")
                + " r.submitted_at, r.entry_id LIMIT \(limit + 1)"
            return try await connection.query(statement).map(ContestEntry.init(row:))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    // MARK: Winners

    /// Ranks a contest's entries and records its winners (at most the rules' winner count, only
    /// entries with a vote or a score) as declared by `declarer`; once they are recorded, a repeat
    /// returns the same winners. Refused (``ContestEntry/Refusal``) before the ranking is final at
    /// `now`, for a cancelled contest, and when no entry has a vote or score (`no_ranked_entries`).
    /// `notFound` for a campaign the tenant does not have.
    public func declareWinners(
        of campaign: CampaignID, declarer: String, tenant: TenantID, now: Date = Date()
    ) async throws -> [ContestEntry] {
        try await pool.withTenant(tenant) { connection in
            let found = try await CampaignActivityLock.update.campaign(campaign, tenant: tenant, on: connection)
            let rules = try ContestEntry.contestRules(of: found)
            let declared = try await Self.winners(of: found, rules: rules, on: connection)
            guard declared.isEmpty else { return declared }
            try ContestEntry.checkDeclaring(found, rules: rules, at: now)
            let entries = try await connection.query(
                """
                \(unescaped: Self.standingSelect(rules.scoring))
                WHERE e.tenant_id = \(found.tenantID.rawValue) AND e.campaign_id = \(found.id.rawValue)
                """
            ).map(ContestEntry.init(row:))
            let winners = ContestRanking.winners(among: entries, by: rules.scoring, count: rules.winnerCount)
            guard !winners.isEmpty else {
                throw ContestEntry.Refusal(
                    .noRankedEntries,
                    "no entry of contest \(campaign) has \(rules.scoring == .votes ? "a vote" : "a judge's score"); "
                        + "there is no winner to declare")
            }
            try await connection.query(
                """
                INSERT INTO contest_winners (tenant_id, campaign_id, winner_rank, entry_id, ranking_value, declared_by)
                SELECT \(found.tenantID.rawValue), \(found.id.rawValue), w.winner_rank, w.entry_id, w.ranking_value,
                       \(declarer)
                FROM unnest(\(winners.map { Int32(clamping: $0.winnerRank ?? 0) }), \(winners.map(\.id.rawValue)),
                            \(winners.map { ContestRanking.value(of: $0, by: rules.scoring) ?? 0 }))
                     AS w(winner_rank, entry_id, ranking_value)
                """)
            return winners
        }
    }

    // MARK: Reading standings

    /// The declared winners of a contest by rank; empty before the declaration.
    static func winners(of campaign: Campaign, rules: ContestRules, on connection: PostgresConnection) async throws
        -> [ContestEntry]
    {
        try await connection.query(
            """
            \(unescaped: standingSelect(rules.scoring))
            WHERE e.tenant_id = \(campaign.tenantID.rawValue) AND e.campaign_id = \(campaign.id.rawValue)
              AND w.winner_rank IS NOT NULL
            ORDER BY w.winner_rank
            """
        ).map(ContestEntry.init(row:))
    }

    /// One entry of `campaign` with its standing; `notFound` when the contest has no such entry.
    static func standing(
        of entry: ContestEntryID, in campaign: Campaign, rules: ContestRules, on connection: PostgresConnection
    ) async throws -> ContestEntry {
        guard
            let row = try await connection.query(
                """
                \(unescaped: standingSelect(rules.scoring))
                WHERE e.tenant_id = \(campaign.tenantID.rawValue) AND e.campaign_id = \(campaign.id.rawValue)
                  AND e.entry_id = \(entry.rawValue)
                """
            ).first
        else { throw DomainError(code: .notFound, message: "no entry \(entry) in contest \(campaign.id)") }
        return try ContestEntry(row: row)
    }

    /// A member's entry in `campaign` with the idempotency key it came with, if they have one.
    static func entry(
        of member: MemberID, in campaign: Campaign, rules: ContestRules, on connection: PostgresConnection
    ) async throws -> (entry: ContestEntry, key: String?)? {
        guard
            let row = try await connection.query(
                """
                SELECT entry_id, idempotency_key FROM contest_entries
                WHERE tenant_id = \(campaign.tenantID.rawValue) AND campaign_id = \(campaign.id.rawValue)
                  AND member_id = \(member.rawValue)
                """
            ).first
        else { return nil }
        let entry = try await standing(
            of: ContestEntryID(try row.decode(UUID.self, at: 0)), in: campaign, rules: rules, on: connection)
        return (entry, try row.decode(String?.self, at: 1))
    }

    static func entryExists(_ entry: ContestEntry) -> ContestEntry.Refusal {
        ContestEntry.Refusal(
            .entryExists,
            "member \(entry.memberID) has entry \(entry.id) in contest \(entry.campaignID) already; one entry per member"
        )
    }
}

extension ContestEntry {
    /// Reads a row selected with ``ContestStore/standingSelect(_:)`` or ``ContestStore/standingColumns``.
    init(row: PostgresRow) throws {
        let rank = try row.decode(Int?.self, at: 10)
        self.init(
            id: ContestEntryID(try row.decode(UUID.self, at: 0)),
            campaignID: CampaignID(try row.decode(UUID.self, at: 1)),
            memberID: MemberID(try row.decode(UUID.self, at: 2)),
            title: try row.decode(String.self, at: 3),
            content: try row.decode(String.self, at: 4),
            mediaLinks: try row.decode([String].self, at: 5),
            submittedAt: try row.decode(Date.self, at: 6),
            voteCount: try row.decode(Int64.self, at: 7),
            judgeScore: try row.decode(Double?.self, at: 8),
            judgeCount: try row.decode(Int.self, at: 9),
            winnerRank: rank)
    }
}
