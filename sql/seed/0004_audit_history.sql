-- Some audit history, so GET /audit-logs has pages of real-looking rows.

SET LOCAL app.tenant_id = '11111111-1111-4111-8111-111111111111';

INSERT INTO audit_logs (id, tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type, resource_id,
                        request_id, source_ip, details, created_at)
VALUES
  ('a1a00000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000001', 'dev-acme-admin', 'admin', 'user.created', 'user',
   'a1000000-0000-4000-8000-000000000002', 'seed-req-0001', '203.0.113.10',
   '{"email": "analyst@acme.example", "role": "analyst"}', '2024-01-01 09:05:00+00'),
  ('a1a00000-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000001', 'dev-acme-admin', 'admin', 'user.created', 'user',
   'a1000000-0000-4000-8000-000000000003', 'seed-req-0002', '203.0.113.10',
   '{"email": "viewer@acme.example", "role": "viewer"}', '2024-01-01 09:10:00+00'),
  ('a1a00000-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000001', 'dev-acme-admin', 'admin', 'user.updated', 'user',
   'a1000000-0000-4000-8000-000000000004', 'seed-req-0003', '203.0.113.10',
   '{"changes": {"status": {"from": "active", "to": "disabled"}}}', '2024-03-01 10:00:00+00'),
  ('a1a00000-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000001', 'dev-acme-admin', 'admin', 'governance.rule.updated', 'governance_rule',
   'a1900000-0000-4000-8000-000000000003', 'seed-req-0004', '203.0.113.10',
   '{"rule_type": "pii_masking", "changes": {"masked_roles": {"from": [], "to": ["viewer"]}}}', '2024-03-02 11:30:00+00'),
  ('a1a00000-0000-4000-8000-000000000005', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000002', 'dev-acme-analyst', 'analyst', 'quicksight.embed_url.generated', 'dashboard',
   'marketing-performance', 'seed-req-0005', '198.51.100.7',
   '{"session_lifetime_minutes": 60}', '2024-03-05 14:12:00+00'),
  ('a1a00000-0000-4000-8000-000000000006', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000003', 'dev-acme-viewer', 'viewer', 'quicksight.embed_url.generated', 'dashboard',
   'sales-overview', 'seed-req-0006', '198.51.100.8',
   '{"session_lifetime_minutes": 60}', '2024-03-05 15:40:00+00'),
  ('a1a00000-0000-4000-8000-000000000007', '11111111-1111-4111-8111-111111111111',
   'a1000000-0000-4000-8000-000000000001', 'dev-acme-admin', 'admin', 'user.deleted', 'user',
   'a1000000-0000-4000-8000-0000000000ff', 'seed-req-0007', '203.0.113.10',
   '{"email": "former@acme.example"}', '2024-03-10 08:00:00+00')
ON CONFLICT DO NOTHING;

-- Embed history for the generated users: 30 rows, one per day.
INSERT INTO audit_logs (id, tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type, resource_id,
                        request_id, source_ip, details, created_at)
SELECT ('a1a00000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
       '11111111-1111-4111-8111-111111111111',
       ('a1000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
       'dev-acme-user-' || lpad(n::text, 3, '0'),
       CASE WHEN n % 4 = 0 THEN 'analyst' ELSE 'viewer' END,
       'quicksight.embed_url.generated', 'dashboard', 'sales-overview',
       'seed-req-1' || lpad(n::text, 3, '0'), ('198.51.100.' || (n + 20))::inet,
       '{"session_lifetime_minutes": 60}',
       timestamptz '2024-04-01 12:00:00+00' + n * interval '1 day'
FROM generate_series(1, 30) AS n
ON CONFLICT DO NOTHING;

SET LOCAL app.tenant_id = '22222222-2222-4222-8222-222222222222';

INSERT INTO audit_logs (id, tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type, resource_id,
                        request_id, source_ip, details, created_at)
VALUES
  ('b2a00000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222',
   'b2000000-0000-4000-8000-000000000001', 'dev-globex-admin', 'admin', 'user.created', 'user',
   'b2000000-0000-4000-8000-000000000004', 'seed-req-2001', '192.0.2.44',
   '{"email": "invited@globex.example", "role": "viewer"}', '2024-01-02 09:15:00+00'),
  ('b2a00000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222',
   'b2000000-0000-4000-8000-000000000002', 'dev-globex-analyst', 'analyst', 'quicksight.embed_url.generated', 'dashboard',
   'sales-overview', 'seed-req-2002', '192.0.2.45',
   '{"session_lifetime_minutes": 30}', '2024-02-14 16:00:00+00')
ON CONFLICT DO NOTHING;
