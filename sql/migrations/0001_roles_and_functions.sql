-- Cluster-wide role and shared trigger functions.
--
-- Every migration runs inside one transaction (sql/migrate.sh and the C++
-- migrator wrap each file in BEGIN/COMMIT), so no statement here may refuse a
-- transaction block (no CREATE DATABASE, no CREATE INDEX CONCURRENTLY, no VACUUM)
-- and there is no transaction control or psql meta-command in these files.

-- The application's privileges are granted to this NOLOGIN role; the Lambda's
-- LOGIN role (created by infra, or by run.sh / tests/support/pg.sh locally) is a
-- member of it. Roles are cluster-wide and several databases may share a
-- cluster, so creation must tolerate an existing role, including one created by
-- a concurrent migration of another database.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'shoppulse_app') THEN
    CREATE ROLE shoppulse_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- Keeps updated_at honest regardless of what the statement set.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- Audit history must survive a compromised or buggy application: privileges
-- already refuse UPDATE/DELETE/TRUNCATE to shoppulse_app, and this trigger also
-- stops the table owner. A retention purge has to disable the trigger
-- explicitly, which is itself visible in the database log.
CREATE FUNCTION forbid_audit_mutation() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
