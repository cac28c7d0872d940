-- The benchmarks' tenant size: the seed's Acme tenant (124 users) topped up
-- to 500 users, the size the warm-path targets were set for. Run as the
-- superuser on a fresh clone of the seeded template, before VACUUM (ANALYZE).
INSERT INTO users (id, tenant_id, email, name, role, status, cognito_sub, created_at)
SELECT ('a1000000-0000-4000-a000-' || lpad(n::text, 12, '0'))::uuid,
       '11111111-1111-4111-8111-111111111111',
       'bench' || lpad(n::text, 3, '0') || '@acme.example',
       'Bench User ' || lpad(n::text, 3, '0'),
       CASE WHEN n % 4 = 0 THEN 'analyst' ELSE 'viewer' END,
       CASE WHEN n % 25 = 0 THEN 'disabled' ELSE 'active' END,
       'dev-acme-bench-' || lpad(n::text, 3, '0'),
       timestamptz '2024-03-01 00:00:00+00' + n * interval '7 minutes'
FROM generate_series(1, 500 - (SELECT count(*) FROM users
                               WHERE tenant_id = '11111111-1111-4111-8111-111111111111')::int) AS n
ON CONFLICT DO NOTHING;
