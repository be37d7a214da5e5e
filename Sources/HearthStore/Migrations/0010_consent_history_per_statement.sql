-- 0010: consent history written once per statement instead of once per row.
--
-- A bulk import records consents for a million members in one statement; the row triggers of 0002
-- ran a PL/pgSQL call and a single-row INSERT for each of them (8 s per 100,000 rows here). These
-- statement triggers copy the changed rows from the transition tables in one INSERT, with the
-- same content: every insert, and every update that changed the row.

DROP TRIGGER record_change ON member_consents;
DROP TRIGGER record_change_on_update ON member_consents;

CREATE FUNCTION hearth_record_inserted_consents() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO consent_changes (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
    SELECT n.tenant_id, n.member_id, n.channel, n.granted, n.source, n.operator_id, n.changed_at
    FROM inserted_consents n;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION hearth_record_inserted_consents() IS
    'AFTER INSERT statement trigger of member_consents: appends every new row to consent_changes.';

CREATE FUNCTION hearth_record_updated_consents() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO consent_changes (tenant_id, member_id, channel, granted, source, operator_id, changed_at)
    SELECT n.tenant_id, n.member_id, n.channel, n.granted, n.source, n.operator_id, n.changed_at
    FROM updated_consents n
    -- A row equal to a row before the update did not change (whatever its key became).
    WHERE NOT EXISTS (SELECT 1 FROM previous_consents o WHERE (o.*) IS NOT DISTINCT FROM (n.*));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION hearth_record_updated_consents() IS
    'AFTER UPDATE statement trigger of member_consents: appends every row the update changed to consent_changes.';

CREATE TRIGGER record_changes AFTER INSERT ON member_consents
    REFERENCING NEW TABLE AS inserted_consents
    FOR EACH STATEMENT EXECUTE FUNCTION hearth_record_inserted_consents();
CREATE TRIGGER record_changes_on_update AFTER UPDATE ON member_consents
    REFERENCING OLD TABLE AS previous_consents NEW TABLE AS updated_consents
    FOR EACH STATEMENT EXECUTE FUNCTION hearth_record_updated_consents();
