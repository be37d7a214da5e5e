public import Foundation
public import HearthDomain
public import HearthPostgres

/// A lottery's public state as stored, plus its seed once revealed (never before).
public struct LotteryRecord: Sendable, Hashable {
    public var campaignID: CampaignID
    /// The campaign's lottery rules; `nil` while a draft has none yet.
    public var rules: LotteryRules?
    /// The draw algorithm: the committed one, or the one a commit would use.
    public var algorithm: String
    /// Lowercase hex SHA-256 of the seed; `nil` until committed.
    public var seedHash: String?
    public var committedAt: Date?
    public var entryCount: Int64
    /// Lowercase hex SHA-256 of the canonical entry list; set by the draw.
    public var entriesDigest: String?
    public var drawnAt: Date?
    /// By rank; empty until drawn.
    public var winners: [LotteryDraw.Winner]
    /// The seed; `nil` until revealed.
    public var seed: [UInt8]?
    public var revealedAt: Date?
}

/// One entry of a lottery's canonical entry list.
public struct LotteryEntryRecord: Sendable, Hashable {
    public var entryNumber: Int64
    public var memberID: MemberID
    public var enteredAt: Date

    /// The entry as the draw sees it.
    public var entry: LotteryDraw.Entry { LotteryDraw.Entry(entryNumber: entryNumber, memberID: memberID) }
}

/// The SQL of auditable lotteries (algorithm in ``LotteryDraw``): the seed's commitment, the
/// entry list, the draw and the reveal.
///
/// Each step locks the campaign's `lotteries` row, so entries are numbered 1…n without gaps or
/// repeats however many arrive at once, and a repeated commit, entry, draw or reveal finds the
/// first one's result and returns it unchanged (each step is naturally idempotent). Times come
/// from the database's clock, so replicas with skewed clocks agree on what came before the close.
/// The hash is handed in (`digest`, SHA-256) because the store cannot import the transport's
/// libcrypto binding.
public struct LotteryStore: Sendable {
    let pool: PostgresPool
    let digest: @Sendable ([UInt8]) -> [UInt8]

    public init(pool: PostgresPool, digest: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.pool = pool
        self.digest = digest
    }

