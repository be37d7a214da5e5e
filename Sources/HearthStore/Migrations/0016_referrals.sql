-- 0016: referrals. Each member gets one invite code per referral campaign; a newcomer who comes
-- with a code joins the campaign's fission tree under the code's owner, and every ancestor up to
-- the rules' deepest rewarded level earns that level's reward.
--
-- The tree keeps each node's ancestors (path), so a loop is refused by a lookup and a node's
-- descendants are found without walking the tree. Codes, nodes and rewards block deleting the
-- campaign and the members they name (no cascade): codes may be on printed posters already, and
-- rewards are owed.

-- ---------------------------------------------------------------------------------------------
-- referral_codes

CREATE TABLE referral_codes (
    tenant_id   uuid        NOT NULL,
    -- Eight symbols without the look-alikes 0, O, 1 and I (HearthDomain's ReferralCode).
    code        text        NOT NULL CHECK (code ~ '^[2-9A-HJ-NP-Z]{8}$'),
    campaign_id uuid        NOT NULL,
    -- The referrer: whoever shares the code.
    member_id   uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Unique per tenant: a code alone finds its campaign and owner.
    PRIMARY KEY (tenant_id, code),
    -- One code per member and campaign: issuing again hands back the same one.
    CONSTRAINT referral_codes_member_key UNIQUE (tenant_id, campaign_id, member_id),
    -- Lets a node prove its code belongs to its referrer in its campaign.
    CONSTRAINT referral_codes_owner_key UNIQUE (tenant_id, code, campaign_id, member_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id)
);
COMMENT ON TABLE referral_codes IS
    'Each member''s invite code for a referral campaign (one per member and campaign), unique in the tenant, '
    'short and URL-safe.';

CREATE INDEX referral_codes_member_idx ON referral_codes (tenant_id, member_id);

-- ---------------------------------------------------------------------------------------------
-- referral_nodes: the fission tree

CREATE TABLE referral_nodes (
    tenant_id          uuid        NOT NULL,
    campaign_id        uuid        NOT NULL,
    member_id          uuid        NOT NULL,
    -- NULL for a root: a member who brought others in before anyone referred them.
    referrer_member_id uuid,
    -- The code the member came with; NULL for a root.
    code               text,
    depth              integer     NOT NULL CHECK (depth >= 0),
    -- The ancestors, the root first and the direct referrer last.
    path               uuid[]      NOT NULL DEFAULT '{}',
    referred_at        timestamptz NOT NULL DEFAULT now(),
    -- A member is in a campaign's tree at most once.
    PRIMARY KEY (tenant_id, campaign_id, member_id),
    CONSTRAINT referral_nodes_root_shape CHECK (
        (referrer_member_id IS NULL) = (code IS NULL) AND (referrer_member_id IS NULL) = (depth = 0)),
    CONSTRAINT referral_nodes_path_depth CHECK (cardinality(path) = depth),
    CONSTRAINT referral_nodes_referrer_last CHECK (referrer_member_id IS NULL OR path[depth] = referrer_member_id),
    -- No loops: nobody is their own ancestor.
    CONSTRAINT referral_nodes_acyclic CHECK (NOT (member_id = ANY (path))),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, campaign_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id),
    -- The referrer is in the same tree already.
    FOREIGN KEY (tenant_id, campaign_id, referrer_member_id) REFERENCES referral_nodes (tenant_id, campaign_id, member_id),
    -- The code is the referrer's own, for this campaign.
    FOREIGN KEY (tenant_id, code, campaign_id, referrer_member_id)
        REFERENCES referral_codes (tenant_id, code, campaign_id, member_id)
);
COMMENT ON TABLE referral_nodes IS
    'A referral campaign''s fission tree: who brought whom with which code, each member once per campaign, with '
    'its depth and ancestors (path) for loop checks and descendant counts.';

-- Children of a node, in the order they came (tree walks, direct counts).
CREATE INDEX referral_nodes_children_idx ON referral_nodes (tenant_id, campaign_id, referrer_member_id, referred_at)
    WHERE referrer_member_id IS NOT NULL;
-- Breadth-first pages of a whole forest, and its roots.
CREATE INDEX referral_nodes_level_idx ON referral_nodes (tenant_id, campaign_id, depth, referred_at, member_id);
-- Members who came with a code (a code's referred count).
CREATE INDEX referral_nodes_code_idx ON referral_nodes (tenant_id, code) WHERE code IS NOT NULL;
-- Descendants of a node: the nodes whose path holds it.
CREATE INDEX referral_nodes_path_idx ON referral_nodes USING gin (path);

-- ---------------------------------------------------------------------------------------------
-- referral_rewards

CREATE TABLE referral_rewards (
    tenant_id             uuid        NOT NULL,
    campaign_id           uuid        NOT NULL,
    -- The newcomer whose referral earned it.
    referred_member_id    uuid        NOT NULL,
    -- 1: the direct referrer, 2: their referrer, …
    level                 integer     NOT NULL CHECK (level BETWEEN 1 AND 20),
    beneficiary_member_id uuid        NOT NULL,
    -- The domain's Reward as JSON: money in fen, points or a gift.
    reward                jsonb       NOT NULL CHECK (jsonb_typeof(reward) = 'object'),
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- One reward per referral and level.
    PRIMARY KEY (tenant_id, campaign_id, referred_member_id, level),
    CONSTRAINT referral_rewards_not_to_newcomer CHECK (beneficiary_member_id <> referred_member_id),
    FOREIGN KEY (tenant_id, campaign_id, referred_member_id) REFERENCES referral_nodes (tenant_id, campaign_id, member_id),
    FOREIGN KEY (tenant_id, campaign_id, beneficiary_member_id) REFERENCES referral_nodes (tenant_id, campaign_id, member_id),
    FOREIGN KEY (tenant_id, beneficiary_member_id) REFERENCES members (tenant_id, member_id)
);
COMMENT ON TABLE referral_rewards IS
    'What each referral earned up the tree: one row per ancestor level within the campaign''s deepest rewarded '
    'level, with the reward that level had when the referral was recorded.';

CREATE INDEX referral_rewards_beneficiary_idx ON referral_rewards (tenant_id, beneficiary_member_id, campaign_id);

SELECT hearth_isolate_by_tenant('referral_codes', 'referral_nodes', 'referral_rewards');
GRANT SELECT, INSERT, UPDATE, DELETE ON referral_codes, referral_nodes, referral_rewards TO hearth_app;
