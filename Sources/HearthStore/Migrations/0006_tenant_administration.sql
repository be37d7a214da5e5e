-- 0006: the schema owner administers tenants.
--
-- Row-level security on tenants is forced, so even the table owner sees only the tenant named by
-- hearth.tenant_id. Creating a tenant, or finding one by its slug, happens before any tenant is
-- chosen: `hearth tenants create|list` runs as the owner (the role that runs migrations), and this
-- policy lets exactly that role see and write every tenant row. The services' role hearth_app keeps
-- the tenant_isolation policy alone.
DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY tenants_owner_administers ON tenants TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
