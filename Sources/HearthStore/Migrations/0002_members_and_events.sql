-- 0002: members, how we recognise and may contact them, and what they do (events).
--
-- ON DELETE policy for member references: a member is normally never deleted; removal is a soft
-- delete (deleted_at) and erasure scrubs personal data in place (erased_at). For the rare hard
-- delete, personal data about the member cascades (identities, consents), audit records block it
-- (merges, and later moderation and conversions), and events stay but lose the member (SET NULL).

-- ---------------------------------------------------------------------------------------------
-- members

CREATE TABLE members (
    tenant_id             uuid             NOT NULL,
    member_id             uuid             NOT NULL DEFAULT gen_random_uuid(),
    -- The domain allows 200 characters (grapheme clusters); an emoji can be several code points.
    display_name          text             NOT NULL CHECK (char_length(btrim(display_name)) BETWEEN 1 AND 400),
    phone_e164            text             CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    email                 text             CHECK (char_length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    province              text             CHECK (char_length(province) BETWEEN 1 AND 64),
    city                  text             CHECK (char_length(city) BETWEEN 1 AND 64),
    org_kind              text             CHECK (char_length(org_kind) BETWEEN 1 AND 64),
    tags                  text[]           NOT NULL DEFAULT '{}' CHECK (hearth_valid_labels(tags)),
    interests             text[]           NOT NULL DEFAULT '{}' CHECK (hearth_valid_labels(interests)),
    source_channel        text             CHECK (source_channel IN ('qr_poster', 'phone_invite', 'official_account', 'weibo',
                                                                     'offline_sales', 'referral', 'import', 'other')),
    vip_tier              smallint         NOT NULL DEFAULT 0 CHECK (vip_tier BETWEEN 0 AND 9),
    lifecycle_stage       text             NOT NULL DEFAULT 'audience'
                                           CHECK (lifecycle_stage IN ('audience', 'user', 'fan', 'community', 'lapsed')),
    -- Computed from events by the analytics worker; never typed in by operators.
    total_spend_fen       bigint           NOT NULL DEFAULT 0 CHECK (total_spend_fen >= 0),
    order_count           integer          NOT NULL DEFAULT 0 CHECK (order_count >= 0),
    last_purchase_at      timestamptz,
    last_active_at        timestamptz,
    engagement_score      double precision NOT NULL DEFAULT 0,
    social_role           text             CHECK (social_role IN ('organizer', 'thinker', 'energizer', 'asker', 'lurker', 'challenger')),
    churn_risk            double precision CHECK (churn_risk BETWEEN 0 AND 1),
    deleted_at            timestamptz,
    erased_at             timestamptz,
    merged_into_member_id uuid,
    created_at            timestamptz      NOT NULL DEFAULT now(),
    updated_at            timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, member_id),
    -- NULLs are distinct, so any number of members may have no phone. Merging moves the phone to the
    -- survivor and erasure clears it, so a phone never stays locked by a dead profile.
    CONSTRAINT members_phone_key UNIQUE (tenant_id, phone_e164),
    CONSTRAINT members_not_merged_into_self CHECK (merged_into_member_id <> member_id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- The survivor of a merge must exist; deleting a survivor that absorbed others is refused.
    CONSTRAINT members_merged_into_fkey FOREIGN KEY (tenant_id, merged_into_member_id)
        REFERENCES members (tenant_id, member_id)
);
COMMENT ON TABLE members IS
    'One customer or fan of a tenant: the profile operators keep plus figures computed from events. '
    'Rows are soft-deleted (deleted_at), erased in place (erased_at: personal data scrubbed, row and '
    'anonymous history kept) or merged (merged_into_member_id), never hard-deleted in normal operation.';
COMMENT ON COLUMN members.phone_e164 IS 'Primary phone, normalised to E.164 (+8613800138000); unique per tenant.';
COMMENT ON COLUMN members.social_role IS 'Dominant social role across the member''s communities (per community: memberships.social_role).';
COMMENT ON COLUMN members.churn_risk IS 'Probability 0..1 that the member stops buying; NULL until first computed.';

CREATE INDEX members_tags_idx ON members USING gin (tags);
CREATE INDEX members_interests_idx ON members USING gin (interests);
CREATE INDEX members_region_idx ON members (tenant_id, province, city);
-- Supports the self foreign key (deleting or re-keying a survivor) and "who was merged into X".
CREATE INDEX members_merged_into_idx ON members (tenant_id, merged_into_member_id) WHERE merged_into_member_id IS NOT NULL;

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON members FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- member_identities

CREATE TABLE member_identities (
    tenant_id  uuid        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('phone', 'wechat', 'qq', 'dingtalk', 'email')),
    value      text        NOT NULL CHECK (char_length(value) BETWEEN 1 AND 256),
    member_id  uuid        NOT NULL,
    verified   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- One handle belongs to one member of the tenant: the key ingest resolves senders by.
    PRIMARY KEY (tenant_id, kind, value),
    CONSTRAINT member_identities_phone_format CHECK (kind <> 'phone' OR value ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT member_identities_email_format CHECK (kind <> 'email' OR (value = lower(value) AND value ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE member_identities IS
    'Every handle (phone, WeChat id, QQ, DingTalk, email) that identifies a member, so an IM message or an order '
    'finds its member and duplicates are detected; phones are E.164 and emails lowercase so equal handles compare equal.';

CREATE INDEX member_identities_member_idx ON member_identities (tenant_id, member_id);
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON member_identities FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- member_consents and consent_changes

CREATE TABLE member_consents (
    tenant_id   uuid        NOT NULL,
    member_id   uuid        NOT NULL,
    channel     text        NOT NULL CHECK (channel IN ('sms', 'im', 'phone')),
    granted     boolean     NOT NULL,
    source      text        NOT NULL CHECK (char_length(source) BETWEEN 1 AND 64),
    operator_id uuid,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, member_id, channel),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE member_consents IS
    'Current consent per member and channel, read by every delivery before it is sent; no row means no consent. '
    'Each insert or change is copied to consent_changes by a trigger, so the evidence cannot be skipped.';
COMMENT ON COLUMN member_consents.source IS 'Where the decision came from, e.g. sms_reply_td, signup_form, operator, import.';

CREATE TABLE consent_changes (
    tenant_id   uuid        NOT NULL,
    change_id   uuid        NOT NULL DEFAULT gen_random_uuid(),
    member_id   uuid        NOT NULL,
    channel     text        NOT NULL CHECK (channel IN ('sms', 'im', 'phone')),
    granted     boolean     NOT NULL,
    source      text        NOT NULL CHECK (char_length(source) BETWEEN 1 AND 64),
    operator_id uuid,
    changed_at  timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, change_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE consent_changes IS
    'Append-only history of consent decisions: proof of when and how a member agreed to or refused contact '
    '(PIPL), written by the member_consents trigger.';

CREATE INDEX consent_changes_member_idx ON consent_changes (tenant_id, member_id, changed_at);

CREATE FUNCTION hearth_record_consent_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO consent_changes (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
    VALUES (NEW.tenant_id, NEW.member_id, NEW.channel, NEW.granted, NEW.source, NEW.operator_id, NEW.changed_at);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION hearth_record_consent_change() IS 'AFTER trigger of member_consents: appends the new state to consent_changes.';

CREATE TRIGGER record_change AFTER INSERT ON member_consents
    FOR EACH ROW EXECUTE FUNCTION hearth_record_consent_change();
CREATE TRIGGER record_change_on_update AFTER UPDATE ON member_consents
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION hearth_record_consent_change();

-- ---------------------------------------------------------------------------------------------
-- member_merges

CREATE TABLE member_merges (
    tenant_id          uuid        NOT NULL,
    merge_id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    survivor_member_id uuid        NOT NULL,
    merged_member_id   uuid        NOT NULL,
    operator_id        uuid,
    reason             text        CHECK (char_length(reason) <= 2000),
    merged_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, merge_id),
    -- A profile is merged away once; it then points at its survivor (members.merged_into_member_id).
    CONSTRAINT member_merges_merged_key UNIQUE (tenant_id, merged_member_id),
    CONSTRAINT member_merges_distinct CHECK (survivor_member_id <> merged_member_id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, survivor_member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, merged_member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE member_merges IS
    'Audit of duplicate profiles folded into a survivor: who, when, by which operator (NULL: automatic, e.g. same '
    'phone). Blocks hard deletion of either member so the trail stays complete.';

CREATE INDEX member_merges_survivor_idx ON member_merges (tenant_id, survivor_member_id);

-- ---------------------------------------------------------------------------------------------
-- events: partitioned by month of occurred_at

CREATE TABLE events (
    tenant_id       uuid        NOT NULL,
    event_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- NULL only after the member row was hard-deleted: the event stays, anonymised, for aggregates.
    member_id       uuid,
    community_id    uuid,
    campaign_id     uuid,
    kind            text        NOT NULL CHECK (kind IN ('message', 'check_in', 'share', 'referral', 'purchase',
                                                         'campaign_participation', 'visit', 'feedback', 'join', 'leave')),
    occurred_at     timestamptz NOT NULL,
    amount_fen      bigint      CHECK (amount_fen >= 0),
    properties      jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    idempotency_key text        NOT NULL CHECK (octet_length(idempotency_key) BETWEEN 1 AND 200),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    -- A partitioned table's unique keys must contain the partition key, hence occurred_at.
    PRIMARY KEY (tenant_id, event_id, occurred_at),
    -- Purchases carry an amount and nothing else does (as MemberEvent.validate()).
    CONSTRAINT events_amount_only_for_purchases CHECK ((kind = 'purchase') = (amount_fen IS NOT NULL)),
    CONSTRAINT events_member_fkey FOREIGN KEY (tenant_id, member_id)
        REFERENCES members (tenant_id, member_id) ON DELETE SET NULL (member_id)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE events IS
    'Append-only log of what members did, the raw material of all analytics; written only through event_keys so '
    'a retried ingest never counts twice. Monthly partitions (UTC months) keep time-window scans and retention cheap. '
    'community_id and campaign_id carry no foreign keys on purpose: the log must outlive what it mentions, and '
    'per-event key locks on a busy group''s row would serialise ingest. No tenants foreign key for the same reason; '
    'tenant offboarding deletes events explicitly.';
COMMENT ON COLUMN events.idempotency_key IS 'Chosen by the sender (order id, IM message id); unique per tenant through event_keys.';

CREATE INDEX events_member_idx ON events (tenant_id, member_id, occurred_at);
CREATE INDEX events_community_idx ON events (tenant_id, community_id, occurred_at) WHERE community_id IS NOT NULL;
CREATE INDEX events_campaign_idx ON events (tenant_id, campaign_id, occurred_at) WHERE campaign_id IS NOT NULL;

SELECT hearth_isolate_by_tenant('events');

-- Rows outside every monthly partition (far future, clock skew, years not yet prepared) land here
-- instead of being refused; hearth_ensure_event_partitions moves them out when their month is created.
CREATE TABLE events_default PARTITION OF events DEFAULT;

-- Makes partitions reachable only through events: the parent's grants and policy apply to queries on
-- the parent, but a partition is also a table of its own, which must neither be granted to the services
-- nor readable across tenants if it ever were. RLS is ENABLEd but not FORCEd on partitions, so the
-- owner (this function, retention jobs) can still move rows between them.
CREATE FUNCTION hearth_secure_event_partition(partition regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('REVOKE ALL ON %s FROM hearth_app', partition);
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', partition);
    IF NOT EXISTS (SELECT FROM pg_policy WHERE polrelid = partition AND polname = 'tenant_isolation') THEN
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = hearth_current_tenant()) '
                       'WITH CHECK (tenant_id = hearth_current_tenant())', partition);
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION hearth_secure_event_partition(regclass) FROM PUBLIC, hearth_app;

SELECT hearth_secure_event_partition('events_default');

-- Creates the monthly partitions events_yYYYYmMM for every month from from_month to to_month
-- (inclusive; any day of a month names that month) that does not exist yet, and returns how many it
-- created. Bounds are UTC month starts, whatever the session's TimeZone, so every database gets the
-- same partitions. Rows of a new month already sitting in events_default are moved into it. Run by
-- the schema owner (migrations, a monthly maintenance job); the services' role cannot create tables.
CREATE FUNCTION hearth_ensure_event_partitions(from_month date, to_month date) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    month          date := date_trunc('month', from_month)::date;
    last_month     date := date_trunc('month', to_month)::date;
    lower_bound    timestamptz;
    upper_bound    timestamptz;
    partition_name text;
    stranded       boolean;
    created        integer := 0;
BEGIN
    IF from_month IS NULL OR to_month IS NULL THEN
        RAISE EXCEPTION 'hearth_ensure_event_partitions needs both months';
    END IF;
    IF last_month > (month + interval '20 years')::date THEN
        RAISE EXCEPTION 'refusing to create more than 20 years of event partitions (% to %)', from_month, to_month;
    END IF;
    WHILE month <= last_month LOOP
        partition_name := format('events_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
        IF to_regclass(format('%I', partition_name)) IS NULL THEN
            lower_bound := month::timestamp AT TIME ZONE 'UTC';
            upper_bound := (month + interval '1 month')::date::timestamp AT TIME ZONE 'UTC';
            -- A new partition cannot be created while events_default holds rows of its month, so such
            -- rows are parked, the partition created, and the rows inserted again. (Not built detached
            -- and ATTACHed: ATTACH validates the members foreign key with a query that FORCEd
            -- row-level security on members hides every row from, even for the owner.)
            EXECUTE 'SELECT EXISTS (SELECT FROM events_default WHERE occurred_at >= $1 AND occurred_at < $2)'
                INTO stranded USING lower_bound, upper_bound;
            IF stranded THEN
                EXECUTE 'CREATE TABLE hearth_events_parked (LIKE events)';
                EXECUTE 'WITH moved AS (DELETE FROM events_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *) '
                        'INSERT INTO hearth_events_parked SELECT * FROM moved'
                    USING lower_bound, upper_bound;
            END IF;
            EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                           partition_name, lower_bound, upper_bound);
            PERFORM hearth_secure_event_partition(format('%I', partition_name)::regclass);
            IF stranded THEN
                EXECUTE format('INSERT INTO %I SELECT * FROM hearth_events_parked', partition_name);
                EXECUTE 'DROP TABLE hearth_events_parked';
            END IF;
            created := created + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$$;
REVOKE EXECUTE ON FUNCTION hearth_ensure_event_partitions(date, date) FROM PUBLIC, hearth_app;
COMMENT ON FUNCTION hearth_ensure_event_partitions(date, date) IS
    'Owner-only maintenance: creates missing monthly events partitions (UTC), moving matching rows out of events_default.';

SELECT hearth_ensure_event_partitions('2024-01-01', '2028-12-01');

-- ---------------------------------------------------------------------------------------------
-- event_keys

CREATE TABLE event_keys (
    tenant_id       uuid        NOT NULL,
    idempotency_key text        NOT NULL CHECK (octet_length(idempotency_key) BETWEEN 1 AND 200),
    event_id        uuid        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key)
);
COMMENT ON TABLE event_keys IS
    'The per-tenant uniqueness of event idempotency keys, which events cannot enforce across partitions. Writers '
    'INSERT here ... ON CONFLICT DO NOTHING RETURNING and insert into events only the keys that came back. '
    '(event_id, occurred_at) locate the event; no foreign keys, to keep ingest to one index probe per event.';

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('members', 'member_identities', 'member_consents', 'consent_changes', 'member_merges', 'event_keys');

GRANT SELECT, INSERT, UPDATE, DELETE
    ON members, member_identities, member_consents, consent_changes, member_merges, events, event_keys
    TO hearth_app;
