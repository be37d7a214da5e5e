-- The tenant key rule (Citus-ready schema): lists every violation, so a compliant schema returns no
-- rows. Checked in schema public, for every table and partition except hearth_schema_migrations:
--   * a table without a primary key;
--   * a primary key or unique key (constraint or unique index) whose first column is not tenant_id
--     (tenants.slug is exempt: tenants becomes a Citus reference table);
--   * a foreign key whose first column, or whose referenced first column, is not tenant_id.
-- Every column is text: table, key name, what is wrong, the key's definition.
WITH tables AS (
    SELECT c.oid, c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
      AND c.relkind IN ('r', 'p')
      AND c.relname <> 'hearth_schema_migrations'
),
first_columns AS (
    SELECT con.conrelid AS table_oid, con.conname::text AS key_name, con.contype,
           pg_get_constraintdef(con.oid) AS definition,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = con.conkey[1])::text AS first_column,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = con.confkey[1])::text AS referenced_first_column
    FROM pg_constraint con
    WHERE con.conrelid IN (SELECT oid FROM tables) AND con.contype IN ('p', 'f')
    UNION ALL
    SELECT i.indrelid, ic.relname::text, 'u', pg_get_indexdef(i.indexrelid),
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0])::text,
           NULL
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid IN (SELECT oid FROM tables) AND i.indisunique AND NOT i.indisprimary
)
SELECT t.relname::text AS table_name, NULL::text AS key_name, 'no primary key'::text AS problem, NULL::text AS definition
FROM tables t
WHERE NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conrelid = t.oid AND con.contype = 'p')
UNION ALL
SELECT t.relname::text, k.key_name,
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' ELSE 'unique key' END
           || CASE WHEN k.first_column IS DISTINCT FROM 'tenant_id' THEN ' does not start with tenant_id'
                   ELSE ' references a key that does not start with tenant_id' END,
       k.definition
FROM first_columns k
JOIN tables t ON t.oid = k.table_oid
WHERE (k.first_column IS DISTINCT FROM 'tenant_id'
       OR (k.contype = 'f' AND k.referenced_first_column IS DISTINCT FROM 'tenant_id'))
  AND NOT (t.relname = 'tenants' AND k.key_name = 'tenants_slug_key')
ORDER BY 1, 2
