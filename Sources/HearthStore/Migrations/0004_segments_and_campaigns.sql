-- 0004: segments (who), campaigns and their occurrences, offers, deliveries (the outbox) and
-- conversions (what it earned).
--
-- Campaigns are cancelled or completed, not deleted, once anything was sent: deliveries and
-- conversions are the record of what reached whom and what it earned, so they block deletion of the
-- campaign, occurrence and segment behind them. A draft with nothing sent can still be deleted.

-- ---------------------------------------------------------------------------------------------
-- segments and segment_members

CREATE TABLE segments (
    tenant_id   uuid        NOT NULL,
    segment_id  uuid        NOT NULL DEFAULT gen_random_uuid(),
    name        text        NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    kind        text        NOT NULL CHECK (kind IN ('dynamic', 'static')),
    -- The rule as the operator wrote it, and the typed expression tree the store evaluates.
    rule_text   text        CHECK (char_length(rule_text) <= 10000),
    rule_json   jsonb       CHECK (jsonb_typeof(rule_json) = 'object'),
    -- Static segments: when segment_members was last filled.
    snapshot_at timestamptz,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, segment_id),
    CONSTRAINT segments_name_key UNIQUE (tenant_id, name),
    CONSTRAINT segments_dynamic_has_rule CHECK (kind = 'static' OR rule_json IS NOT NULL),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, created_by) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE segments IS
    'A named rule over members ("Sichuan pharmacies, VIP, bought in the last 90 days"). Dynamic segments are '
    'evaluated on demand from rule_json; static ones are frozen into segment_members so a campaign''s audience '
    'does not drift.';
COMMENT ON COLUMN segments.created_by IS 'operators.operator_id; NULL for segments the system created.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON segments FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

CREATE TABLE segment_members (
    tenant_id  uuid        NOT NULL,
    segment_id uuid        NOT NULL,
    member_id  uuid        NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, segment_id, member_id),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, segment_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE segment_members IS 'The frozen member list of a static segment (a snapshot, replaced as a whole).';

CREATE INDEX segment_members_member_idx ON segment_members (tenant_id, member_id);

-- ---------------------------------------------------------------------------------------------
-- campaigns

CREATE TABLE campaigns (
    tenant_id         uuid        NOT NULL,
    campaign_id       uuid        NOT NULL DEFAULT gen_random_uuid(),
    name              text        NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    kind              text        NOT NULL CHECK (kind IN ('recruitment', 'recurring_activity', 'reactivation', 'flash_offer',
                                                           'task_challenge', 'contest', 'lottery', 'referral')),
    status            text        NOT NULL DEFAULT 'draft'
                                  CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
    -- The audience: a segment, a community, both or (e.g. a public lottery) neither.
    segment_id        uuid,
    community_id      uuid,
    channels          text[]      NOT NULL DEFAULT '{}'
                                  CHECK (channels <@ ARRAY['sms', 'im', 'phone', 'wecom_bot', 'dingtalk_bot', 'webhook', 'log']),
    goal_revenue_fen  bigint      CHECK (goal_revenue_fen >= 0),
    goal_participants integer     CHECK (goal_participants >= 0),
    period_start      timestamptz,
    period_end        timestamptz,
    owner_operator_id uuid,
    -- Recurrence and phase offsets (e.g. every Thursday 20:00, announce the day before, warm up 2 h
    -- before), interpreted in the tenant's time zone by the domain's schedule type.
    schedule          jsonb       CHECK (jsonb_typeof(schedule) = 'object'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, campaign_id),
    CONSTRAINT campaigns_period_order CHECK (period_end > period_start),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- A targeted segment or community cannot vanish under a campaign: its audience must stay explainable.
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, segment_id),
    FOREIGN KEY (tenant_id, community_id) REFERENCES communities (tenant_id, community_id),
    FOREIGN KEY (tenant_id, owner_operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE campaigns IS
    'An operation aimed at a segment or community with a goal (revenue in fen, participants) and a period; '
    'the parent of occurrences, offers, deliveries and conversions.';

CREATE INDEX campaigns_status_idx ON campaigns (tenant_id, status);
CREATE INDEX campaigns_segment_idx ON campaigns (tenant_id, segment_id) WHERE segment_id IS NOT NULL;
CREATE INDEX campaigns_community_idx ON campaigns (tenant_id, community_id) WHERE community_id IS NOT NULL;
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- campaign_occurrences

CREATE TABLE campaign_occurrences (
    tenant_id     uuid        NOT NULL,
    occurrence_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id   uuid        NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    status        text        NOT NULL DEFAULT 'scheduled'
                              CHECK (status IN ('scheduled', 'running', 'completed', 'cancelled')),
    -- The phases with their times, e.g. [{"phase":"announce","at":"..."}, {"phase":"warm_up",...}].
    phases        jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phases) = 'array'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, occurrence_id),
    -- Generating the schedule twice must not create a second "Thursday".
    CONSTRAINT campaign_occurrences_start_key UNIQUE (tenant_id, campaign_id, starts_at),
    -- Lets deliveries prove their occurrence belongs to their campaign.
    CONSTRAINT campaign_occurrences_campaign_key UNIQUE (tenant_id, campaign_id, occurrence_id),
    CONSTRAINT campaign_occurrences_order CHECK (ends_at > starts_at),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE
);
COMMENT ON TABLE campaign_occurrences IS
    'One run of a campaign (each Thursday of a recurring activity; a one-off campaign has exactly one). '
    'Deliveries hang from an occurrence, which is what makes "send once" checkable.';

