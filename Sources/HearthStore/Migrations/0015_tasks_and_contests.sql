-- 0015: tasks and challenges (tasks with a reward, members' claims with proof, reviewed by
-- operators) and contests (members' entries, members' votes or judges' scores, declared winners).
--
-- The rules that must hold under concurrent calls are the database's: one claim per member and task
-- waiting for review, one entry per member and contest, one vote per member and entry, one score per
-- judge and entry, winners recorded once. The service checks the rest (windows, allowances, own
-- entries) under row locks.

-- ---------------------------------------------------------------------------------------------
-- campaign_tasks

CREATE TABLE campaign_tasks (
    tenant_id             uuid        NOT NULL,
    task_id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id           uuid        NOT NULL,
    title                 text        NOT NULL CHECK (char_length(btrim(title)) BETWEEN 1 AND 200),
    details               text        NOT NULL DEFAULT '' CHECK (char_length(details) <= 4000),
    -- The reward of an approved claim: money (reward_amount in fen), points (reward_amount) or a
    -- gift an operator hands out (reward_gift); all NULL for a task without a reward.
    reward_kind           text        CHECK (reward_kind IN ('money', 'points', 'gift')),
    reward_amount         bigint      CHECK (reward_amount >= 0),
    reward_gift           text        CHECK (char_length(btrim(reward_gift)) BETWEEN 1 AND 200),
    proof_required        boolean     NOT NULL DEFAULT false,
    max_claims_per_member integer     NOT NULL DEFAULT 1 CHECK (max_claims_per_member BETWEEN 1 AND 1000),
    -- NULL bounds follow the campaign's period.
    claim_window_start    timestamptz,
    claim_window_end      timestamptz,
    -- CreateTask's idempotency key: a retry with the same key gets this task back.
    idempotency_key       text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, task_id),
    CONSTRAINT campaign_tasks_idempotency_key UNIQUE (tenant_id, campaign_id, idempotency_key),
    -- Lets claims prove their task belongs to their campaign.
    CONSTRAINT campaign_tasks_campaign_key UNIQUE (tenant_id, campaign_id, task_id),
    CONSTRAINT campaign_tasks_reward_shape CHECK (
        (reward_kind IS NULL AND reward_amount IS NULL AND reward_gift IS NULL)
        OR (reward_kind IN ('money', 'points') AND reward_amount IS NOT NULL AND reward_gift IS NULL)
        OR (reward_kind = 'gift' AND reward_gift IS NOT NULL AND reward_amount IS NULL)),
    CONSTRAINT campaign_tasks_window_order CHECK (claim_window_end > claim_window_start),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE
);
COMMENT ON TABLE campaign_tasks IS
    'Something members of a task_challenge campaign do for a reward, claimed with proof (when proof_required) '
    'and reviewed by an operator; a member may have up to max_claims_per_member approved claims on it.';

-- A campaign's tasks in the order they were made (ListTasks).
CREATE INDEX campaign_tasks_list_idx ON campaign_tasks (tenant_id, campaign_id, created_at, task_id);

-- ---------------------------------------------------------------------------------------------
-- task_claims

CREATE TABLE task_claims (
    tenant_id       uuid        NOT NULL,
    claim_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id     uuid        NOT NULL,
    task_id         uuid        NOT NULL,
    member_id       uuid        NOT NULL,
    proof_text      text        NOT NULL DEFAULT '' CHECK (char_length(proof_text) <= 4000),
    -- http(s) links to screenshots or posts.
    proof_urls      text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(proof_urls) <= 10),
    status          text        NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
    review_note     text        CHECK (char_length(review_note) BETWEEN 1 AND 2000),
    -- The reviewing operator as the access token names them (see call_lists.created_by).
    reviewed_by     text        CHECK (char_length(reviewed_by) BETWEEN 1 AND 200),
    -- ClaimTask's idempotency key: a retry with the same key gets this claim back.
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    reviewed_at     timestamptz,
    PRIMARY KEY (tenant_id, claim_id),
    CONSTRAINT task_claims_idempotency_key UNIQUE (tenant_id, task_id, idempotency_key),
    -- A claim is reviewed once, by someone, at some time; a rejection says why.
    CONSTRAINT task_claims_reviewed_when CHECK ((status = 'submitted') = (reviewed_at IS NULL)),
    CONSTRAINT task_claims_reviewed_by CHECK ((status = 'submitted') = (reviewed_by IS NULL)),
    CONSTRAINT task_claims_rejection_has_note CHECK (status <> 'rejected' OR review_note IS NOT NULL),
    FOREIGN KEY (tenant_id, campaign_id, task_id)
        REFERENCES campaign_tasks (tenant_id, campaign_id, task_id) ON DELETE CASCADE,
    -- Personal data: goes with a hard-deleted member.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE task_claims IS
    'A member''s claim that they did a task, with proof: submitted, then approved or rejected once by an operator '
    '(reviewed_by, reviewed_at, review_note). A rejected member may claim again; approved claims count against '
    'the task''s max_claims_per_member.';

-- At most one claim per member and task waits for review.
CREATE UNIQUE INDEX task_claims_one_waiting_idx ON task_claims (tenant_id, task_id, member_id)
    WHERE status = 'submitted';
-- The review queue, oldest first, per task and per campaign (ListClaims).
CREATE INDEX task_claims_task_queue_idx ON task_claims (tenant_id, task_id, submitted_at, claim_id);
CREATE INDEX task_claims_campaign_queue_idx ON task_claims (tenant_id, campaign_id, submitted_at, claim_id);
-- A member's claims: the allowance count, and deleting a member.
CREATE INDEX task_claims_member_idx ON task_claims (tenant_id, member_id, task_id);

