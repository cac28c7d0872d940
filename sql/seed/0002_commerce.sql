-- Campaigns, orders and fulfillment. Order times are relative to when the seed
-- first ran, so "last 30 days" reports have data; re-running adds nothing.

SET LOCAL app.tenant_id = '11111111-1111-4111-8111-111111111111';

INSERT INTO marketing_campaigns (id, tenant_id, name, channel, status, currency, budget, spend,
                                 impressions, clicks, conversions, starts_at, ends_at, created_by)
VALUES
  ('a1ca0000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'Spring Trail Sale',
   'email', 'completed', 'USD', 5000.00, 4820.50, 120000, 9600, 410,
   date_trunc('day', now()) - interval '90 days', date_trunc('day', now()) - interval '60 days',
   'a1000000-0000-4000-8000-000000000001'),
  ('a1ca0000-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'Summer Camp Search',
   'paid_search', 'active', 'USD', 12000.00, 7311.25, 480000, 21000, 905,
   date_trunc('day', now()) - interval '45 days', date_trunc('day', now()) + interval '15 days',
   'a1000000-0000-4000-8000-000000000002'),
  ('a1ca0000-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111', 'Instagram Gear Drops',
   'paid_social', 'active', 'USD', 8000.00, 3120.00, 650000, 15400, 388,
   date_trunc('day', now()) - interval '30 days', NULL,
   'a1000000-0000-4000-8000-000000000002'),
  ('a1ca0000-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111', 'Holiday Preview',
   'display', 'scheduled', 'USD', 15000.00, 0, 0, 0, 0,
   date_trunc('day', now()) + interval '30 days', date_trunc('day', now()) + interval '60 days',
   'a1000000-0000-4000-8000-000000000001')
ON CONFLICT DO NOTHING;

-- 200 orders over ~83 days; amounts derived from n so totals are reproducible.
INSERT INTO orders (id, tenant_id, order_number, status, sales_channel, customer_ref, customer_email,
                    customer_name, currency, subtotal, discount_total, tax_total, shipping_total, total,
                    item_count, campaign_id, placed_at)