CREATE INDEX campaign_occurrences_due_idx ON campaign_occurrences (tenant_id, starts_at)
    WHERE status IN ('scheduled', 'running');
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON campaign_occurrences FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- offers

CREATE TABLE offers (
    tenant_id             uuid        NOT NULL,
    offer_id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id           uuid        NOT NULL,
    sku                   text        NOT NULL CHECK (char_length(btrim(sku)) BETWEEN 1 AND 64),
    list_price_fen        bigint      NOT NULL CHECK (list_price_fen >= 0),
    site_lowest_price_fen bigint      NOT NULL CHECK (site_lowest_price_fen >= 0),
    exclusive_price_fen   bigint      NOT NULL CHECK (exclusive_price_fen >= 0),
    floor_price_fen       bigint      NOT NULL CHECK (floor_price_fen >= 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, offer_id),
    CONSTRAINT offers_sku_key UNIQUE (tenant_id, campaign_id, sku),
    -- The price guard: a member-exclusive price must beat the public site's lowest price (or it is no
    -- privilege) and must not go below the floor (or it loses money / breaks channel agreements).
    CONSTRAINT offers_price_guard CHECK (floor_price_fen <= exclusive_price_fen AND exclusive_price_fen < site_lowest_price_fen),
    CONSTRAINT offers_lowest_within_list CHECK (site_lowest_price_fen <= list_price_fen),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id) ON DELETE CASCADE
);
COMMENT ON TABLE offers IS
    'Member-exclusive prices of a campaign, per SKU, with the database enforcing the same price guard as the domain.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON offers FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- deliveries: the outbox

