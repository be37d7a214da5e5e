-- 0005: the analytics worker's schedule, its runs (leased work) and the reports it stores.

-- ---------------------------------------------------------------------------------------------
-- jobs

CREATE TABLE jobs (
    tenant_id   uuid        NOT NULL,
    job_name    text        NOT NULL CHECK (job_name ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    -- Five or six cron fields, or a macro such as @daily, in the tenant's time zone. NULL: on demand only.
    cron        text        CHECK (char_length(cron) <= 128 AND cron ~ '^(@[a-z]+|[^[:space:]]+([[:space:]]+[^[:space:]]+){4,5})$'),
    enabled     boolean     NOT NULL DEFAULT true,
    last_run_at timestamptz,
    -- When the schedule next falls due (computed from cron by the worker); what schedulers poll.
    next_run_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_name),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE
);
COMMENT ON TABLE jobs IS
    'Per-tenant schedule of the analytics worker''s jobs (scores, roles, lifecycle, reports), so each company '
    'can run them at its own hours or switch them off.';

CREATE INDEX jobs_due_idx ON jobs (tenant_id, next_run_at) WHERE enabled;
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- job_runs

CREATE TABLE job_runs (
    tenant_id        uuid        NOT NULL,
    run_id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    job_name         text        NOT NULL,
    status           text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    -- Parameters of an on-demand run (e.g. the report period); {} for scheduled runs.
    params           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    -- The worker holding the run and until when; a dead worker's expired lease is taken over.
    lease_owner      text        CHECK (char_length(lease_owner) BETWEEN 1 AND 200),
    lease_expires_at timestamptz,
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    queued_at        timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    rows_affected    bigint      CHECK (rows_affected >= 0),
    error            text        CHECK (char_length(error) <= 8000),
    PRIMARY KEY (tenant_id, run_id),
    CONSTRAINT job_runs_running_has_lease
        CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL AND started_at IS NOT NULL)),
    CONSTRAINT job_runs_finished_has_time CHECK ((status IN ('succeeded', 'failed')) = (finished_at IS NOT NULL)),
    CONSTRAINT job_runs_finish_after_start CHECK (finished_at >= started_at),
    FOREIGN KEY (tenant_id, job_name) REFERENCES jobs (tenant_id, job_name) ON DELETE CASCADE
);
COMMENT ON TABLE job_runs IS
    'Each run of a job, queued by the schedule or on demand. Workers claim queued runs (or running ones whose '
    'lease expired) with FOR UPDATE SKIP LOCKED; at most one run of a job is running at a time.';

-- What workers claim from, oldest first.
CREATE INDEX job_runs_claim_idx ON job_runs (tenant_id, status, queued_at) WHERE status IN ('queued', 'running');
-- No job runs twice at once: a takeover re-leases the running row instead of starting another.
CREATE UNIQUE INDEX job_runs_one_running_idx ON job_runs (tenant_id, job_name) WHERE status = 'running';
CREATE INDEX job_runs_history_idx ON job_runs (tenant_id, job_name, queued_at);

-- ---------------------------------------------------------------------------------------------
-- report_snapshots

CREATE TABLE report_snapshots (
    tenant_id    uuid        NOT NULL,
    report_id    uuid        NOT NULL DEFAULT gen_random_uuid(),
    kind         text        NOT NULL CHECK (kind IN ('engagement', 'social_roles', 'lifecycle_moves', 'rfm', 'churn_risk',
                                                      'reactivation', 'community_health', 'campaign_funnel',
                                                      'revenue_pacing', 'repurchase', 'cohort_retention')),
    -- The community or campaign the report is about; NULL for tenant-wide reports. No foreign key:
    -- it points at different tables by kind, and a report outlives what it describes.
    subject_id   uuid,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    body         jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, report_id),
    CONSTRAINT report_snapshots_period_order CHECK (period_end >= period_start),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE
);
COMMENT ON TABLE report_snapshots IS
    'Reports computed in SQL by the analytics worker and kept as JSON, so dashboards read a finished answer '
    'instead of re-running heavy queries, and past figures stay as they were reported.';

-- "The latest funnel of campaign X for this period".
CREATE INDEX report_snapshots_lookup_idx ON report_snapshots (tenant_id, kind, subject_id, period_start, computed_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('jobs', 'job_runs', 'report_snapshots');

GRANT SELECT, INSERT, UPDATE, DELETE ON jobs, job_runs, report_snapshots TO hearth_app;
