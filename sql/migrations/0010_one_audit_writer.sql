-- One way to write an audit row. Migration 0009 wrote the audit INSERT, and
-- the list of a user's audited fields, again in every write function; they
-- now call api.write_audit and api.user_audit_details instead. 0009 itself
-- stays as applied (schema_migrations holds its checksum), so the write
-- functions are replaced here with the same signatures, results and rows.
--
-- The invariant is unchanged: api.write_audit runs inside the write function
-- that calls it, so a write and its audit row are still one statement and
-- one transaction; both commit or neither does.

-- The audit row of one action by the caller `p_sub` (role `p_role`). The
-- actor is the caller's user in the tenant, if there is one. Empty request
-- ids and source IPs are stored as NULL.
CREATE FUNCTION api.write_audit(p_tenant uuid, p_sub text, p_role text, p_action text, p_resource_type text,
                                p_resource_id text, p_request_id text, p_source_ip text, p_details jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.audit_logs (tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type,
                                 resource_id, request_id, source_ip, details)
  VALUES (p_tenant, api.actor_id(p_tenant, p_sub), p_sub, p_role, p_action, p_resource_type, p_resource_id,
          NULLIF(p_request_id, ''), NULLIF(p_source_ip, '')::inet, p_details);
END
$$;

-- A user's audited fields (email, name, role, status), each only where
-- `p_other`, the row on the other side of the change, differs; all of them
-- when there is no other side. NULL for a field left out.
CREATE FUNCTION api.user_audit_fields(p_user public.users, p_other public.users) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'email', CASE WHEN p_other.id IS NULL OR p_user.email IS DISTINCT FROM p_other.email THEN p_user.email END,
    'name', CASE WHEN p_other.id IS NULL OR p_user.name IS DISTINCT FROM p_other.name THEN p_user.name END,
    'role', CASE WHEN p_other.id IS NULL OR p_user.role IS DISTINCT FROM p_other.role THEN p_user.role END,
    'status', CASE WHEN p_other.id IS NULL OR p_user.status IS DISTINCT FROM p_other.status THEN p_user.status END)
$$;

-- The details of a change to a user: {"after": ...} when it was created,
-- {"before": ...} when it was deleted, both with only what changed when it
-- was updated (both present, possibly {}).
CREATE FUNCTION api.user_audit_details(p_before public.users, p_after public.users) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'before', CASE WHEN p_before.id IS NOT NULL THEN api.user_audit_fields(p_before, p_after) END,
    'after', CASE WHEN p_after.id IS NOT NULL THEN api.user_audit_fields(p_after, p_before) END))
$$;

-- A users row as the API shows it (what create_user and update_user return).
CREATE FUNCTION api.user_row_of(p_user public.users) RETURNS api.user_row
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(p_user.id, p_user.email, p_user.name, p_user.role, p_user.status, p_user.created_at,
             p_user.updated_at)::api.user_row
$$;

CREATE OR REPLACE FUNCTION api.create_user(p_tenant uuid, p_sub text, p_caller_role text, p_email text, p_name text,
                                           p_role text, p_request_id text, p_source_ip text)
RETURNS SETOF api.user_row
LANGUAGE plpgsql AS $$
DECLARE
  created public.users;
BEGIN
  INSERT INTO public.users (tenant_id, email, name, role) VALUES (p_tenant, p_email, p_name, p_role)
  RETURNING * INTO created;
  PERFORM api.write_audit(p_tenant, p_sub, p_caller_role, 'user.created', 'user', created.id::text, p_request_id,
                          p_source_ip, api.user_audit_details(NULL, created));
  RETURN NEXT api.user_row_of(created);
END
$$;

CREATE OR REPLACE FUNCTION api.update_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid, p_email text,
                                           p_name text, p_role text, p_status text, p_request_id text,
                                           p_source_ip text, p_self_only boolean)
RETURNS SETOF api.user_row
LANGUAGE plpgsql AS $$
DECLARE
  old_row public.users;
  new_row public.users;
BEGIN
  SELECT * INTO old_row FROM public.users u
  WHERE u.tenant_id = p_tenant AND u.id = p_id AND (NOT p_self_only OR u.cognito_sub = p_sub) FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE public.users u
  SET email = COALESCE(p_email, u.email), name = COALESCE(p_name, u.name), role = COALESCE(p_role, u.role),
      status = COALESCE(p_status, u.status)
  WHERE u.tenant_id = p_tenant AND u.id = p_id
  RETURNING * INTO new_row;
  PERFORM api.write_audit(p_tenant, p_sub, p_caller_role, 'user.updated', 'user', new_row.id::text, p_request_id,
                          p_source_ip, api.user_audit_details(old_row, new_row));
  RETURN NEXT api.user_row_of(new_row);
END
$$;

CREATE OR REPLACE FUNCTION api.delete_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid,
                                           p_request_id text, p_source_ip text, OUT user_found boolean,
                                           OUT user_deleted boolean)
LANGUAGE plpgsql AS $$
DECLARE
  target public.users;
BEGIN
  SELECT * INTO target FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id FOR UPDATE;
  user_found := FOUND;
  user_deleted := user_found AND target.cognito_sub IS DISTINCT FROM p_sub;
  IF NOT user_deleted THEN
    RETURN;
  END IF;
  DELETE FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id;
  PERFORM api.write_audit(p_tenant, p_sub, p_caller_role, 'user.deleted', 'user', target.id::text, p_request_id,
                          p_source_ip, api.user_audit_details(target, NULL));
END
$$;

CREATE OR REPLACE FUNCTION api.audit_embed(p_tenant uuid, p_sub text, p_role text, p_dashboard text,
                                           p_request_id text, p_source_ip text, p_experience text, p_minutes integer)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM api.write_audit(p_tenant, p_sub, p_role, 'quicksight.embed_url.generated', 'dashboard', p_dashboard,
                          p_request_id, p_source_ip,
                          jsonb_build_object('experience', p_experience, 'sessionLifetimeMinutes', p_minutes));
END
$$;

-- The new functions, like every api function: callable by the app role only.
REVOKE ALL ON FUNCTION api.write_audit(uuid, text, text, text, text, text, text, text, jsonb),
                       api.user_audit_fields(public.users, public.users),
                       api.user_audit_details(public.users, public.users), api.user_row_of(public.users) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.write_audit(uuid, text, text, text, text, text, text, text, jsonb),
                          api.user_audit_fields(public.users, public.users),
                          api.user_audit_details(public.users, public.users), api.user_row_of(public.users)
  TO shoppulse_app;
