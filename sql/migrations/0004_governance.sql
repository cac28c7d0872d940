-- Who may see which QuickSight dashboard or metric, and tenant-level rules.

CREATE TABLE role_metric_visibility (
  tenant_id     uuid        NOT NULL,
  role          text        NOT NULL,
  dashboard_id  text        NOT NULL,
  -- '*' is the dashboard as a whole; anything else names one metric on it.
  metric_key    text        NOT NULL DEFAULT '*',
  visible       boolean     NOT NULL DEFAULT false,
  display_name  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- Leads with tenant_id and role: "what may this role see" is one range scan.
  CONSTRAINT role_metric_visibility_pkey PRIMARY KEY (tenant_id, role, dashboard_id, metric_key),
  CONSTRAINT role_metric_visibility_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT role_metric_visibility_role_valid CHECK (role IN ('admin', 'analyst', 'viewer')),
  -- QuickSight dashboard ids: [\w-]{1,512}.
  CONSTRAINT role_metric_visibility_dashboard_id_valid CHECK (char_length(dashboard_id) <= 512 AND dashboard_id ~ '^[A-Za-z0-9_-]+$'),
  CONSTRAINT role_metric_visibility_metric_key_valid CHECK (metric_key = '*' OR metric_key ~ '^[a-z][a-z0-9_]{0,63}$'),
  CONSTRAINT role_metric_visibility_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 100)
);

CREATE TRIGGER role_metric_visibility_set_updated_at BEFORE UPDATE ON role_metric_visibility
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One typed row per rule kind and tenant; config's shape is checked per kind
-- so the API never has to cope with a malformed rule.
CREATE TABLE governance_rules (
  id           uuid        NOT NULL DEFAULT gen_random_uuid(),
  tenant_id    uuid        NOT NULL,
  rule_type    text        NOT NULL,
  enabled      boolean     NOT NULL DEFAULT true,
  config       jsonb       NOT NULL DEFAULT '{}',
  description  text,
  updated_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT governance_rules_pkey PRIMARY KEY (id),
  CONSTRAINT governance_rules_tenant_rule_type_key UNIQUE (tenant_id, rule_type),
  CONSTRAINT governance_rules_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT governance_rules_updated_by_fkey FOREIGN KEY (tenant_id, updated_by)
    REFERENCES users (tenant_id, id) ON DELETE SET NULL (updated_by),
  CONSTRAINT governance_rules_rule_type_valid
    CHECK (rule_type IN ('embed_session', 'embed_allowed_domains', 'pii_masking', 'data_retention')),
  CONSTRAINT governance_rules_description_length CHECK (char_length(description) <= 200),
  CONSTRAINT governance_rules_config_is_object CHECK (jsonb_typeof(config) = 'object'),
  CONSTRAINT governance_rules_config_shape CHECK (
    CASE rule_type
      -- QuickSight accepts SessionLifetimeInMinutes 15..600.
      WHEN 'embed_session' THEN
        CASE WHEN jsonb_typeof(config -> 'session_lifetime_minutes') = 'number'
             THEN (config ->> 'session_lifetime_minutes')::numeric BETWEEN 15 AND 600
             ELSE false END
      -- QuickSight accepts at most three AllowedDomains.
      WHEN 'embed_allowed_domains' THEN
        CASE WHEN jsonb_typeof(config -> 'domains') = 'array'
             THEN jsonb_array_length(config -> 'domains') BETWEEN 1 AND 3
                  AND NOT jsonb_path_exists(config, '$.domains[*] ? (@.type() != "string" || !(@ like_regex "^https?://[^/ ]+$"))')
             ELSE false END
      WHEN 'pii_masking' THEN
        CASE WHEN jsonb_typeof(config -> 'masked_roles') = 'array' AND jsonb_typeof(config -> 'fields') = 'array'
             THEN NOT jsonb_path_exists(config, '$.masked_roles[*] ? (!(@ == "admin" || @ == "analyst" || @ == "viewer"))')
                  AND NOT jsonb_path_exists(config, '$.fields[*] ? (@.type() != "string")')
             ELSE false END
      WHEN 'data_retention' THEN
        CASE WHEN jsonb_typeof(config -> 'audit_log_days') = 'number'
             THEN (config ->> 'audit_log_days')::numeric BETWEEN 30 AND 3650
             ELSE false END
      ELSE false
    END
  )
);

CREATE TRIGGER governance_rules_set_updated_at BEFORE UPDATE ON governance_rules
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
