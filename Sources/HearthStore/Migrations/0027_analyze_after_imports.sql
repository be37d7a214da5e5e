-- 0027: statistics right after a bulk import. Until autovacuum gets to it, the planner believes a
-- tenant that just imported a million members still has none, and may pick a plan built for a
-- handful of rows: the first RecordEvents batch after such an import ran past its 30-second limit.
-- Only the tables' owner may ANALYZE them, so the service asks through this function.

CREATE FUNCTION hearth_analyze_member_tables() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    ANALYZE members;
    ANALYZE member_identities;
    ANALYZE member_consents;
END
$$;
COMMENT ON FUNCTION hearth_analyze_member_tables() IS
    'Refreshes the planner statistics of members, member_identities and member_consents; called by a member '
    'import that wrote many rows, so the next statements do not plan for the tables as they were before it.';
REVOKE EXECUTE ON FUNCTION hearth_analyze_member_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hearth_analyze_member_tables() TO hearth_app;
