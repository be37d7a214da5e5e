-- 0014: lotteries anyone can audit. The service commits to a secret seed (publishing its SHA-256)
-- before entries close, numbers entries 1…n in the order they come, draws from the seed and the
-- entry list's digest once entries close, and reveals the seed after the draw (algorithm
-- "hearth-lottery-v1", see HearthDomain's LotteryDraw).
--
-- Entries and winners are the audit trail: the service role may add them but never change or
-- remove them, and they block deleting the members and the lottery they name (no cascade).

-- ---------------------------------------------------------------------------------------------
-- lotteries: one per lottery campaign, from the seed's commitment on

CREATE TABLE lotteries (
    tenant_id      uuid        NOT NULL,
    campaign_id    uuid        NOT NULL,
    algorithm      text        NOT NULL CHECK (algorithm IN ('hearth-lottery-v1')),
    -- Secret until revealed_at: GetLottery shows it only after the reveal.
    seed           bytea       NOT NULL CHECK (octet_length(seed) = 32),
    -- Lowercase hex SHA-256 of the seed bytes, published at once.
    seed_hash      text        NOT NULL CHECK (seed_hash ~ '^[0-9a-f]{64}$'),
    committed_at   timestamptz NOT NULL,
    -- Lowercase hex SHA-256 of the canonical entry list the draw used.
    entries_digest text        CHECK (entries_digest ~ '^[0-9a-f]{64}$'),
    drawn_at       timestamptz,
    revealed_at    timestamptz,
    PRIMARY KEY (tenant_id, campaign_id),
    -- Drawn needs committed first, and fixes the entry list's digest in the same step.
    CONSTRAINT lotteries_drawn_after_commit CHECK (drawn_at >= committed_at),
    CONSTRAINT lotteries_drawn_has_digest CHECK ((drawn_at IS NULL) = (entries_digest IS NULL)),
    -- Revealed needs drawn: a seed shown before the draw would let anyone predict it.
    CONSTRAINT lotteries_revealed_after_draw CHECK (revealed_at IS NULL OR (drawn_at IS NOT NULL AND revealed_at >= drawn_at)),
    -- A draft with nothing but a commitment can still be deleted; entries block it (see below).
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE
);
COMMENT ON TABLE lotteries IS
    'The commit/reveal record of a lottery campaign: the secret seed and its published SHA-256 (committed before '
    'entries close), the digest of the entry list drawn from, and when it was drawn and the seed revealed.';
COMMENT ON COLUMN lotteries.seed IS '32 random bytes; never shown before revealed_at is set.';

-- ---------------------------------------------------------------------------------------------
-- lottery_entries: the canonical entry list

CREATE TABLE lottery_entries (
    tenant_id    uuid        NOT NULL,
    campaign_id  uuid        NOT NULL,
    -- 1…n without gaps, in order of entry: taken as max + 1 under the lottery row's lock.
    entry_number bigint      NOT NULL CHECK (entry_number >= 1),
    member_id    uuid        NOT NULL,
    entered_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, entry_number),
    -- One entry per member and lottery.
    CONSTRAINT lottery_entries_member_key UNIQUE (tenant_id, campaign_id, member_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES lotteries (tenant_id, campaign_id),
    -- Audit trail: hard-deleting an entered member is refused rather than rewriting the list.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id)
);
COMMENT ON TABLE lottery_entries IS
    'Who entered a lottery, numbered 1…n in order of entry: the canonical entry list whose digest the draw '
    'uses. Rows are added, never changed or removed.';

CREATE INDEX lottery_entries_member_idx ON lottery_entries (tenant_id, member_id);

-- ---------------------------------------------------------------------------------------------
-- lottery_winners

CREATE TABLE lottery_winners (
    tenant_id    uuid    NOT NULL,
    campaign_id  uuid    NOT NULL,
    -- 1 is the first prize.
    rank         integer NOT NULL CHECK (rank >= 1),
    entry_number bigint  NOT NULL,
    member_id    uuid    NOT NULL,
    prize        text    NOT NULL CHECK (char_length(prize) <= 200),
    PRIMARY KEY (tenant_id, campaign_id, rank),
    CONSTRAINT lottery_winners_entry_key UNIQUE (tenant_id, campaign_id, entry_number),
    FOREIGN KEY (tenant_id, campaign_id, entry_number) REFERENCES lottery_entries (tenant_id, campaign_id, entry_number),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id)
);
COMMENT ON TABLE lottery_winners IS
    'The drawn winners of a lottery by rank, with the prize of each rank as the rules named it at the draw.';

CREATE INDEX lottery_winners_member_idx ON lottery_winners (tenant_id, member_id);

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('lotteries', 'lottery_entries', 'lottery_winners');

-- The lottery row moves commit → drawn → revealed; entries and winners are only ever added.
GRANT SELECT, INSERT, UPDATE ON lotteries TO hearth_app;
GRANT SELECT, INSERT ON lottery_entries, lottery_winners TO hearth_app;
-- 0001's default privileges also grant UPDATE and DELETE on every new table: take them back, so
-- the service can only append to the audit trail.
REVOKE UPDATE, DELETE ON lottery_entries, lottery_winners FROM hearth_app;
