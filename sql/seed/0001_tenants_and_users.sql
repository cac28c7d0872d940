-- Dev/demo seed: fixed, documented ids (sql/README.md) so the local gateway can
-- mint dev JWTs for these users. Idempotent: ON CONFLICT DO NOTHING everywhere.
-- Each tenant's rows are written with app.tenant_id set (SET LOCAL: run each seed
-- file inside a transaction, as migrate.sh --seed does), so
-- the seed also works as a non-superuser owner under FORCE ROW LEVEL SECURITY.

-- Acme Outfitters: the big tenant (124 users, so pagination has pages).
SET LOCAL app.tenant_id = '11111111-1111-4111-8111-111111111111';

INSERT INTO tenants (id, name, status, plan, quicksight_namespace, created_at)
VALUES ('11111111-1111-4111-8111-111111111111', 'Acme Outfitters', 'active', 'enterprise', 'default',
        '2024-01-01 08:00:00+00')
ON CONFLICT DO NOTHING;

INSERT INTO users (id, tenant_id, email, name, role, status, cognito_sub, quicksight_user_arn, created_at)
VALUES
  ('a1000000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'admin@acme.example',
   'Ada Admin', 'admin', 'active', 'dev-acme-admin',
   'arn:aws:quicksight:us-east-1:123456789012:user/default/acme-admin', '2024-01-01 09:00:00+00'),
  ('a1000000-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'analyst@acme.example',
   'Andy Analyst', 'analyst', 'active', 'dev-acme-analyst',
   'arn:aws:quicksight:us-east-1:123456789012:user/default/acme-analyst', '2024-01-01 09:05:00+00'),
  ('a1000000-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111', 'viewer@acme.example',
   'Vera Viewer', 'viewer', 'active', 'dev-acme-viewer',
   'arn:aws:quicksight:us-east-1:123456789012:user/default/acme-viewer', '2024-01-01 09:10:00+00'),
  ('a1000000-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111', 'disabled@acme.example',
   'Dana Disabled', 'analyst', 'disabled', 'dev-acme-disabled', NULL, '2024-01-01 09:15:00+00')
ON CONFLICT DO NOTHING;

-- 120 generated staff users, newest last, one per hour from 2024-02-01.
INSERT INTO users (id, tenant_id, email, name, role, status, cognito_sub, created_at)
SELECT ('a1000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
       '11111111-1111-4111-8111-111111111111',
       'user' || lpad(n::text, 3, '0') || '@acme.example',
       'Acme User ' || lpad(n::text, 3, '0'),
       CASE WHEN n % 4 = 0 THEN 'analyst' ELSE 'viewer' END,
       CASE WHEN n % 25 = 0 THEN 'disabled' ELSE 'active' END,
       'dev-acme-user-' || lpad(n::text, 3, '0'),
       timestamptz '2024-02-01 00:00:00+00' + n * interval '1 hour'
FROM generate_series(1, 120) AS n
ON CONFLICT DO NOTHING;

-- Globex Home: a small tenant in its own QuickSight namespace.
SET LOCAL app.tenant_id = '22222222-2222-4222-8222-222222222222';

INSERT INTO tenants (id, name, status, plan, quicksight_namespace, created_at)
VALUES ('22222222-2222-4222-8222-222222222222', 'Globex Home', 'active', 'standard', 'globex',
        '2024-01-02 08:00:00+00')
ON CONFLICT DO NOTHING;

INSERT INTO users (id, tenant_id, email, name, role, status, cognito_sub, quicksight_user_arn, created_at)
VALUES
  ('b2000000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'admin@globex.example',
   'Gina Admin', 'admin', 'active', 'dev-globex-admin',
   'arn:aws:quicksight:us-east-1:123456789012:user/globex/globex-admin', '2024-01-02 09:00:00+00'),
  ('b2000000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'analyst@globex.example',
   'Gus Analyst', 'analyst', 'active', 'dev-globex-analyst',
   'arn:aws:quicksight:us-east-1:123456789012:user/globex/globex-analyst', '2024-01-02 09:05:00+00'),
  ('b2000000-0000-4000-8000-000000000003', '22222222-2222-4222-8222-222222222222', 'viewer@globex.example',
   'Greta Viewer', 'viewer', 'active', 'dev-globex-viewer',
   'arn:aws:quicksight:us-east-1:123456789012:user/globex/globex-viewer', '2024-01-02 09:10:00+00'),
  -- Invited but never signed in: no Cognito identity yet.
  ('b2000000-0000-4000-8000-000000000004', '22222222-2222-4222-8222-222222222222', 'invited@globex.example',
   'Ivan Invited', 'viewer', 'active', NULL, NULL, '2024-01-02 09:15:00+00')
ON CONFLICT DO NOTHING;

-- Initech Supplies: suspended, to exercise the "tenant not active" paths.
SET LOCAL app.tenant_id = '33333333-3333-4333-8333-333333333333';

INSERT INTO tenants (id, name, status, plan, quicksight_namespace, created_at)
VALUES ('33333333-3333-4333-8333-333333333333', 'Initech Supplies', 'suspended', 'trial', 'default',
        '2024-01-03 08:00:00+00')
ON CONFLICT DO NOTHING;

INSERT INTO users (id, tenant_id, email, name, role, status, cognito_sub, created_at)
VALUES ('c3000000-0000-4000-8000-000000000001', '33333333-3333-4333-8333-333333333333', 'admin@initech.example',
        'Ian Admin', 'admin', 'active', 'dev-initech-admin', '2024-01-03 09:00:00+00')
ON CONFLICT DO NOTHING;
