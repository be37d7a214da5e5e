-- 0011: what the campaign engine needs beyond 0004: every send attempt on record, how far each
-- occurrence phase was planned, and the list of tenants the engine walks.

-- ---------------------------------------------------------------------------------------------
-- campaigns.messages: what each phase says, and when.

ALTER TABLE campaigns ADD COLUMN messages jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(messages) = 'array');
-- Why it was paused or cancelled, and since when it is paused (resuming skips what fell due meanwhile).
ALTER TABLE campaigns ADD COLUMN status_reason text CHECK (char_length(status_reason) <= 2000);
ALTER TABLE campaigns ADD COLUMN paused_at timestamptz;
COMMENT ON COLUMN campaigns.messages IS
    'The phase messages in order: phase, timing relative to the occurrence, text or SMS template, channels.';

-- ---------------------------------------------------------------------------------------------
-- deliveries: one row per message of a phase (a warm-up has several), and a time it is due from.

ALTER TABLE deliveries ADD COLUMN message_index integer NOT NULL DEFAULT 0 CHECK (message_index >= 0);
COMMENT ON COLUMN deliveries.message_index IS 'Which of the campaign''s messages this is (campaigns.messages[i]).';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_once_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_once_key
    UNIQUE (tenant_id, occurrence_id, phase, message_index, member_id, channel);

ALTER TABLE deliveries ADD COLUMN not_before timestamptz;
COMMENT ON COLUMN deliveries.not_before IS 'When a held-back message (quiet hours) is due again; NULL: due now.';

-- ---------------------------------------------------------------------------------------------
-- delivery_attempts

CREATE TABLE delivery_attempts (
    tenant_id   uuid        NOT NULL,
    delivery_id uuid        NOT NULL,
    attempt     integer     NOT NULL CHECK (attempt >= 1),
    -- The sender process that made it (host, pid and a random part).
    sender      text        NOT NULL CHECK (char_length(sender) BETWEEN 1 AND 200),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('sent', 'retryable', 'permanent')),
    status_code integer,
    error       text        CHECK (char_length(error) <= 4000),
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES deliveries (tenant_id, delivery_id) ON DELETE CASCADE
);
COMMENT ON TABLE delivery_attempts IS
    'Each try of a channel adapter for a delivery, with what the channel answered: the evidence behind a sent, '
    'retried or failed message.';

-- ---------------------------------------------------------------------------------------------
-- occurrence_phase_plans

CREATE TABLE occurrence_phase_plans (
    tenant_id     uuid        NOT NULL,
    occurrence_id uuid        NOT NULL,
    phase         text        NOT NULL CHECK (phase IN ('announce', 'warm_up', 'live', 'review')),
    message_index integer     NOT NULL CHECK (message_index >= 0),
    -- 'planned': every delivery of the phase is in the outbox; 'skipped': the phase's time passed
    -- while the campaign was paused, so it is not sent late.
    state         text        NOT NULL CHECK (state IN ('planned', 'skipped')),
    deliveries    integer     NOT NULL DEFAULT 0 CHECK (deliveries >= 0),
    decided_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, occurrence_id, message_index),
    FOREIGN KEY (tenant_id, occurrence_id) REFERENCES campaign_occurrences (tenant_id, occurrence_id) ON DELETE CASCADE
);
COMMENT ON TABLE occurrence_phase_plans IS
    'Which phases of an occurrence were put into the outbox (or skipped): the planner''s memory, so a restart '
    'neither plans a phase twice nor forgets one. Planning itself is idempotent through deliveries_once_key.';

SELECT hearth_isolate_by_tenant('delivery_attempts', 'occurrence_phase_plans');
GRANT SELECT, INSERT, UPDATE, DELETE ON delivery_attempts, occurrence_phase_plans TO hearth_app;

-- ---------------------------------------------------------------------------------------------
-- The tenants the engine walks

-- The campaign engine runs for every tenant, but hearth_app sees one tenant at a time. This
-- function, owned by the schema owner (whose policy on tenants shows every row, see 0006), tells
-- it which tenants exist and nothing else.
CREATE FUNCTION hearth_tenant_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public
    AS $$ SELECT tenant_id FROM tenants ORDER BY tenant_id $$;
COMMENT ON FUNCTION hearth_tenant_ids() IS 'Every tenant id, for processes that work across tenants (schedulers, senders).';
REVOKE EXECUTE ON FUNCTION hearth_tenant_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hearth_tenant_ids() TO hearth_app;