    /// Commits to a fresh secret seed by storing it with its SHA-256. A lottery committed
    /// already returns its state unchanged (never a new seed). `notFound`; `failedPrecondition`
    /// when the campaign is no lottery, has no rules, is finished, or entries have closed (a seed
    /// chosen after the entry list is known could not be audited).
    public func commit(_ campaign: CampaignID, tenant: TenantID) async throws -> LotteryRecord {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            let rules = try Self.rules(of: found)
            let committed = try await connection.query(
                """
                SELECT 1 FROM lotteries WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                """)
            if committed.isEmpty {
                guard !found.status.isTerminal else {
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "the campaign is \(found.status.rawValue); its lottery can no longer be committed")
                }
                let now = try await Self.now(on: connection)
                guard now < rules.entriesCloseAt else {
                    throw DomainError(
                        code: .failedPrecondition,
                        message: "entries closed at \(Self.text(rules.entriesCloseAt)); a seed committed now could "
                            + "not be audited (it must be fixed before the entry list is), so this lottery cannot "
                            + "be drawn")
                }
                let seed = LotterySeed.random()
                // A concurrent commit that got in first wins; this one then returns its state.
                try await connection.query(
                    """
                    INSERT INTO lotteries (tenant_id, campaign_id, algorithm, seed, seed_hash, committed_at)
                    VALUES (\(tenant.rawValue), \(campaign.rawValue), \(LotteryDraw.algorithm), \(Data(seed.bytes)),
                            \(seed.commitment(digest: digest)), \(now))
                    ON CONFLICT (tenant_id, campaign_id) DO NOTHING
                    """)
            }
            return try await Self.record(of: campaign, rules: rules, tenant: tenant, on: connection)
        }
    }

    /// Enters a live member (not deleted, erased or merged away) into the draw as the next entry
    /// number. A member who entered already gets that entry back. `notFound` (campaign, member);
    /// `failedPrecondition` when the campaign is no lottery, no seed is committed yet, the
    /// campaign is not running (draft and scheduled lotteries are not open yet, paused ones take
    /// no entries meanwhile), entries have closed, or the member is gone.
    public func enter(_ member: MemberID, into campaign: CampaignID, tenant: TenantID) async throws
        -> LotteryEntryRecord
    {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            let rules = try Self.rules(of: found)
            // The lottery row's lock serialises entries: each takes max + 1 after the previous one
            // committed, so numbers are dense and never repeat.
            let locked = try await connection.query(
                """
                SELECT drawn_at FROM lotteries
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) FOR UPDATE
                """)
            guard let lottery = locked.first else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "no seed is committed for this lottery yet; commit one (CommitLotterySeed) before "
                        + "taking entries, so the draw can be audited")
            }
            if let existing = try await Self.entry(of: member, in: campaign, tenant: tenant, on: connection) {
                return existing
            }
            switch found.status {
            case .running: break
            case .draft, .scheduled:
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the campaign is \(found.status.rawValue); the lottery takes entries once it is launched")
            case .paused:
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the campaign is paused; the lottery takes no entries until it is resumed")
            case .completed, .cancelled:
                throw DomainError(
                    code: .failedPrecondition,
                    message: "the campaign is \(found.status.rawValue); the lottery takes no more entries")
            }
            let now = try await Self.now(on: connection)
            guard now < rules.entriesCloseAt, try lottery.decode(Date?.self, at: 0) == nil else {
                throw DomainError(
                    code: .failedPrecondition,
                    message: "entries closed at \(Self.text(rules.entriesCloseAt)); the lottery takes no more")
            }
            try await Self.checkLive(member, tenant: tenant, on: connection)
            let rows = try await connection.query(
                """
                INSERT INTO lottery_entries (tenant_id, campaign_id, entry_number, member_id, entered_at)
                SELECT \(tenant.rawValue), \(campaign.rawValue), coalesce(max(entry_number), 0) + 1, \(member.rawValue),
                       \(now)
                FROM lottery_entries WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
                RETURNING entry_number, member_id, entered_at
                """)
            return try LotteryEntryRecord(row: rows[0])
        }
    }

    /// The lottery's public state (the seed only once revealed). `notFound`; `failedPrecondition`
    /// when the campaign is no lottery.
    public func lottery(_ campaign: CampaignID, tenant: TenantID) async throws -> LotteryRecord {
        try await pool.withTenant(tenant) { connection in
            let found = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            return try await Self.record(
                of: campaign, rules: Self.optionalRules(of: found), tenant: tenant, on: connection)
        }
    }

    /// A page of the canonical entry list by entry number, after the entry of `member` (the last
    /// one of the previous page), at most `limit` (1 to 500). `nil` when `member` has no entry in
    /// this lottery (a cursor from elsewhere). `notFound`; `failedPrecondition` when the campaign
    /// is no lottery.
    public func entries(
        of campaign: CampaignID, tenant: TenantID, afterEntryOf member: MemberID?, limit: Int
    ) async throws -> (entries: [LotteryEntryRecord], more: Bool)? {
        let limit = max(1, min(limit, 500))
        return try await pool.withTenant(tenant) { connection in
            _ = try await Self.lotteryCampaign(campaign, tenant: tenant, on: connection)
            var after: Int64 = 0
            if let member {
                guard let entry = try await Self.entry(of: member, in: campaign, tenant: tenant, on: connection) else {
                    return nil
                }
                after = entry.entryNumber
            }
            let rows = try await connection.query(
                """
                SELECT entry_number, member_id, entered_at FROM lottery_entries
                WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) AND entry_number > \(after)
                ORDER BY entry_number LIMIT \(limit + 1)
                """
            ).map(LotteryEntryRecord.init(row:))
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    // MARK: Shared steps

    /// The campaign, which must exist and be a lottery.
    static func lotteryCampaign(
        _ id: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> Campaign {
        guard let found = try await CampaignStore.find(id, tenant: tenant, lock: false, on: connection) else {
            throw DomainError(code: .notFound, message: "no campaign \(id) in this tenant")
        }
        guard found.kind == .lottery else {
            throw DomainError(
                code: .failedPrecondition,
                message: "campaign \(id) is a \(found.kind.rawValue) campaign, not a lottery")
        }
        return found
    }

    /// The campaign's lottery rules, when it has them.
    static func optionalRules(of campaign: Campaign) -> LotteryRules? {
        if case .lottery(let rules)? = campaign.rules { return rules }
        return nil
    }

    /// The lottery rules a commit, entry or draw needs.
    static func rules(of campaign: Campaign) throws(DomainError) -> LotteryRules {
        guard let rules = optionalRules(of: campaign) else {
            throw DomainError(
                code: .failedPrecondition,
                message: "the lottery has no rules yet; give it lottery_rules (entries close time, winners, prizes) "
                    + "first")
        }
        return rules
    }

    /// Refuses a member who does not exist in the tenant (`notFound`) or is gone (`failedPrecondition`).
    static func checkLive(_ member: MemberID, tenant: TenantID, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT deleted_at IS NOT NULL, erased_at IS NOT NULL, merged_into_member_id FROM members
            WHERE tenant_id = \(tenant.rawValue) AND member_id = \(member.rawValue)
            """)
        guard let row = rows.first else {
            throw DomainError(code: .notFound, message: "no member \(member) in this tenant")
        }
        if let survivor = try row.decode(UUID?.self, at: 2) {
            throw DomainError(
                code: .failedPrecondition,
                message: "member \(member) was merged into \(MemberID(survivor)); enter that member instead")
        }
        if try row.decode(Bool.self, at: 1) {
            throw DomainError(code: .failedPrecondition, message: "member \(member) was erased and cannot enter")
        }
        if try row.decode(Bool.self, at: 0) {
            throw DomainError(code: .failedPrecondition, message: "member \(member) was deleted and cannot enter")
        }
    }

    static func entry(
        of member: MemberID, in campaign: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> LotteryEntryRecord? {
        try await connection.query(
            """
            SELECT entry_number, member_id, entered_at FROM lottery_entries
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue)
              AND member_id = \(member.rawValue)
            """
        ).first.map(LotteryEntryRecord.init(row:))
    }

    /// The whole entry list by entry number, for the draw and its verification.
    static func allEntries(
        of campaign: CampaignID, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> [LotteryDraw.Entry] {
        try await connection.query(
            """
            SELECT entry_number, member_id, entered_at FROM lottery_entries
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) ORDER BY entry_number
            """
        ).map { try LotteryEntryRecord(row: $0).entry }
    }

    /// The state of `campaign`'s lottery as stored now; an uncommitted lottery has only its rules.
    static func record(
        of campaign: CampaignID, rules: LotteryRules?, tenant: TenantID, on connection: PostgresConnection
    ) async throws -> LotteryRecord {
        let winners = try await connection.query(
            """
            SELECT rank, entry_number, member_id, prize FROM lottery_winners
            WHERE tenant_id = \(tenant.rawValue) AND campaign_id = \(campaign.rawValue) ORDER BY rank
            """
        ).map { row in
            LotteryDraw.Winner(
                rank: try row.decode(Int.self, at: 0), entryNumber: try row.decode(Int64.self, at: 1),
                memberID: MemberID(try row.decode(UUID.self, at: 2)), prize: try row.decode(String.self, at: 3))
        }
        let rows = try await connection.query(
            """
            SELECT algorithm, seed_hash, committed_at, entries_digest, drawn_at,
                   CASE WHEN revealed_at IS NOT NULL THEN seed END, revealed_at,
                   (SELECT count(*) FROM lottery_entries e
                    WHERE e.tenant_id = l.tenant_id AND e.campaign_id = l.campaign_id)
            FROM lotteries l WHERE l.tenant_id = \(tenant.rawValue) AND l.campaign_id = \(campaign.rawValue)
            """)
        guard let row = rows.first else {
            return LotteryRecord(
                campaignID: campaign, rules: rules, algorithm: LotteryDraw.algorithm, seedHash: nil, committedAt: nil,
                entryCount: 0, entriesDigest: nil, drawnAt: nil, winners: [], seed: nil, revealedAt: nil)
        }
        return LotteryRecord(
            campaignID: campaign, rules: rules, algorithm: try row.decode(String.self, at: 0),
            seedHash: try row.decode(String.self, at: 1), committedAt: try row.decode(Date.self, at: 2),
            entryCount: try row.decode(Int64.self, at: 7), entriesDigest: try row.decode(String?.self, at: 3),
            drawnAt: try row.decode(Date?.self, at: 4), winners: winners,
            seed: try row.decode(Data?.self, at: 5).map { [UInt8]($0) }, revealedAt: try row.decode(Date?.self, at: 6))
    }

    /// The database's clock: one time source for every replica.
    static func now(on connection: PostgresConnection) async throws -> Date {
        try await connection.query("SELECT clock_timestamp()")[0].decode(Date.self, at: 0)
    }

    /// An instant in messages: ISO 8601 in UTC.
    static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

extension LotteryEntryRecord {
    /// Reads `entry_number, member_id, entered_at`.
    init(row: PostgresRow) throws {
        self.init(
            entryNumber: try row.decode(Int64.self, at: 0), memberID: MemberID(try row.decode(UUID.self, at: 1)),
            enteredAt: try row.decode(Date.self, at: 2))
    }
}
