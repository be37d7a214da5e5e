-- 0020: what the community_health job computes for each group and day. (The campaign_reports job
-- keeps its funnels in report_snapshots, kind 'campaign_funnel', one per campaign.)

-- ---------------------------------------------------------------------------------------------
-- community_health_days

CREATE TABLE community_health_days (
    tenant_id          uuid             NOT NULL,
    community_id       uuid             NOT NULL,
    -- A calendar day in the tenant's time zone.
    day                date             NOT NULL,
    -- Memberships joined before the day ended and not left by then.
    members            integer          NOT NULL CHECK (members >= 0),
    -- The group's capacity when the day was computed.
    capacity           integer          NOT NULL CHECK (capacity > 0),
    -- Distinct members with any event in the group that day.
    active_members     integer          NOT NULL CHECK (active_members >= 0),
    messages           bigint           NOT NULL CHECK (messages >= 0),
    joins              integer          NOT NULL CHECK (joins >= 0),
    leaves             integer          NOT NULL CHECK (leaves >= 0),
    -- Members without a message in the group in the lurker window (default 30 days) ending with the day.
    lurkers            integer          NOT NULL CHECK (lurkers >= 0),
    lurker_share       double precision NOT NULL CHECK (lurker_share BETWEEN 0 AND 1),
    -- Joins in the inflow window (default 7 days) ending with the day.
    recent_joins       integer          NOT NULL CHECK (recent_joins >= 0),
    -- Whether the owner or an admin did anything in the group in the staff window (default 7 days).
    staff_active       boolean          NOT NULL,
    -- Days running the active members fell, and days running the group was near capacity: what
    -- the warnings' "since" counts back from, and what the next incremental run continues.
    decline_days       integer          NOT NULL DEFAULT 0 CHECK (decline_days >= 0),
    near_capacity_days integer          NOT NULL DEFAULT 0 CHECK (near_capacity_days >= 0),
    -- [{"kind": "near_capacity", "message": "…", "since": <epoch seconds>, "suggestion": "…"}, …]
    warnings           jsonb            NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array'),
    -- 0 to 100, see HearthDomain's CommunityHealthRules.
    score              double precision NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    computed_at        timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, community_id, day),
    CONSTRAINT community_health_days_lurkers_are_members CHECK (lurkers <= members),
    -- Derived figures: they go with the group.
    FOREIGN KEY (tenant_id, community_id) REFERENCES communities (tenant_id, community_id) ON DELETE CASCADE
);
COMMENT ON TABLE community_health_days IS
    'Each group''s health per calendar day (tenant time zone), computed by the community_health job: headcount, '
    'activity, inflow and outflow, lurkers, silence and capacity warnings and a 0-100 score. Recomputed in place '
    'for recent days, so re-running gives the same rows; older days stay as they were computed.';

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('community_health_days');

GRANT SELECT, INSERT, UPDATE, DELETE ON community_health_days TO hearth_app;
