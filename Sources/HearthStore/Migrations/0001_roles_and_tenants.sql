-- 0001: the services' role, the tenant scope, tenants and operators.
--
-- Conventions for every migration (applied by the Swift migrator, one transaction per file, as the
-- schema owner):
--   * tenant_id uuid NOT NULL leads every primary key and every foreign key, so each table can be
--     distributed by tenant_id on Citus unchanged.
--   * Every table has row-level security ENABLEd and FORCEd with the policy tenant_isolation: a
--     session sees and writes only the rows of the tenant in the transaction-local setting
--     hearth.tenant_id, and nothing when it is unset. FORCE makes the owner obey it too.
--   * The services connect as hearth_app (or a login role that is a member of it), which owns
--     nothing: it cannot alter, drop or truncate tables, nor switch row-level security off.
--   * Money is bigint fen (1/100 CNY) in columns ending _fen; times are timestamptz; ids are uuid.
--   * Enumerations are lowercase text with CHECK constraints (cheaper to extend than enum types).

-- ---------------------------------------------------------------------------------------------
-- The services' role. A cluster-wide object, so it may already exist (another database of the
-- cluster, or scripts/pg, created it); an existing role is accepted only if it cannot bypass
-- row-level security, because then every policy below would be void.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hearth_app') THEN
        BEGIN
            CREATE ROLE hearth_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- a migrator of another database created it at the same moment
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hearth_app' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role hearth_app is a superuser or has BYPASSRLS; tenant isolation would not hold'
            USING HINT = 'ALTER ROLE hearth_app NOSUPERUSER NOBYPASSRLS (as a superuser), then migrate again.';
    END IF;
    IF current_user = 'hearth_app' THEN
        RAISE EXCEPTION 'migrations must run as the schema owner, not as hearth_app: the services'' role must own no tables';
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO hearth_app;
-- The migrator creates hearth_schema_migrations before the first migration; services read it to
-- tell whether the schema is current (readiness), and never write it.
GRANT SELECT ON hearth_schema_migrations TO hearth_app;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO hearth_app', current_database());
END
$$;

-- Tables, sequences and functions created later by the migrating role are granted automatically.
-- Never TRUNCATE (it ignores row-level security) and never ownership.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hearth_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO hearth_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO hearth_app;

-- ---------------------------------------------------------------------------------------------
-- Helpers

-- The tenant of the current transaction, from set_config('hearth.tenant_id', id, true); NULL when
-- unset or empty, and NULL matches no row, so forgetting to scope a transaction shows nothing
-- instead of everything. A plain SQL function so the planner inlines it into every policy (and can
-- use it in index conditions); PARALLEL SAFE so analytics queries still run in parallel.
CREATE FUNCTION hearth_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('hearth.tenant_id', true), '')::uuid $$;
COMMENT ON FUNCTION hearth_current_tenant() IS
    'Tenant of the current transaction (setting hearth.tenant_id), NULL when unset; used by every tenant_isolation policy.';

-- Keeps updated_at honest whichever code path updates a row.
CREATE FUNCTION hearth_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION hearth_touch_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to the transaction time.';

-- Tags and interests: labels of 1 to 64 characters, no NULL elements, at most 256 of them.
CREATE FUNCTION hearth_valid_labels(labels text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT labels IS NOT NULL
           AND cardinality(labels) <= 256
           AND coalesce((SELECT bool_and(label IS NOT NULL AND char_length(label) BETWEEN 1 AND 64)
                         FROM unnest(labels) AS label), true)
    $$;
COMMENT ON FUNCTION hearth_valid_labels(text[]) IS 'CHECK helper for tag-like text[] columns.';

-- ---------------------------------------------------------------------------------------------
-- tenants

CREATE TABLE tenants (
    tenant_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
    slug           text        NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name           text        NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    time_zone      text        NOT NULL DEFAULT 'Asia/Shanghai' CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    default_region text        NOT NULL DEFAULT 'CN' CHECK (default_region ~ '^[A-Z]{2}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    -- Globally unique: operators type it to pick their company. (On Citus this table becomes a
    -- reference table, where a unique key without tenant_id is allowed.)
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);
COMMENT ON TABLE tenants IS
    'The companies using Hearth: the root every other row hangs from. Deleting a tenant cascades to its rows '
    '(except events and event_keys, deleted explicitly by offboarding), so only the owner role may DELETE here.';
COMMENT ON COLUMN tenants.time_zone IS 'IANA zone for schedules, quiet hours and calendar reports.';
COMMENT ON COLUMN tenants.default_region IS 'ISO 3166-1 alpha-2 country used to normalise phone numbers to E.164.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- operators

CREATE TABLE operators (
    tenant_id   uuid        NOT NULL,
    operator_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    login       text        NOT NULL CHECK (login = lower(login) AND login ~ '^[^[:space:]]{1,64}$'),
    name        text        NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    role        text        NOT NULL DEFAULT 'viewer' CHECK (role IN ('viewer', 'agent', 'operator', 'admin')),
    disabled_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, operator_id),
    CONSTRAINT operators_login_key UNIQUE (tenant_id, login),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE
);
COMMENT ON TABLE operators IS
    'The tenant''s staff who act in Hearth; moderation, merges and campaigns name one, so they are disabled '
    '(disabled_at), not deleted. role decides which RPC methods they may call.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON operators FOR EACH ROW EXECUTE FUNCTION hearth_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

-- The one way a migration secures a table: row-level security enabled and forced (the owner obeys
-- it too) with the tenant_isolation policy. Every later migration calls it for the tables it
-- creates; grants stay explicit beside it, since they differ per table.
CREATE FUNCTION hearth_isolate_by_tenant(VARIADIC tables regclass[]) RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    t regclass;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = hearth_current_tenant()) '
                       'WITH CHECK (tenant_id = hearth_current_tenant())', t);
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION hearth_isolate_by_tenant(regclass[]) FROM PUBLIC, hearth_app;

SELECT hearth_isolate_by_tenant('tenants', 'operators');

GRANT SELECT, INSERT, UPDATE ON tenants TO hearth_app;
-- Deleting a tenant cascades to everything it owns: an offboarding step for the owner role, never
-- one statement away from a service bug.
REVOKE DELETE, TRUNCATE ON tenants FROM hearth_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON operators TO hearth_app;
GRANT EXECUTE ON FUNCTION hearth_current_tenant(), hearth_valid_labels(text[]) TO hearth_app;
