-- 0021: the scores job keeps each member's decayed points next to the score instead of a row per
-- member and event kind. Writing those rows (millions, each checked against members) cost more than
-- the scoring itself; the explanation of one member's score is now computed when it is asked for,
-- from that member's events, as of engagement_points_at.
ALTER TABLE members
    ADD COLUMN engagement_points double precision NOT NULL DEFAULT 0 CHECK (engagement_points >= 0),
    ADD COLUMN engagement_points_at timestamptz;
COMMENT ON COLUMN members.engagement_points IS
    'Weighted, decayed event points as of engagement_points_at; engagement_score = 100 * (1 - exp(-points / k)). '
    'The scores job decays them to its run time for members without new events, and recomputes the others.';
COMMENT ON COLUMN members.engagement_points_at IS
    'When the scores job last computed engagement_points (NULL: never).';

DROP TABLE member_score_contributions;