CREATE TABLE deliveries (
    tenant_id          uuid        NOT NULL,
    delivery_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    campaign_id        uuid        NOT NULL,
    occurrence_id      uuid        NOT NULL,
    phase              text        NOT NULL CHECK (phase IN ('announce', 'warm_up', 'live', 'review')),
    member_id          uuid        NOT NULL,
    channel            text        NOT NULL CHECK (channel IN ('sms', 'im', 'phone', 'wecom_bot', 'dingtalk_bot', 'webhook', 'log')),
    status             text        NOT NULL DEFAULT 'pending'
                                   CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'suppressed')),
    suppression_reason text        CHECK (suppression_reason IN ('no_consent', 'quiet_hours', 'frequency_cap',
                                                                 'member_deleted', 'no_address', 'campaign_stopped')),
    attempts           integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- The lease of the sender working on it; an expired lease may be taken over.
    claimed_by         text        CHECK (char_length(claimed_by) BETWEEN 1 AND 200),
    claimed_until      timestamptz,
    sent_at            timestamptz,
    last_error         text        CHECK (char_length(last_error) <= 4000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, delivery_id),
    -- A message exists once: re-planning an occurrence can never queue a second copy.
    CONSTRAINT deliveries_once_key UNIQUE (tenant_id, occurrence_id, phase, member_id, channel),
    CONSTRAINT deliveries_suppressed_has_reason CHECK ((status = 'suppressed') = (suppression_reason IS NOT NULL)),
    CONSTRAINT deliveries_claimed_has_lease CHECK (status <> 'claimed' OR (claimed_by IS NOT NULL AND claimed_until IS NOT NULL)),
    CONSTRAINT deliveries_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id),
    -- Also proves the occurrence belongs to the same campaign.
    FOREIGN KEY (tenant_id, campaign_id, occurrence_id)
        REFERENCES campaign_occurrences (tenant_id, campaign_id, occurrence_id),
    -- Personal data: goes with a hard-deleted member.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE deliveries IS
    'The outbox: one message to one member on one channel, recorded before it is sent so a crash neither loses '
    'nor repeats it. Senders claim pending rows with FOR UPDATE SKIP LOCKED and a lease (claimed_by/claimed_until); '
    'suppressed rows record why consent, quiet hours or the frequency cap stopped a message.';

CREATE INDEX deliveries_claim_idx ON deliveries (tenant_id, status, created_at) WHERE status IN ('pending', 'claimed');
-- Frequency cap ("at most N messages per member per week") and a member's message history.
CREATE INDEX deliveries_member_idx ON deliveries (tenant_id, member_id, created_at);
CREATE INDEX deliveries_campaign_idx ON deliveries (tenant_id, campaign_id, occurrence_id);
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- conversions

CREATE TABLE conversions (
    tenant_id     uuid        NOT NULL,
    conversion_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    order_id      text        NOT NULL CHECK (char_length(btrim(order_id)) BETWEEN 1 AND 128),
    -- NULL: an order we could not tie to a member (e.g. a promo code used by a stranger).
    member_id     uuid,
    campaign_id   uuid,
    amount_fen    bigint      NOT NULL CHECK (amount_fen >= 0),
    occurred_at   timestamptz NOT NULL,
    refunded_at   timestamptz,
    attribution   text        NOT NULL CHECK (attribution IN ('code', 'last_touch', 'none')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, conversion_id),
    -- An order is counted once, however often the shop's webhook retries.
    CONSTRAINT conversions_order_key UNIQUE (tenant_id, order_id),
    CONSTRAINT conversions_attribution_has_campaign CHECK ((attribution = 'none') = (campaign_id IS NULL)),
    CONSTRAINT conversions_refund_after_order CHECK (refunded_at >= occurred_at),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- Revenue records: they block deleting the member or campaign they are attributed to.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id)
);
COMMENT ON TABLE conversions IS
    'Orders and the campaign they are attributed to (by code, by last touch, or none): the revenue side of goals, '
    'funnels and repurchase rates. refunded_at removes an order from revenue without losing it.';

CREATE INDEX conversions_campaign_idx ON conversions (tenant_id, campaign_id, occurred_at) WHERE campaign_id IS NOT NULL;
CREATE INDEX conversions_member_idx ON conversions (tenant_id, member_id, occurred_at) WHERE member_id IS NOT NULL;
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON conversions FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('segments', 'segment_members', 'campaigns', 'campaign_occurrences', 'offers', 'deliveries', 'conversions');

GRANT SELECT, INSERT, UPDATE, DELETE
    ON segments, segment_members, campaigns, campaign_occurrences, offers, deliveries, conversions
    TO hearth_app;
