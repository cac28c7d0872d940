-- Dashboard/metric visibility per role and tenant governance rules.
-- Dashboard ids are the QuickSight dashboard ids in each tenant's namespace.

SET LOCAL app.tenant_id = '11111111-1111-4111-8111-111111111111';

-- Dashboards ('*'): sales-overview for everyone, marketing and fulfillment for
-- admin+analyst, finance for admin only. Viewer rows exist with visible=false so
-- "explicitly hidden" is distinguishable from "never configured".
INSERT INTO role_metric_visibility (tenant_id, role, dashboard_id, metric_key, visible, display_name)
SELECT '11111111-1111-4111-8111-111111111111', r.role, d.dashboard_id, d.metric_key,
       r.role = ANY (d.roles), d.display_name
FROM (VALUES ('admin'), ('analyst'), ('viewer')) AS r (role)
CROSS JOIN (VALUES
  ('sales-overview',         '*',                     'Sales Overview',          ARRAY['admin', 'analyst', 'viewer']),
  ('sales-overview',         'order_count',           'Orders',                  ARRAY['admin', 'analyst', 'viewer']),
  ('sales-overview',         'average_order_value',   'Average order value',     ARRAY['admin', 'analyst', 'viewer']),
  ('sales-overview',         'gross_revenue',         'Gross revenue',           ARRAY['admin', 'analyst']),
  ('sales-overview',         'refund_rate',           'Refund rate',             ARRAY['admin', 'analyst']),
  ('marketing-performance',  '*',                     'Marketing Performance',   ARRAY['admin', 'analyst']),
  ('marketing-performance',  'campaign_spend',        'Campaign spend',          ARRAY['admin', 'analyst']),
  ('marketing-performance',  'conversion_rate',       'Conversion rate',         ARRAY['admin', 'analyst']),
  ('marketing-performance',  'roas',                  'Return on ad spend',      ARRAY['admin', 'analyst']),
  ('fulfillment-operations', '*',                     'Fulfillment Operations',  ARRAY['admin', 'analyst']),
  ('fulfillment-operations', 'on_time_delivery_rate', 'On-time delivery',        ARRAY['admin', 'analyst']),
  ('fulfillment-operations', 'avg_ship_time_hours',   'Average time to ship (h)', ARRAY['admin', 'analyst']),
  ('finance-executive',      '*',                     'Finance (Executive)',     ARRAY['admin'])
) AS d (dashboard_id, metric_key, display_name, roles)
ON CONFLICT DO NOTHING;

INSERT INTO governance_rules (id, tenant_id, rule_type, enabled, config, description, updated_by)
VALUES
  ('a1900000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'embed_session', true,
   '{"session_lifetime_minutes": 60}', 'Embedded dashboard sessions last one hour',
   'a1000000-0000-4000-8000-000000000001'),
  ('a1900000-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'embed_allowed_domains', true,
   '{"domains": ["http://localhost:3000", "https://analytics.acme.example"]}', 'Where dashboards may be embedded',
   'a1000000-0000-4000-8000-000000000001'),
  ('a1900000-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111', 'pii_masking', true,
   '{"masked_roles": ["viewer"], "fields": ["email", "customer_email", "customer_name"]}',
   'Viewers never see customer or staff contact details', 'a1000000-0000-4000-8000-000000000001'),
  ('a1900000-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111', 'data_retention', true,
   '{"audit_log_days": 365}', 'Keep audit history for a year', NULL)
ON CONFLICT DO NOTHING;

SET LOCAL app.tenant_id = '22222222-2222-4222-8222-222222222222';

INSERT INTO role_metric_visibility (tenant_id, role, dashboard_id, metric_key, visible, display_name)
SELECT '22222222-2222-4222-8222-222222222222', r.role, d.dashboard_id, d.metric_key,
       r.role = ANY (d.roles), d.display_name
FROM (VALUES ('admin'), ('analyst'), ('viewer')) AS r (role)
CROSS JOIN (VALUES
  ('sales-overview',        '*',             'Sales Overview',        ARRAY['admin', 'analyst', 'viewer']),
  ('sales-overview',        'order_count',   'Orders',                ARRAY['admin', 'analyst', 'viewer']),
  ('sales-overview',        'gross_revenue', 'Gross revenue',         ARRAY['admin', 'analyst']),
  ('marketing-performance', '*',             'Marketing Performance', ARRAY['admin', 'analyst']),
  ('finance-executive',     '*',             'Finance (Executive)',   ARRAY['admin'])
) AS d (dashboard_id, metric_key, display_name, roles)
ON CONFLICT DO NOTHING;

INSERT INTO governance_rules (id, tenant_id, rule_type, enabled, config, description, updated_by)
VALUES
  ('b2900000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'embed_session', true,
   '{"session_lifetime_minutes": 30}', NULL, 'b2000000-0000-4000-8000-000000000001'),
  ('b2900000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'embed_allowed_domains', true,
   '{"domains": ["http://localhost:3000"]}', NULL, 'b2000000-0000-4000-8000-000000000001'),
  ('b2900000-0000-4000-8000-000000000003', '22222222-2222-4222-8222-222222222222', 'pii_masking', true,
   '{"masked_roles": ["viewer", "analyst"], "fields": ["email", "customer_email", "customer_name"]}',
   'Only admins see contact details', 'b2000000-0000-4000-8000-000000000001')
ON CONFLICT DO NOTHING;

SET LOCAL app.tenant_id = '33333333-3333-4333-8333-333333333333';

INSERT INTO role_metric_visibility (tenant_id, role, dashboard_id, metric_key, visible, display_name)
VALUES ('33333333-3333-4333-8333-333333333333', 'admin', 'sales-overview', '*', true, 'Sales Overview')
ON CONFLICT DO NOTHING;
