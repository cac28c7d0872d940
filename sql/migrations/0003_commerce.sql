-- The e-commerce facts the analytics routes aggregate. Every reference between
-- these tables carries tenant_id, so a row can only point at its own tenant's
-- rows even when written by a role that bypasses row-level security.

CREATE TABLE marketing_campaigns (
  id            uuid          NOT NULL DEFAULT gen_random_uuid(),
  tenant_id     uuid          NOT NULL,
  name          text          NOT NULL,
  channel       text          NOT NULL,
  status        text          NOT NULL DEFAULT 'draft',
  currency      char(3)       NOT NULL DEFAULT 'USD',
  budget        numeric(12,2) NOT NULL DEFAULT 0,
  spend         numeric(12,2) NOT NULL DEFAULT 0,
  impressions   bigint        NOT NULL DEFAULT 0,
  clicks        bigint        NOT NULL DEFAULT 0,
  conversions   bigint        NOT NULL DEFAULT 0,
  starts_at     timestamptz,
  ends_at       timestamptz,
  created_by    uuid,
  created_at    timestamptz   NOT NULL DEFAULT now(),
  updated_at    timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT marketing_campaigns_pkey PRIMARY KEY (id),
  CONSTRAINT marketing_campaigns_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT marketing_campaigns_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  -- SET NULL (created_by) only: the row keeps its tenant when the user goes.
  CONSTRAINT marketing_campaigns_created_by_fkey FOREIGN KEY (tenant_id, created_by)
    REFERENCES users (tenant_id, id) ON DELETE SET NULL (created_by),
  CONSTRAINT marketing_campaigns_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
  CONSTRAINT marketing_campaigns_channel_valid
    CHECK (channel IN ('email', 'paid_search', 'paid_social', 'display', 'affiliate', 'organic_social', 'sms')),
  CONSTRAINT marketing_campaigns_status_valid
    CHECK (status IN ('draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled')),
  CONSTRAINT marketing_campaigns_currency_valid CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT marketing_campaigns_amounts_valid CHECK (budget >= 0 AND spend >= 0),
  CONSTRAINT marketing_campaigns_funnel_valid
    CHECK (impressions >= 0 AND clicks BETWEEN 0 AND impressions AND conversions BETWEEN 0 AND clicks),
  CONSTRAINT marketing_campaigns_window_valid CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);

CREATE INDEX marketing_campaigns_tenant_status_idx ON marketing_campaigns (tenant_id, status, starts_at DESC);
CREATE INDEX marketing_campaigns_tenant_created_by_idx ON marketing_campaigns (tenant_id, created_by) WHERE created_by IS NOT NULL;

CREATE TRIGGER marketing_campaigns_set_updated_at BEFORE UPDATE ON marketing_campaigns
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE orders (
  id               uuid          NOT NULL DEFAULT gen_random_uuid(),
  tenant_id        uuid          NOT NULL,
  order_number     text          NOT NULL,
  status           text          NOT NULL DEFAULT 'pending',
  sales_channel    text          NOT NULL DEFAULT 'web',
  customer_ref     text          NOT NULL,
  -- PII: masked for roles named by the tenant's pii_masking governance rule.
  customer_email   text,
  customer_name    text,
  currency         char(3)       NOT NULL DEFAULT 'USD',
  subtotal         numeric(12,2) NOT NULL,
  discount_total   numeric(12,2) NOT NULL DEFAULT 0,
  tax_total        numeric(12,2) NOT NULL DEFAULT 0,
  shipping_total   numeric(12,2) NOT NULL DEFAULT 0,
  total            numeric(12,2) NOT NULL,
  item_count       integer       NOT NULL DEFAULT 1,
  campaign_id      uuid,
  placed_at        timestamptz   NOT NULL DEFAULT now(),
  created_at       timestamptz   NOT NULL DEFAULT now(),
  updated_at       timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT orders_pkey PRIMARY KEY (id),
  CONSTRAINT orders_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT orders_tenant_order_number_key UNIQUE (tenant_id, order_number),
  CONSTRAINT orders_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT orders_campaign_fkey FOREIGN KEY (tenant_id, campaign_id)
    REFERENCES marketing_campaigns (tenant_id, id) ON DELETE SET NULL (campaign_id),
  CONSTRAINT orders_order_number_length CHECK (char_length(order_number) BETWEEN 1 AND 32),
  CONSTRAINT orders_status_valid CHECK (status IN ('pending', 'paid', 'fulfilled', 'cancelled', 'refunded')),
  CONSTRAINT orders_sales_channel_valid CHECK (sales_channel IN ('web', 'mobile', 'marketplace', 'pos')),
  CONSTRAINT orders_customer_ref_length CHECK (char_length(customer_ref) BETWEEN 1 AND 64),
  CONSTRAINT orders_customer_email_length CHECK (char_length(customer_email) <= 100),
  CONSTRAINT orders_customer_name_length CHECK (char_length(customer_name) <= 100),
  CONSTRAINT orders_currency_valid CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT orders_amounts_valid
    CHECK (subtotal >= 0 AND discount_total >= 0 AND tax_total >= 0 AND shipping_total >= 0 AND discount_total <= subtotal),
  -- Revenue reports sum total; it must agree with its parts.
  CONSTRAINT orders_total_consistent CHECK (total = subtotal - discount_total + tax_total + shipping_total),
  CONSTRAINT orders_item_count_valid CHECK (item_count BETWEEN 1 AND 10000)
);

