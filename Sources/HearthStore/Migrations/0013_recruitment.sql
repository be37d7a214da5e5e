-- 0013: recruitment: call lists built from a recruitment campaign's audience and split among
-- agents, one entry per member to call with what the calls came to, and every recorded outcome.

-- ---------------------------------------------------------------------------------------------
-- call_lists

CREATE TABLE call_lists (
    tenant_id          uuid        NOT NULL,
    call_list_id       uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id        uuid        NOT NULL,
    -- The operator as the access token names them (see join_links.created_by).
    created_by         text        NOT NULL CHECK (char_length(created_by) BETWEEN 1 AND 200),
    entry_count        integer     NOT NULL CHECK (entry_count >= 0),
    -- The agents the list was split among, in dealing order (one may hold no entry when there were
    -- fewer members than agents).
    agent_operator_ids uuid[]      NOT NULL CHECK (cardinality(agent_operator_ids) >= 1),
    -- BuildCallList's idempotency key: a retry with the same key gets this list back.
    idempotency_key    text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, call_list_id),
    CONSTRAINT call_lists_idempotency_key UNIQUE (tenant_id, campaign_id, idempotency_key),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE
);
COMMENT ON TABLE call_lists IS
    'The members of a recruitment campaign''s audience to call, as the audience stood when the list was built '
    '(reachable by phone, consenting to calls, not in the campaign''s community yet), split evenly among agents.';

CREATE INDEX call_lists_campaign_idx ON call_lists (tenant_id, campaign_id, created_at, call_list_id);

-- ---------------------------------------------------------------------------------------------
-- call_list_entries

CREATE TABLE call_list_entries (
    tenant_id         uuid        NOT NULL,
    entry_id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    call_list_id      uuid        NOT NULL,
    member_id         uuid        NOT NULL,
    -- A copy of the member's name and phone when the list was built: the agent calls from it.
    -- Both are cleared when the member is erased (see hearth_scrub_erased_call_entries).
    display_name      text        CHECK (char_length(display_name) BETWEEN 1 AND 1000),
    phone_e164        text        CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    agent_operator_id uuid        NOT NULL,
    outcome           text        NOT NULL DEFAULT 'pending'
                                  CHECK (outcome IN ('pending', 'not_reached', 'declined', 'invited', 'joined')),
    -- The last note an agent left (call_outcomes keeps every one).
    note              text        CHECK (char_length(note) <= 2000),
    attempts          integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When the last outcome was recorded.
    called_at         timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, entry_id),
    CONSTRAINT call_list_entries_member_key UNIQUE (tenant_id, call_list_id, member_id),
    -- Pending means never called: no attempt and no call time; any recorded outcome counts one.
    CONSTRAINT call_list_entries_pending_uncalled CHECK ((outcome = 'pending') = (attempts = 0)),
    CONSTRAINT call_list_entries_called_when CHECK ((attempts = 0) = (called_at IS NULL)),
    FOREIGN KEY (tenant_id, call_list_id) REFERENCES call_lists (tenant_id, call_list_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE call_list_entries IS
    'One member to call on a call list, assigned to one agent, with the latest outcome, note and attempt count. '
    'joined is final; the service refuses any outcome after it.';

-- An agent's own entries of a list in paging order (created_at is the list's build time for all).
CREATE INDEX call_list_entries_agent_idx ON call_list_entries (tenant_id, call_list_id, agent_operator_id, member_id);
-- Deleting a member cascades here.
CREATE INDEX call_list_entries_member_idx ON call_list_entries (tenant_id, member_id);
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON call_list_entries
    FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- call_outcomes: the history

CREATE TABLE call_outcomes (
    tenant_id       uuid        NOT NULL,
    outcome_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
    entry_id        uuid        NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('not_reached', 'declined', 'invited', 'joined')),
    note            text        CHECK (char_length(note) <= 2000),
    -- Who recorded it, as the access token names them: the entry's agent, or an operator for them.
    recorded_by     text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 200),
    -- RecordCallOutcome's idempotency key: a retry with the same key records nothing twice.
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, outcome_id),
    -- Also serves reading an entry's history.
    CONSTRAINT call_outcomes_idempotency_key UNIQUE (tenant_id, entry_id, idempotency_key),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES call_list_entries (tenant_id, entry_id) ON DELETE CASCADE
);
COMMENT ON TABLE call_outcomes IS
    'Append-only history of call outcomes: one row per outcome recorded on a call list entry, with who recorded '
    'it and when, so an agent''s work and a member''s answers can be reviewed call by call.';

-- ---------------------------------------------------------------------------------------------
-- Erasure reaches the copies

-- Erasing a member (MemberStore.erase sets members.erased_at) must leave their personal data
-- nowhere: the name and phone a call list copied, and the agents' notes about them, go too. A
-- trigger, so no erasure path can forget the tables of a later feature; only the row that turns
-- erased fires it.
CREATE FUNCTION hearth_scrub_erased_call_entries() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE call_outcomes o SET note = NULL
    FROM call_list_entries e
    WHERE e.tenant_id = NEW.tenant_id AND e.member_id = NEW.member_id
      AND o.tenant_id = e.tenant_id AND o.entry_id = e.entry_id AND o.note IS NOT NULL;
    UPDATE call_list_entries SET display_name = NULL, phone_e164 = NULL, note = NULL
    WHERE tenant_id = NEW.tenant_id AND member_id = NEW.member_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION hearth_scrub_erased_call_entries() IS
    'AFTER UPDATE trigger on members: clears the call list copies (name, phone, notes) of a member being erased.';

CREATE TRIGGER scrub_call_entries_on_erasure AFTER UPDATE OF erased_at ON members
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION hearth_scrub_erased_call_entries();

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('call_lists', 'call_list_entries', 'call_outcomes');
GRANT SELECT, INSERT, UPDATE, DELETE ON call_lists, call_list_entries, call_outcomes TO hearth_app;
GRANT EXECUTE ON FUNCTION hearth_scrub_erased_call_entries() TO hearth_app;