-- ---------------------------------------------------------------------------------------------
-- contest_entries

CREATE TABLE contest_entries (
    tenant_id       uuid        NOT NULL,
    entry_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id     uuid        NOT NULL,
    member_id       uuid        NOT NULL,
    title           text        NOT NULL CHECK (char_length(btrim(title)) BETWEEN 1 AND 200),
    content         text        NOT NULL DEFAULT '' CHECK (char_length(content) <= 20000),
    -- http(s) links to photos, videos or posts.
    media_urls      text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(media_urls) <= 20),
    -- SubmitContestEntry's idempotency key: a retry with the same key gets this entry back.
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, entry_id),
    -- One entry per member and contest.
    CONSTRAINT contest_entries_member_key UNIQUE (tenant_id, campaign_id, member_id),
    -- Lets votes, scores and winners prove their entry belongs to their contest.
    CONSTRAINT contest_entries_campaign_key UNIQUE (tenant_id, campaign_id, entry_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE,
    -- Personal data: goes with a hard-deleted member.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE contest_entries IS
    'A member''s entry in a contest campaign (one per member), ranked by its votes or its judges'' average score; '
    'ties go to the earlier entry.';

-- Entries by submission (ListContestEntries, the ranking's tie-break).
CREATE INDEX contest_entries_submitted_idx ON contest_entries (tenant_id, campaign_id, submitted_at, entry_id);
-- Deleting a member cascades here.
CREATE INDEX contest_entries_member_idx ON contest_entries (tenant_id, member_id);

-- ---------------------------------------------------------------------------------------------
-- contest_votes

CREATE TABLE contest_votes (
    tenant_id       uuid        NOT NULL,
    campaign_id     uuid        NOT NULL,
    entry_id        uuid        NOT NULL,
    voter_member_id uuid        NOT NULL,
    -- CastContestVote's idempotency key: a retry with the same key is answered as the first call was.
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    cast_at         timestamptz NOT NULL DEFAULT now(),
    -- One vote per member and entry; also counts an entry's votes.
    PRIMARY KEY (tenant_id, entry_id, voter_member_id),
    FOREIGN KEY (tenant_id, campaign_id, entry_id)
        REFERENCES contest_entries (tenant_id, campaign_id, entry_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, voter_member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE contest_votes IS
    'A member''s vote for a contest entry (VOTES contests): one per member and entry, at most the contest''s '
    'votes_per_member entries per member, never for the voter''s own entry.';

-- How many entries a member voted for in a contest (votes_per_member); also deleting a member.
CREATE INDEX contest_votes_voter_idx ON contest_votes (tenant_id, voter_member_id, campaign_id);
-- Vote counts of a contest's entries.
CREATE INDEX contest_votes_campaign_idx ON contest_votes (tenant_id, campaign_id, entry_id);

-- ---------------------------------------------------------------------------------------------
-- contest_scores

CREATE TABLE contest_scores (
    tenant_id   uuid             NOT NULL,
    campaign_id uuid             NOT NULL,
    entry_id    uuid             NOT NULL,
    -- The judging operator as the access token names them.
    judge       text             NOT NULL CHECK (char_length(judge) BETWEEN 1 AND 200),
    score       double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment     text             CHECK (char_length(comment) BETWEEN 1 AND 2000),
    scored_at   timestamptz      NOT NULL DEFAULT now(),
    -- One score per judge and entry: a re-score replaces it.
    PRIMARY KEY (tenant_id, entry_id, judge),
    FOREIGN KEY (tenant_id, campaign_id, entry_id)
        REFERENCES contest_entries (tenant_id, campaign_id, entry_id) ON DELETE CASCADE
);
COMMENT ON TABLE contest_scores IS
    'An operator''s score of a contest entry (JUDGES contests), 0 to 100, with an optional comment; an entry ranks '
    'by the average of its judges'' scores.';

-- Average scores of a contest's entries.
CREATE INDEX contest_scores_campaign_idx ON contest_scores (tenant_id, campaign_id, entry_id);

-- ---------------------------------------------------------------------------------------------
-- contest_winners

CREATE TABLE contest_winners (
    tenant_id     uuid             NOT NULL,
    campaign_id   uuid             NOT NULL,
    winner_rank   integer          NOT NULL CHECK (winner_rank BETWEEN 1 AND 1000),
    entry_id      uuid             NOT NULL,
    -- What the entry ranked by when the winners were declared: its votes or its average score.
    ranking_value double precision NOT NULL CHECK (ranking_value >= 0),
    -- The declaring operator as the access token names them.
    declared_by   text             NOT NULL CHECK (char_length(declared_by) BETWEEN 1 AND 200),
    declared_at   timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, campaign_id, winner_rank),
    CONSTRAINT contest_winners_entry_key UNIQUE (tenant_id, campaign_id, entry_id),
    FOREIGN KEY (tenant_id, campaign_id, entry_id)
        REFERENCES contest_entries (tenant_id, campaign_id, entry_id) ON DELETE CASCADE
);
COMMENT ON TABLE contest_winners IS
    'The declared winners of a contest by rank (1 is first), written once from the final ranking; a repeated '
    'declaration reads them back.';

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('campaign_tasks', 'task_claims', 'contest_entries', 'contest_votes',
                                'contest_scores', 'contest_winners');
GRANT SELECT, INSERT, UPDATE, DELETE
    ON campaign_tasks, task_claims, contest_entries, contest_votes, contest_scores, contest_winners
    TO hearth_app;
