-- 0007: an index for segment rules over event windows ("purchases(last 90d).count >= 1").
--
-- Such a rule reads the members who had events of one kind since a moment; with the member id and
-- amount included, the window is read from the index alone instead of scanning every event of
-- every kind in the partitions it spans.
CREATE INDEX events_kind_window_idx ON events (tenant_id, kind, occurred_at) INCLUDE (member_id, amount_fen);
