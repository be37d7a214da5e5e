-- 0018: what the analytics worker's member jobs keep beyond the computed columns of members and
-- memberships (engagement_score, lifecycle_stage, social_role): the parts of each engagement score,
-- every lifecycle move, and a tenant's tuning of the three jobs. The formulas live in HearthDomain
-- (EngagementWeights, LifecycleRules, SocialRoleRules).

-- ---------------------------------------------------------------------------------------------
-- events: "recorded since"
--
-- An incremental scores run recomputes the members who have events recorded since the last run,
-- including late imports of old events, which an occurred_at index cannot find. Every partition
-- gets the index, so the probe is one index range scan per partition. IF NOT EXISTS: another
-- migration may have created the same index for the same need.
CREATE INDEX IF NOT EXISTS events_recorded_idx ON events (tenant_id, recorded_at) INCLUDE (member_id);

-- ---------------------------------------------------------------------------------------------
-- member_score_contributions

CREATE TABLE member_score_contributions (
    tenant_id   uuid             NOT NULL,
    member_id   uuid             NOT NULL,
    kind        text             NOT NULL CHECK (kind IN ('message', 'check_in', 'share', 'referral', 'purchase',
                                                          'campaign_participation', 'visit', 'feedback', 'join', 'leave')),
    event_count bigint           NOT NULL CHECK (event_count > 0),
    -- Points after weighting and time decay, as of computed_at.
    points      double precision NOT NULL CHECK (points >= 0),
    computed_at timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, member_id, kind),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE member_score_contributions IS
    'What each kind of event adds to a member''s engagement score (members.engagement_score = '
    '100 * (1 - exp(-sum(points) / k))), so the score can be explained. Written by the scores job: members with '
    'new events are recomputed, the others'' points multiplied by the decay since computed_at.';

-- ---------------------------------------------------------------------------------------------
-- lifecycle_moves

CREATE TABLE lifecycle_moves (
    tenant_id  uuid        NOT NULL,
    move_id    uuid        NOT NULL DEFAULT gen_random_uuid(),
    member_id  uuid        NOT NULL,
    from_stage text        NOT NULL CHECK (from_stage IN ('audience', 'user', 'fan', 'community', 'lapsed')),
    to_stage   text        NOT NULL CHECK (to_stage IN ('audience', 'user', 'fan', 'community', 'lapsed')),
    -- A stable lowercase code, e.g. first_purchase, repeat_purchase, no_purchase_90d.
    reason     text        NOT NULL CHECK (reason ~ '^[a-z][a-z0-9_]{0,63}$'),
    moved_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, move_id),
    CONSTRAINT lifecycle_moves_change CHECK (from_stage <> to_stage),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE lifecycle_moves IS
    'Every change of a member''s lifecycle stage made by the lifecycle job, with its reason and time: the history '
    'behind members.lifecycle_stage and the moves counted in reports. Append-only.';

-- A member's history, newest first.
CREATE INDEX lifecycle_moves_member_idx ON lifecycle_moves (tenant_id, member_id, moved_at DESC);
-- The moves of a period.
CREATE INDEX lifecycle_moves_time_idx ON lifecycle_moves (tenant_id, moved_at);

-- ---------------------------------------------------------------------------------------------
-- member_job_settings

CREATE TABLE member_job_settings (
    tenant_id  uuid        NOT NULL,
    job_name   text        NOT NULL CHECK (job_name IN ('scores', 'lifecycle', 'social_roles')),
    -- Setting name to value as text, e.g. {"weight.purchase": "10", "half_life_days": "14"}.
    settings   jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_name),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE
);
COMMENT ON TABLE member_job_settings IS
    'A tenant''s tuning of the scores, lifecycle and social_roles jobs (weights, half-life, thresholds) over the '
    'defaults in HearthDomain. A run given such parameters saves them here, so scheduled runs keep using them.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON member_job_settings FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('member_score_contributions', 'lifecycle_moves', 'member_job_settings');

GRANT SELECT, INSERT, UPDATE, DELETE ON member_score_contributions, lifecycle_moves, member_job_settings TO hearth_app;
