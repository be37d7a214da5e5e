-- 0008: what running communities needs beyond the tables of 0003: mutes and status reasons on
-- memberships, one active owner per group, moderation by the operator an access token names,
-- pass phrase hashing, and join links that route newcomers through a family of replicated groups.

-- ---------------------------------------------------------------------------------------------
-- memberships

ALTER TABLE memberships
    ADD COLUMN muted_until   timestamptz,
    ADD COLUMN status_reason text CHECK (char_length(status_reason) <= 2000);
COMMENT ON COLUMN memberships.muted_until IS
    'End of the member''s current or last mute (moderation_actions keeps every mute); the member is muted while it '
    'lies in the future. Cleared by an unmute, by leaving and by rejoining.';
COMMENT ON COLUMN memberships.status_reason IS
    'Why the status last changed, when an operator said (a rejected join request); NULL otherwise. Moderation '
    'reasons live in moderation_actions.';

-- A group has one owner on its platform; transferring ownership demotes the old owner in the same
-- transaction. Members who left keep their role, so only active owners count. An exclusion
-- constraint (with = only, so a plain btree serves it) rather than a unique index because it can
-- be checked at commit: a change that briefly holds two owners within one transaction (merging two
-- profiles of the same owner moves the role before deleting the duplicate row) is then accepted.
ALTER TABLE memberships ADD CONSTRAINT memberships_one_active_owner
    EXCLUDE USING btree (tenant_id WITH =, community_id WITH =) WHERE (role = 'owner' AND status = 'active')
    DEFERRABLE INITIALLY DEFERRED;

-- ---------------------------------------------------------------------------------------------
-- moderation_actions: who acted
--
-- 0003 made operator_id a NOT NULL foreign key to operators, but the services know the acting
-- operator only as the access token names them: a free-text id (a login, "op-test", or an
-- operator_id when tokens are issued for registered operators). Refusing moderation for every
-- operator without an operators row would make moderation impossible where it matters, and
-- inventing operators rows would pollute the staff list. So:
--   * acted_by (NOT NULL) records the token's operator id verbatim, always: the audit trail;
--   * operator_id becomes nullable and keeps its foreign key: it is filled when acted_by is the
--     operator_id of a registered operator of the tenant, so the audit still joins to operators
--     (and still blocks deleting them) whenever it can.
ALTER TABLE moderation_actions ALTER COLUMN operator_id DROP NOT NULL;
ALTER TABLE moderation_actions ADD COLUMN acted_by text;
-- Existing rows (none are written before this version, but a hand-made one must survive): copy
-- the operator id. Row-level security is FORCEd, which would hide every row from this owner-run
-- UPDATE, so it is lifted for the statement and restored at once, inside this transaction.
ALTER TABLE moderation_actions NO FORCE ROW LEVEL SECURITY;
UPDATE moderation_actions SET acted_by = operator_id::text WHERE acted_by IS NULL;
ALTER TABLE moderation_actions FORCE ROW LEVEL SECURITY;
ALTER TABLE moderation_actions
    ALTER COLUMN acted_by SET NOT NULL,
    ADD CONSTRAINT moderation_actions_acted_by_length CHECK (char_length(acted_by) BETWEEN 1 AND 200);
COMMENT ON COLUMN moderation_actions.acted_by IS
    'The acting operator as the access token names them (always set); operator_id links the row to operators when '
    'this is a registered operator''s id.';

-- ---------------------------------------------------------------------------------------------
-- Pass phrases
--
-- Stored as 'sha256$<salt>$<hex digest of salt || phrase>' with a fresh 128-bit salt (hex of a
-- random UUID, the built-in source of randomness without pgcrypto). Hashing in the database keeps
-- one format for every service and no crypto library in the services. A pass phrase is a shared
-- group password printed on posters, not an account secret, so a salted digest is proportionate.

CREATE FUNCTION hearth_pass_phrase_hash(phrase text) RETURNS text
    LANGUAGE sql VOLATILE STRICT
    AS $$
        SELECT 'sha256$' || salt || '$' || encode(sha256(convert_to(salt || phrase, 'UTF8')), 'hex')
        FROM (SELECT replace(gen_random_uuid()::text, '-', '') AS salt) AS s
    $$;
COMMENT ON FUNCTION hearth_pass_phrase_hash(text) IS
    'Salted SHA-256 of a community pass phrase, in the format hearth_pass_phrase_matches reads; NULL for NULL.';

CREATE FUNCTION hearth_pass_phrase_matches(stored text, phrase text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT coalesce(
            split_part(stored, '$', 1) = 'sha256'
            AND split_part(stored, '$', 3)
                = encode(sha256(convert_to(split_part(stored, '$', 2) || phrase, 'UTF8')), 'hex'),
            false)
    $$;
COMMENT ON FUNCTION hearth_pass_phrase_matches(text, text) IS
    'Whether phrase is the pass phrase hashed in stored; false when either is NULL.';

GRANT EXECUTE ON FUNCTION hearth_pass_phrase_hash(text), hearth_pass_phrase_matches(text, text) TO hearth_app;

-- ---------------------------------------------------------------------------------------------
-- join_links

CREATE TABLE join_links (
    tenant_id      uuid        NOT NULL,
    link_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- The link's bearer token is never stored, only its SHA-256: reading this table does not let
    -- anyone use the links.
    token_sha256   text        NOT NULL CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    -- communities.family_id of the groups it routes into. Families have no table of their own (a
    -- family is the groups sharing the id), hence no foreign key; a family never loses its groups,
    -- since communities are archived, not deleted.
    family_id      uuid        NOT NULL,
    -- Attribution carried into the join events of newcomers who came through the link.
    campaign_id    uuid,
    source_channel text        CHECK (source_channel IN ('qr_poster', 'phone_invite', 'official_account', 'weibo',
                                                         'offline_sales', 'referral', 'import', 'other')),
    -- NULL: the link does not expire.
    expires_at     timestamptz,
    -- The operator as the access token names them (see moderation_actions.acted_by).
    created_by     text        NOT NULL CHECK (char_length(created_by) BETWEEN 1 AND 200),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, link_id),
    CONSTRAINT join_links_token_key UNIQUE (tenant_id, token_sha256),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- A deleted draft campaign leaves its links working, without attribution.
    CONSTRAINT join_links_campaign_fkey FOREIGN KEY (tenant_id, campaign_id)
        REFERENCES campaigns (tenant_id, campaign_id) ON DELETE SET NULL (campaign_id)
);
COMMENT ON TABLE join_links IS
    'Links (URLs, QR codes) that route each newcomer to the lowest-numbered group of a family with room, replicating '
    'the fullest group when all are full; resolving one locks its family so concurrent newcomers create one replica.';

CREATE INDEX join_links_family_idx ON join_links (tenant_id, family_id);
CREATE INDEX join_links_campaign_idx ON join_links (tenant_id, campaign_id) WHERE campaign_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('join_links');

GRANT SELECT, INSERT, UPDATE, DELETE ON join_links TO hearth_app;
