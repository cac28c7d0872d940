-- Least privilege for shoppulse_app: exactly what the API routes do, nothing
-- more. Tables stay owned by the migration role; shoppulse_app never owns,
-- never bypasses RLS and never logs in itself.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO shoppulse_app;

-- Tenants are provisioned by operators, not by the API.
GRANT SELECT ON tenants TO shoppulse_app;

-- User management. tenant_id, id and created_at are not updatable; updated_at is
-- maintained by the trigger.
GRANT SELECT, INSERT, DELETE ON users TO shoppulse_app;
GRANT UPDATE (email, name, role, status, cognito_sub, quicksight_user_arn) ON users TO shoppulse_app;

-- Commerce facts are loaded by the ingestion pipeline; the API only reads them.
GRANT SELECT ON orders, fulfillment, marketing_campaigns TO shoppulse_app;

GRANT SELECT, INSERT, DELETE ON role_metric_visibility TO shoppulse_app;
GRANT UPDATE (visible, display_name) ON role_metric_visibility TO shoppulse_app;

GRANT SELECT, INSERT, DELETE ON governance_rules TO shoppulse_app;
GRANT UPDATE (enabled, config, description, updated_by) ON governance_rules TO shoppulse_app;

-- Append-only: no UPDATE, DELETE or TRUNCATE (the trigger backs this up).
GRANT SELECT, INSERT ON audit_logs TO shoppulse_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM shoppulse_app;
