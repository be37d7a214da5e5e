import Foundation
public import HearthDomain
import HearthPostgres

/// Drawing, revealing and re-checking a lottery.
extension LotteryStore {
    /// Draws the winners from the seed and the closed entry list (``LotteryDraw``) and fixes the
    /// list's digest; a lottery drawn already returns the same winners. `notFound`;
    /// `failedPrecondition` when the campaign is no lottery or was cancelled, entries are still
    /// open, or no seed was committed before they closed (such a draw could not be audited).
    public func draw(_ campaign: CampaignID, tenant: TenantID) async throws -> LotteryRecord {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            let rules = try Self.rules(of: found)
            let locked = try await connection.query(
                """
                SELECT committed_at, drawn_at, seed FROM lotteries
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) FOR UPDATE
                """)
            if let lottery = locked.first, try lottery.decode(Date?.self, at: 1) != nil {
                return try await Self.record(of: campaign, rules: rules, tenant: tenant, on: connection)
            }
            let close = Self.text(rules.entriesCloseAt)
            let now = try await Self.now(on: connection)
            guard now >= rules.entriesCloseAt else {
                throw DomainError(
                    code: .failedPrecondition, message: "entries stay open until \(close); draw after that")
            }
            guard let lottery = locked.first else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "no seed was committed before entries closed at \(close), so a draw could not be "
                        + "audited (the seed must be fixed before the entry list is); this lottery cannot be drawn")
            }
            let committedAt = try lottery.decode(Date.self, at: 0)
            guard committedAt < rules.entriesCloseAt else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the seed was committed at \(Self.text(committedAt)), not before entries closed at "
                        + "\(close), so a draw from it could not be audited; this lottery cannot be drawn")
            }
            guard found.status != .cancelled else {
                throw DomainError(
                    code: .failedPrecondition, message: "the campaign was cancelled; its lottery is not drawn")
            }
            let seed = [UInt8](try lottery.decode(Data.self, at: 2))
            let entries = try await Self.allEntries(of: campaign, tenant: tenant, on: connection)
            let winners = try LotteryDraw.winners(seed: seed, entries: entries, rules: rules, digest: digest)
            if !winners.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO lottery_winners (tenant_id, campaign_id, rank, entry_number, member_id, prize)
                    SELECT \(tenant.rawValue), \(campaign.rawValue), w.rank, w.entry_number, w.member_id, w.prize
                    FROM unnest(\(winners.map { Int64($0.rank) }), \(winners.map(\.entryNumber)),
                                \(winners.map(\.memberID.rawValue)), \(winners.map(\.prize)))
                         AS w (rank, entry_number, member_id, prize)
                    """)
            }
            try await connection.query(
                """
                UPDATE lotteries SET entries_digest = \(LotteryDraw.entriesDigest(of: entries, digest: digest)),
                                     drawn_at = \(now)
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                """)
            return try await Self.record(of: campaign, rules: rules, tenant: tenant, on: connection)
        }
    }

    /// Publishes the seed after the draw; a seed revealed already stays as it is. `notFound`;
    /// `failedPrecondition` when the campaign is no lottery, no seed was committed, or the
    /// lottery is not drawn yet (a seed shown earlier would let anyone predict the draw).
    public func reveal(_ campaign: CampaignID, tenant: TenantID) async throws -> LotteryRecord {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            let locked = try await connection.query(
                """
                SELECT drawn_at, revealed_at FROM lotteries
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) FOR UPDATE
                """)
            guard let lottery = locked.first else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "no seed was committed for this lottery; there is none to reveal")
            }
            guard try lottery.decode(Date?.self, at: 0) != nil else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the seed is revealed after the draw; draw the lottery first (DrawLottery)")
            }
            if try lottery.decode(Date?.self, at: 1) == nil {
                let now = try await Self.now(on: connection)
                try await connection.query(
                    """
                    UPDATE lotteries SET revealed_at = \(now)
                    WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                    """)
            }
            return try await Self.record(
                of: campaign, rules: Self.optionalRules(of: found), tenant: tenant, on: connection)
        }
    }

    /// Re-runs the draw from the revealed seed and the stored entry list and compares it with the
    /// record: what a tampered entry list or winner list would show. `notFound`;
    /// `failedPrecondition` when the campaign is no lottery or the seed is not revealed yet.
    public func verify(_ campaign: CampaignID, tenant: TenantID) async throws -> LotteryDraw.Verification {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            let rules = try Self.rules(of: found)
            let record = try await Self.record(of: campaign, rules: rules, tenant: tenant, on: connection)
            guard let seed = record.seed, let seedHash = record.seedHash, let entriesDigest = record.entriesDigest
            else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the seed is revealed after the draw; verify once the lottery is drawn and its seed "
                        + "revealed (RevealLotterySeed)")
            }
            return LotteryDraw.verify(
                seed: seed, seedHash: seedHash,
                entries: try await Self.allEntries(of: campaign, tenant: tenant, on: connection),
                entriesDigest: entriesDigest, recordedWinners: record.winners, rules: rules, digest: digest)
        }
    }
}
