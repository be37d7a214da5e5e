-- 0003: communities (member groups on IM platforms), who is in them, and moderation.
--
-- Communities are archived (archived_at), not deleted: moderation records and campaigns refer to
-- them. Deleting one is possible only while nothing but memberships refers to it.

-- ---------------------------------------------------------------------------------------------
-- communities

CREATE TABLE communities (
    tenant_id                    uuid        NOT NULL,
    community_id                 uuid        NOT NULL DEFAULT gen_random_uuid(),
    name                         text        NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    platform                     text        NOT NULL CHECK (platform IN ('wechat', 'qq', 'dingtalk', 'yy', 'other')),
    -- Platform limits differ (a WeChat group holds 500); the join link routes past full groups.
    capacity                     integer     NOT NULL CHECK (capacity > 0),
    join_policy                  text        NOT NULL DEFAULT 'approval'
                                             CHECK (join_policy IN ('open', 'approval', 'invite_only', 'paid')),
    -- Optional pass phrase newcomers must give, stored hashed (never the phrase itself).
    pass_phrase_hash             text        CHECK (char_length(pass_phrase_hash) BETWEEN 1 AND 512),
    structure                    text        NOT NULL DEFAULT 'pyramid' CHECK (structure IN ('ring', 'pyramid')),
    visibility                   text        NOT NULL DEFAULT 'outer' CHECK (visibility IN ('inner', 'outer')),
    purpose                      text        CHECK (char_length(purpose) <= 2000),
    rules                        text        CHECK (char_length(rules) <= 20000),
    announcement                 text        CHECK (char_length(announcement) <= 20000),
    -- Replication: groups created from one another share family_id and are numbered 1, 2, 3 ...
    -- by family_seq; newcomers go to the lowest-numbered group with room.
    family_id                    uuid,
    family_seq                   integer     CHECK (family_seq >= 1),
    replicated_from_community_id uuid,
    archived_at                  timestamptz,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, community_id),
    CONSTRAINT communities_family_complete CHECK ((family_id IS NULL) = (family_seq IS NULL)),
    CONSTRAINT communities_family_seq_key UNIQUE (tenant_id, family_id, family_seq),
    CONSTRAINT communities_not_replicated_from_self CHECK (replicated_from_community_id <> community_id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- Deleting the origin keeps its copies and forgets where they came from.
    CONSTRAINT communities_replicated_from_fkey FOREIGN KEY (tenant_id, replicated_from_community_id)
        REFERENCES communities (tenant_id, community_id) ON DELETE SET NULL (replicated_from_community_id)
);
COMMENT ON TABLE communities IS
    'A member group hosted on an IM platform, with the purpose, rules and structure that keep it alive; '
    'full groups are replicated into numbered families so culture carries over. Archived, not deleted.';

CREATE INDEX communities_replicated_from_idx ON communities (tenant_id, replicated_from_community_id)
    WHERE replicated_from_community_id IS NOT NULL;
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON communities FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- memberships

CREATE TABLE memberships (
    tenant_id            uuid        NOT NULL,
    community_id         uuid        NOT NULL,
    member_id            uuid        NOT NULL,
    role                 text        NOT NULL DEFAULT 'regular' CHECK (role IN ('owner', 'admin', 'core', 'regular')),
    status               text        NOT NULL DEFAULT 'active'
                                     CHECK (status IN ('pending', 'active', 'left', 'removed', 'banned')),
    -- Computed from behaviour by the analytics worker; NULL until there is enough to judge.
    social_role          text        CHECK (social_role IN ('organizer', 'thinker', 'energizer', 'asker', 'lurker', 'challenger')),
    invited_by_member_id uuid,
    joined_at            timestamptz,
    left_at              timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- One row per member and group; leaving and re-joining update it (the events keep the history).
    PRIMARY KEY (tenant_id, community_id, member_id),
    CONSTRAINT memberships_active_has_joined CHECK (status <> 'active' OR joined_at IS NOT NULL),
    CONSTRAINT memberships_present_not_left CHECK (status NOT IN ('pending', 'active') OR left_at IS NULL),
    CONSTRAINT memberships_left_after_joined CHECK (left_at >= joined_at),
    CONSTRAINT memberships_not_invited_by_self CHECK (invited_by_member_id <> member_id),
    FOREIGN KEY (tenant_id, community_id) REFERENCES communities (tenant_id, community_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE,
    -- The referral tree survives the inviter's deletion, minus the inviter.
    FOREIGN KEY (tenant_id, invited_by_member_id) REFERENCES members (tenant_id, member_id)
        ON DELETE SET NULL (invited_by_member_id)
);
COMMENT ON TABLE memberships IS
    'A member in a community: the role operators assign, the social role behaviour earns, and whether they are '
    'in, pending, gone or banned. Counting active rows against capacity drives routing and split warnings.';

CREATE INDEX memberships_member_idx ON memberships (tenant_id, member_id);
CREATE INDEX memberships_invited_by_idx ON memberships (tenant_id, invited_by_member_id) WHERE invited_by_member_id IS NOT NULL;
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- moderation_actions

CREATE TABLE moderation_actions (
    tenant_id    uuid        NOT NULL,
    action_id    uuid        NOT NULL DEFAULT gen_random_uuid(),
    community_id uuid        NOT NULL,
    member_id    uuid        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('warn', 'mute', 'remove', 'ban', 'unban', 'unmute')),
    reason       text        NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 2000),
    -- A mute is always for a time; nothing else has an end.
    muted_until  timestamptz,
    operator_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, action_id),
    CONSTRAINT moderation_actions_mute_has_end CHECK ((action = 'mute') = (muted_until IS NOT NULL)),
    CONSTRAINT moderation_actions_mute_in_future CHECK (muted_until > created_at),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- Audit: the group, the member and the operator named here cannot be deleted underneath it.
    FOREIGN KEY (tenant_id, community_id) REFERENCES communities (tenant_id, community_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE moderation_actions IS
    'Every warning, mute, removal and ban with its reason and operator, so moderation is never silent and can be '
    'reviewed. Append-only; an unban or unmute is a new row.';

CREATE INDEX moderation_actions_community_idx ON moderation_actions (tenant_id, community_id, created_at);
CREATE INDEX moderation_actions_member_idx ON moderation_actions (tenant_id, member_id, created_at);

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('communities', 'memberships', 'moderation_actions');

GRANT SELECT, INSERT, UPDATE, DELETE ON communities, memberships, moderation_actions TO hearth_app;
