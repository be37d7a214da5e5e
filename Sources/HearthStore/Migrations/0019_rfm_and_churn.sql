-- 0019: per-member RFM scores and churn risk, written by the analytics worker's "rfm" and "churn"
-- jobs (rules: HearthDomain's RfmSegmentRules and ChurnRules). Tenant-wide summaries of both, and
-- the cohort and repurchase figures of the "retention" job, go to report_snapshots (0005).
--
-- Each table has one row per member the job scored and nothing else: a run rewrites the rows of
-- the members it scores and deletes those of members it no longer scores (deleted, erased, merged
-- away). They hold figures, not personal data, and go with their member (ON DELETE CASCADE).

-- ---------------------------------------------------------------------------------------------
-- member_rfm

CREATE TABLE member_rfm (
    tenant_id       uuid        NOT NULL,
    member_id       uuid        NOT NULL,
    -- Calendar days (tenant time zone) from the last purchase to the run's day.
    recency_days    integer     NOT NULL CHECK (recency_days >= 0),
    -- Orders and spend from the member's totals (members.order_count, total_spend_fen).
    frequency       integer     NOT NULL CHECK (frequency >= 1),
    monetary_fen    bigint      NOT NULL CHECK (monetary_fen >= 0),
    -- Quintiles, 1 (worst fifth) to 5 (best); equal figures share the lower quintile.
    recency_score   smallint    NOT NULL CHECK (recency_score BETWEEN 1 AND 5),
    frequency_score smallint    NOT NULL CHECK (frequency_score BETWEEN 1 AND 5),
    monetary_score  smallint    NOT NULL CHECK (monetary_score BETWEEN 1 AND 5),
    segment         text        NOT NULL CHECK (segment IN ('champions', 'loyal', 'potential_loyalist', 'new_customer',
                                                            'promising', 'needs_attention', 'about_to_sleep', 'at_risk',
                                                            'cannot_lose', 'hibernating', 'lost')),
    -- The run's "now" the figures are as of.
    computed_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, member_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE member_rfm IS
    'Recency, frequency and monetary quintiles and the named RFM segment of every live member who bought at least '
    'once, as of the last rfm job run; segment sizes and quintile boundaries are in report_snapshots (kind rfm).';

-- "Everyone in at_risk", segment sizes.
CREATE INDEX member_rfm_segment_idx ON member_rfm (tenant_id, segment);

-- ---------------------------------------------------------------------------------------------
-- member_churn

CREATE TABLE member_churn (
    tenant_id             uuid             NOT NULL,
    member_id             uuid             NOT NULL,
    -- 0 to 1, rounded to 4 decimals; 0: no signal, not a reactivation candidate.
    churn_risk            double precision NOT NULL CHECK (churn_risk BETWEEN 0 AND 1),
    signals               text[]           NOT NULL DEFAULT '{}'
                                           CHECK (signals <@ ARRAY['gone_silent', 'purchase_overdue', 'engagement_drop',
                                                                   'lapsed']::text[]),
    -- Kept between runs, recomputed only for members whose events changed (incremental runs):
    -- the median calendar days between consecutive purchases (NULL with fewer than two), and the
    -- events (joins and leaves aside) in the 30 days up to and including the last activity.
    usual_interval_days   double precision CHECK (usual_interval_days >= 0),
    events_before_silence integer          NOT NULL CHECK (events_before_silence >= 0),
    -- Events (joins and leaves aside) in the last 30 days before computed_at and in the 30 before those.
    recent_events         integer          NOT NULL DEFAULT 0 CHECK (recent_events >= 0),
    prior_events          integer          NOT NULL DEFAULT 0 CHECK (prior_events >= 0),
    -- The run's "now" the risk is as of.
    computed_at           timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, member_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE member_churn IS
    'Churn risk and its signals for every live member with recorded activity, as of the last churn job run '
    '(members.churn_risk carries the same risk); the reactivation list is the rows with a risk above 0, highest first.';

-- The reactivation list, highest risk first.
CREATE INDEX member_churn_risk_idx ON member_churn (tenant_id, churn_risk DESC, member_id) WHERE churn_risk > 0;

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('member_rfm', 'member_churn');

GRANT SELECT, INSERT, UPDATE, DELETE ON member_rfm, member_churn TO hearth_app;
