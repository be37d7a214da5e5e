-- 0017: why a pending delivery waits (quiet hours, a platform's per-minute cap, a retry), and
-- suppression of members banned from the campaign's community.

ALTER TABLE deliveries ADD COLUMN held_reason text CHECK (held_reason IN ('quiet_hours', 'platform_cap', 'retry_later'));
ALTER TABLE deliveries ADD CONSTRAINT deliveries_held_until_time CHECK (held_reason IS NULL OR not_before IS NOT NULL);
COMMENT ON COLUMN deliveries.held_reason IS
    'Why a pending delivery is due only from not_before: quiet hours, the channel''s per-minute cap, or a retry '
    '(with the channel''s Retry-After when it gave one). A held message is sent later, never dropped.';

ALTER TABLE deliveries DROP CONSTRAINT deliveries_suppression_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_suppression_reason_check
    CHECK (suppression_reason IN ('no_consent', 'quiet_hours', 'frequency_cap', 'member_deleted', 'no_address',
                                  'campaign_stopped', 'membership_banned'));

-- The platform cap counts a channel's sends of the last minute across every sender.
CREATE INDEX deliveries_channel_sent_idx ON deliveries (tenant_id, channel, sent_at) WHERE status = 'sent';
