-- Append-only audit history. No updated_at: rows never change.

CREATE TABLE audit_logs (
  id             uuid        NOT NULL DEFAULT gen_random_uuid(),
  tenant_id      uuid        NOT NULL,
  -- No foreign key to users: the history must outlive a deleted user.
  actor_user_id  uuid,
  actor_sub      text,
  actor_role     text,
  action         text        NOT NULL,
  resource_type  text        NOT NULL,
  resource_id    text,
  request_id     text,
  source_ip      inet,
  details        jsonb       NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_logs_pkey PRIMARY KEY (id),
  -- NO ACTION, not CASCADE: deleting a tenant with history is a deliberate
  -- purge, not a side effect.
  CONSTRAINT audit_logs_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT audit_logs_actor_sub_length CHECK (char_length(actor_sub) BETWEEN 1 AND 128),
  CONSTRAINT audit_logs_actor_role_valid CHECK (actor_role IN ('admin', 'analyst', 'viewer', 'system')),
  -- Dotted lower-case names (user.created, quicksight.embed_url.generated):
  -- a format rather than a list, so a new action needs no migration.
  CONSTRAINT audit_logs_action_valid CHECK (char_length(action) <= 64 AND action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  CONSTRAINT audit_logs_resource_type_valid CHECK (resource_type ~ '^[a-z][a-z_]{0,31}$'),
  CONSTRAINT audit_logs_resource_id_length CHECK (char_length(resource_id) BETWEEN 1 AND 256),
  CONSTRAINT audit_logs_request_id_length CHECK (char_length(request_id) BETWEEN 1 AND 128),
  CONSTRAINT audit_logs_details_is_object CHECK (jsonb_typeof(details) = 'object')
);

-- Keyset pagination newest first: ORDER BY created_at DESC, id DESC.
CREATE INDEX audit_logs_tenant_created_at_idx ON audit_logs (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_logs_tenant_resource_idx ON audit_logs (tenant_id, resource_type, resource_id, created_at DESC);
CREATE INDEX audit_logs_tenant_actor_idx ON audit_logs (tenant_id, actor_user_id, created_at DESC) WHERE actor_user_id IS NOT NULL;

CREATE TRIGGER audit_logs_forbid_update_delete BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION forbid_audit_mutation();
CREATE TRIGGER audit_logs_forbid_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_audit_mutation();
