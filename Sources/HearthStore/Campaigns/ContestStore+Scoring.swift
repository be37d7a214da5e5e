public import Foundation
public import HearthDomain
import HearthPostgres

/// What decides a contest: members' votes (VOTES contests) and operators' scores (JUDGES contests).
extension ContestStore {
    /// Records `voter`'s vote for an entry at `now`, and answers with the entry's standing and how
    /// many more entries the voter may vote for. Refused (``ContestEntry/Refusal``) unless the contest
    /// is decided by votes, runs and voting is open, the voter is live, the entry is not theirs and
    /// they have votes left; a second vote for the same entry is `already_voted` (ALREADY_EXISTS),
    /// unless `idempotencyKey` is the one the first came with, which is answered as the first was.
    /// The voter's row lock counts their concurrent votes one after the other. `notFound` for an
    /// entry or member the tenant does not have.
    public func vote(
        for entryID: ContestEntryID, by voter: MemberID, idempotencyKey: String?, tenant: TenantID,
        now: Date = Date()
    ) async throws -> (entry: ContestEntry, votesLeft: Int) {
        try await pool.withTenant(tenant) { connection in
            let (campaign, rules) = try await Self.contest(of: entryID, lock: .share, tenant: tenant, on: connection)
            let earlier = try await connection.query(
                """
                SELECT idempotency_key FROM contest_votes
                WHERE tenant_id = \(tenant.rawValue) AND entry_id = \(entryID.rawValue)
                  AND voter_member_id = \(voter.rawValue)
                """
            ).first
            if let earlier {
                guard let idempotencyKey, try earlier.decode(String?.self, at: 0) == idempotencyKey else {
                    throw Self.alreadyVoted(voter, entryID)
                }
                let used = try await Self.votesUsed(by: voter, in: campaign, on: connection)
                let entry = try await Self.standing(of: entryID, in: campaign, rules: rules, on: connection)
                return (entry: entry, votesLeft: max(0, rules.votesPerMember - used))
            }
            let entry = try await Self.standing(of: entryID, in: campaign, rules: rules, on: connection)
            try entry.checkVote(by: voter, campaign: campaign, rules: rules, at: now)
            let member = try await ParticipatingMember.lock(voter, tenant: tenant, on: connection)
            if let gone = member.whyGone("vote") { throw ContestEntry.Refusal(.memberDeleted, gone) }
            let used = try await Self.votesUsed(by: voter, in: campaign, on: connection)
            try ContestEntry.checkVoteAllowance(used: used, rules: rules, voter: voter)
            let inserted = try await connection.query(
                """
                INSERT INTO contest_votes (tenant_id, campaign_id, entry_id, voter_member_id, idempotency_key)
                VALUES (\(tenant.rawValue), \(campaign.id.rawValue), \(entryID.rawValue), \(voter.rawValue),
                        \(idempotencyKey))
                ON CONFLICT (tenant_id, entry_id, voter_member_id) DO NOTHING
                RETURNING 1
                """)
            guard !inserted.isEmpty else { throw Self.alreadyVoted(voter, entryID) }
            let counted = try await Self.standing(of: entryID, in: campaign, rules: rules, on: connection)
            return (entry: counted, votesLeft: rules.votesPerMember - used - 1)
        }
    }

    /// Records `judge`'s score of an entry (0 to 100, with an optional comment), replacing their
    /// earlier one, and answers with the entry's standing. Refused (``ContestEntry/Refusal``) unless
    /// the contest is decided by judges, has not finished, voting is open at `now` and no winners are
    /// declared. `notFound` for an entry the tenant does not have.
    public func score(
        _ entryID: ContestEntryID, judge: String, score: Double, comment: String?, tenant: TenantID,
        now: Date = Date()
    ) async throws -> ContestEntry {
        try ContestEntry.checkScore(score, comment: comment ?? "")
        return try await pool.withTenant(tenant) { connection in
            let (campaign, rules) = try await Self.contest(of: entryID, lock: .share, tenant: tenant, on: connection)
            let declared = try await connection.query(
                """
                SELECT 1 FROM contest_winners
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.id.rawValue) LIMIT 1
                """)
            try ContestEntry.checkScoring(campaign, rules: rules, winnersDeclared: !declared.isEmpty, at: now)
            try await connection.query(
                """
                INSERT INTO contest_scores (tenant_id, campaign_id, entry_id, judge, score, comment)
                VALUES (\(tenant.rawValue), \(campaign.id.rawValue), \(entryID.rawValue), \(judge), \(score), \(comment))
                ON CONFLICT (tenant_id, entry_id, judge)
                DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, scored_at = now()
                """)
            return try await Self.standing(of: entryID, in: campaign, rules: rules, on: connection)
        }
    }

    // MARK: Helpers

    /// The contest an entry belongs to, its campaign read under `lock`, and its rules; `notFound` for
    /// an entry the tenant does not have.
    static func contest(
        of entry: ContestEntryID, lock: CampaignActivityLock, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> (Campaign, ContestRules) {
        guard
            let row = try await connection.query(
                """
                SELECT campaign_id FROM contest_entries
                WHERE tenant_id = \(tenant.rawValue) AND entry_id = \(entry.rawValue)
                """
            ).first
        else { throw DomainError(code: .notFound, message: "no contest entry \(entry) in this tenant") }
        let campaign = try await lock.campaign(
            CampaignID(try row.decode(UUID.self, at: 0)), tenant: tenant, on: connection)
        let rules = try ContestEntry.contestRules(of: campaign)
        return (campaign, rules)
    }

    /// How many entries of `campaign` the member voted for.
    static func votesUsed(by voter: MemberID, in campaign: Campaign, on connection: PostgresConnection) async throws
        -> Int
    {
        try await connection.query(
            """
            SELECT count(*) FROM contest_votes
            WHERE tenant_id = \(campaign.tenantID.rawValue) AND voter_member_id = \(voter.rawValue)
              AND campaign_id = \(campaign.id.rawValue)
            """
        )[0].decode(Int.self, at: 0)
    }

    static func alreadyVoted(_ voter: MemberID, _ entry: ContestEntryID) -> ContestEntry.Refusal {
        ContestEntry.Refusal(.alreadyVoted, "member \(voter) voted for entry \(entry) already; one vote per entry")
    }
}
