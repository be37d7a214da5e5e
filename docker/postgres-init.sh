#!/bin/sh
# Runs once, when the PostgreSQL volume is created: the services' login role. The schema owner is
# POSTGRES_USER (hearth), which runs the migrations; hearth_app owns nothing and is bound by
# row-level security (the migrations check it is neither superuser nor BYPASSRLS).
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$HEARTH_APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE hearth_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
SQL
