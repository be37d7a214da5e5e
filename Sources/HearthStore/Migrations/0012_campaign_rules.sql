-- 0012: the rules of contests, lotteries and referrals, kept with their campaign.

ALTER TABLE campaigns ADD COLUMN rules jsonb CHECK (jsonb_typeof(rules) = 'object');
COMMENT ON COLUMN campaigns.rules IS
    'The kind''s rules: a contest''s scoring and winner count, a lottery''s closing time and prizes, a referral''s '
    'reward per level (the domain''s CampaignRules as JSON); NULL for kinds without rules.';