CREATE INDEX orders_tenant_placed_at_idx ON orders (tenant_id, placed_at DESC, id DESC);
CREATE INDEX orders_tenant_status_placed_at_idx ON orders (tenant_id, status, placed_at DESC);
CREATE INDEX orders_tenant_campaign_idx ON orders (tenant_id, campaign_id) WHERE campaign_id IS NOT NULL;

CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE fulfillment (
  id               uuid          NOT NULL DEFAULT gen_random_uuid(),
  tenant_id        uuid          NOT NULL,
  order_id         uuid          NOT NULL,
  status           text          NOT NULL DEFAULT 'pending',
  warehouse_code   text          NOT NULL,
  carrier          text,
  tracking_number  text,
  shipping_cost    numeric(10,2) NOT NULL DEFAULT 0,
  promised_by      timestamptz,
  shipped_at       timestamptz,
  delivered_at     timestamptz,
  created_at       timestamptz   NOT NULL DEFAULT now(),
  updated_at       timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT fulfillment_pkey PRIMARY KEY (id),
  CONSTRAINT fulfillment_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT fulfillment_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT fulfillment_order_fkey FOREIGN KEY (tenant_id, order_id)
    REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT fulfillment_status_valid
    CHECK (status IN ('pending', 'picking', 'packed', 'shipped', 'in_transit', 'delivered', 'returned', 'failed', 'cancelled')),
  CONSTRAINT fulfillment_warehouse_code_valid CHECK (warehouse_code ~ '^[A-Z0-9-]{2,16}$'),
  CONSTRAINT fulfillment_carrier_length CHECK (char_length(carrier) BETWEEN 1 AND 50),
  CONSTRAINT fulfillment_tracking_number_length CHECK (char_length(tracking_number) BETWEEN 1 AND 64),
  CONSTRAINT fulfillment_shipping_cost_valid CHECK (shipping_cost >= 0),
  CONSTRAINT fulfillment_shipped_before_delivered
    CHECK (delivered_at IS NULL OR (shipped_at IS NOT NULL AND delivered_at >= shipped_at)),
  CONSTRAINT fulfillment_shipped_has_timestamp
    CHECK (status NOT IN ('shipped', 'in_transit', 'delivered') OR shipped_at IS NOT NULL),
  CONSTRAINT fulfillment_delivered_has_timestamp CHECK (status <> 'delivered' OR delivered_at IS NOT NULL)
);

CREATE INDEX fulfillment_tenant_order_idx ON fulfillment (tenant_id, order_id);
CREATE INDEX fulfillment_tenant_status_created_at_idx ON fulfillment (tenant_id, status, created_at DESC);

CREATE TRIGGER fulfillment_set_updated_at BEFORE UPDATE ON fulfillment
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
