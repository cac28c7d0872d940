-- Tenants and the people who use the dashboards.

CREATE TABLE tenants (
  id                       uuid        NOT NULL DEFAULT gen_random_uuid(),
  name                     text        NOT NULL,
  status                   text        NOT NULL DEFAULT 'active',
  plan                     text        NOT NULL DEFAULT 'standard',
  quicksight_namespace     text        NOT NULL DEFAULT 'default',
  -- 'registered' embeds as the user's own QuickSight identity
  -- (users.quicksight_user_arn); 'anonymous' uses session tags.
  quicksight_embed_mode    text        NOT NULL DEFAULT 'registered',
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_pkey PRIMARY KEY (id),
  CONSTRAINT tenants_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
  CONSTRAINT tenants_status_valid CHECK (status IN ('active', 'suspended', 'disabled')),
  CONSTRAINT tenants_plan_valid CHECK (plan IN ('trial', 'standard', 'enterprise')),
  -- QuickSight's own namespace rule.
  CONSTRAINT tenants_quicksight_namespace_valid CHECK (quicksight_namespace ~ '^[A-Za-z0-9._-]{1,64}$'),
  CONSTRAINT tenants_quicksight_embed_mode_valid CHECK (quicksight_embed_mode IN ('registered', 'anonymous'))
);

CREATE TRIGGER tenants_set_updated_at BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE users (
  id                   uuid        NOT NULL DEFAULT gen_random_uuid(),
  tenant_id            uuid        NOT NULL,
  email                text        NOT NULL,
  name                 text        NOT NULL,
  role                 text        NOT NULL,
  status               text        NOT NULL DEFAULT 'active',
  cognito_sub          text,
  quicksight_user_arn  text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_pkey PRIMARY KEY (id),
  -- Target of every tenant-qualified foreign key to a user.
  CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id),
  CONSTRAINT users_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT users_email_valid CHECK (char_length(email) <= 100 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  CONSTRAINT users_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 50 AND char_length(name) <= 50),
  CONSTRAINT users_role_valid CHECK (role IN ('admin', 'analyst', 'viewer')),
  CONSTRAINT users_status_valid CHECK (status IN ('active', 'disabled')),
  CONSTRAINT users_cognito_sub_length CHECK (char_length(cognito_sub) BETWEEN 1 AND 128),
  CONSTRAINT users_quicksight_user_arn_valid
    CHECK (char_length(quicksight_user_arn) <= 2048 AND quicksight_user_arn LIKE 'arn:aws%:quicksight:%:user/%')
);

-- Case-insensitive uniqueness per tenant: Alice@x and alice@x are one person.
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email));
-- The authorizer resolves a JWT's sub within its tenant.
CREATE UNIQUE INDEX users_tenant_cognito_sub_key ON users (tenant_id, cognito_sub) WHERE cognito_sub IS NOT NULL;
-- Keyset pagination: ORDER BY created_at DESC, id DESC with
-- (created_at, id) < ($cursor_created_at, $cursor_id).
CREATE INDEX users_tenant_created_at_idx ON users (tenant_id, created_at DESC, id DESC);

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