SELECT ('a1de0000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       '11111111-1111-4111-8111-111111111111',
       'ACME-' || lpad(n::text, 6, '0'),
       CASE WHEN n % 20 = 0 THEN 'cancelled' WHEN n % 20 = 1 THEN 'refunded'
            WHEN n <= 8 THEN 'pending' WHEN n <= 40 THEN 'paid' ELSE 'fulfilled' END,
       (ARRAY['web', 'mobile', 'marketplace', 'pos'])[n % 4 + 1],
       'cus_' || lpad((n % 70)::text, 5, '0'),
       'customer' || (n % 70) || '@mail.example',
       'Customer ' || (n % 70),
       'USD', a.subtotal, a.discount, a.tax, a.shipping, a.subtotal - a.discount + a.tax + a.shipping,
       1 + n % 5,
       CASE WHEN n % 3 = 0 THEN ('a1ca0000-0000-4000-8000-00000000000' || (n % 3 + 1 + (n / 3) % 3))::uuid END,
       date_trunc('hour', now()) - n * interval '10 hours' - (n * 37 % 60) * interval '1 minute'
FROM generate_series(1, 200) AS n
CROSS JOIN LATERAL (
  SELECT s.subtotal, s.discount,
         round((s.subtotal - s.discount) * 0.08, 2) AS tax,
         CASE WHEN s.subtotal >= 100 THEN 0.00 ELSE 7.95 END AS shipping
  FROM (SELECT round(20 + (n * 7919 % 48000) / 100.0, 2) AS subtotal,
               CASE WHEN n % 5 = 0 THEN round((20 + (n * 7919 % 48000) / 100.0) * 0.10, 2) ELSE 0 END AS discount) AS s
) AS a
ON CONFLICT DO NOTHING;

INSERT INTO fulfillment (id, tenant_id, order_id, status, warehouse_code, carrier, tracking_number,
                         shipping_cost, promised_by, shipped_at, delivered_at)
SELECT ('a1f00000-0000-4000-8000-' || right(o.id::text, 12))::uuid,
       o.tenant_id, o.id, f.status,
       CASE WHEN o.item_count % 2 = 0 THEN 'WH-EAST-1' ELSE 'WH-WEST-2' END,
       CASE WHEN f.status IN ('shipped', 'delivered') THEN (ARRAY['UPS', 'FedEx', 'USPS', 'DHL'])[o.item_count % 4 + 1] END,
       CASE WHEN f.status IN ('shipped', 'delivered') THEN '1Z' || upper(substr(md5(o.id::text), 1, 16)) END,
       round(4.50 + o.item_count * 1.25, 2),
       o.placed_at + interval '5 days',
       CASE WHEN f.status IN ('shipped', 'delivered') THEN o.placed_at + interval '20 hours' END,
       CASE WHEN f.status = 'delivered' THEN o.placed_at + interval '20 hours' + (1 + o.item_count % 4) * interval '1 day' END
FROM orders AS o
CROSS JOIN LATERAL (
  SELECT CASE WHEN o.status = 'fulfilled' THEN 'delivered'
              ELSE (ARRAY['picking', 'packed', 'shipped'])[o.item_count % 3 + 1] END AS status
) AS f
WHERE o.tenant_id = '11111111-1111-4111-8111-111111111111' AND o.status IN ('paid', 'fulfilled')
ON CONFLICT DO NOTHING;

SET LOCAL app.tenant_id = '22222222-2222-4222-8222-222222222222';

INSERT INTO marketing_campaigns (id, tenant_id, name, channel, status, currency, budget, spend,
                                 impressions, clicks, conversions, starts_at, ends_at, created_by)
VALUES
  ('b2ca0000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'Kitchen Refresh Newsletter',
   'email', 'active', 'EUR', 2000.00, 850.00, 40000, 3100, 122,
   date_trunc('day', now()) - interval '20 days', NULL, 'b2000000-0000-4000-8000-000000000001'),
  ('b2ca0000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'Affiliate Living Rooms',
   'affiliate', 'paused', 'EUR', 3000.00, 1204.10, 90000, 2500, 61,
   date_trunc('day', now()) - interval '60 days', NULL, 'b2000000-0000-4000-8000-000000000002')
ON CONFLICT DO NOTHING;

INSERT INTO orders (id, tenant_id, order_number, status, sales_channel, customer_ref, customer_email,
                    customer_name, currency, subtotal, discount_total, tax_total, shipping_total, total,
                    item_count, campaign_id, placed_at)
SELECT ('b2de0000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       '22222222-2222-4222-8222-222222222222',
       'GLX-' || lpad(n::text, 6, '0'),
       CASE WHEN n % 15 = 0 THEN 'refunded' WHEN n <= 4 THEN 'pending' WHEN n <= 15 THEN 'paid' ELSE 'fulfilled' END,
       (ARRAY['web', 'mobile'])[n % 2 + 1],
       'gcus_' || lpad((n % 25)::text, 5, '0'),
       'buyer' || (n % 25) || '@mail.example',
       'Buyer ' || (n % 25),
       'EUR', a.subtotal, 0, a.tax, a.shipping, a.subtotal + a.tax + a.shipping,
       1 + n % 3,
       CASE WHEN n % 4 = 0 THEN ('b2ca0000-0000-4000-8000-00000000000' || (n % 8 / 4 + 1))::uuid END,
       date_trunc('hour', now()) - n * interval '30 hours'
FROM generate_series(1, 60) AS n
CROSS JOIN LATERAL (
  SELECT s.subtotal, round(s.subtotal * 0.19, 2) AS tax, CASE WHEN s.subtotal >= 80 THEN 0.00 ELSE 5.90 END AS shipping
  FROM (SELECT round(35 + (n * 6007 % 90000) / 100.0, 2) AS subtotal) AS s
) AS a
ON CONFLICT DO NOTHING;

INSERT INTO fulfillment (id, tenant_id, order_id, status, warehouse_code, carrier, tracking_number,
                         shipping_cost, promised_by, shipped_at, delivered_at)
SELECT ('b2f00000-0000-4000-8000-' || right(o.id::text, 12))::uuid,
       o.tenant_id, o.id,
       CASE WHEN o.status = 'fulfilled' THEN 'delivered' ELSE 'packed' END,
       'EU-BER-1',
       CASE WHEN o.status = 'fulfilled' THEN 'DHL' END,
       CASE WHEN o.status = 'fulfilled' THEN 'JD' || upper(substr(md5(o.id::text), 1, 18)) END,
       6.90,
       o.placed_at + interval '4 days',
       CASE WHEN o.status = 'fulfilled' THEN o.placed_at + interval '1 day' END,
       CASE WHEN o.status = 'fulfilled' THEN o.placed_at + interval '3 days' END
FROM orders AS o
WHERE o.tenant_id = '22222222-2222-4222-8222-222222222222' AND o.status IN ('paid', 'fulfilled')
ON CONFLICT DO NOTHING;
