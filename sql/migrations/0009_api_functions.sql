-- The API's statements as server-side functions, one call per request.
--
-- Why: an unnamed extended-protocol statement is parsed and planned on every
-- execution, and that was most of PostgreSQL's time per request. PL/pgSQL
-- prepares each statement in a function once per backend and reuses the plan
-- (after a few custom plans, a generic one, when it costs no more), so a
-- request now costs the planning of a one-line `SELECT * FROM api.f($1...)`.
-- Named prepared statements would do the same but pin RDS Proxy sessions;
-- function calls do not.
--
-- Rules for these functions:
-- * SECURITY INVOKER (the default): they run as shoppulse_app, under the
--   forced row-level security of every table. The caller (db::Pool) sets
--   app.tenant_id transaction-locally before the call; each function still
--   filters on its p_tenant as the old statements did.
-- * Read functions are STABLE: PostgreSQL refuses any write in them, on top
--   of the transaction_read_only the pool sets for reads.
-- * A write and its audit row are one function call: one statement, one
--   transaction; both commit or neither does.
-- * Tables are schema-qualified: nothing depends on search_path.
-- * Rows come back as plain columns (uuid, text, timestamptz) that the API
--   reads in binary and formats itself: to_char() on every timestamp was
--   most of a page's execution time.
-- * The common request shape gets a statement of its own whose cached
--   generic plan is right (GET /users without filters: the keyset index
--   range). Optional filters an index serves (audit logs by resource, action
--   or actor) get their own statement too, so the plan for each reads its
--   index. The keyset condition is written with sentinels, not "IS NULL OR",
--   so it stays an index condition. Statements whose optional filters make
--   PostgreSQL's generic estimates poor are left to its plan cache, which
--   then plans them per call: correct plans first, cached where that is safe.

CREATE SCHEMA IF NOT EXISTS api;
REVOKE ALL ON SCHEMA api FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO shoppulse_app;

-- A user as the API shows it.
CREATE TYPE api.user_row AS (
  id uuid, email text, name text, role text, status text, created_at timestamptz, updated_at timestamptz);

-- Whether `p_role` sees masked emails under the tenant's pii_masking rule.
-- PL/pgSQL, not SQL: a SQL function with a sub-select is not inlined and
-- would be planned again on every call.
CREATE FUNCTION api.email_masked(p_tenant uuid, p_role text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
  masked boolean;
BEGIN
  SELECT EXISTS (SELECT 1 FROM public.governance_rules g
                 WHERE g.tenant_id = p_tenant AND g.rule_type = 'pii_masking' AND g.enabled
                   AND g.config -> 'masked_roles' ? p_role AND g.config -> 'fields' ? 'email')
  INTO masked;
  RETURN masked;
END
$$;

-- GET /users: one page, newest first, after the cursor position if given.
-- The unfiltered page (the common request) has a statement of its own
-- whose cached generic plan is the keyset index range; with filters,
-- PostgreSQL's estimates for "p IS NULL OR ..." make it plan per call.
CREATE FUNCTION api.list_users(p_tenant uuid, p_caller_role text, p_role text, p_status text, p_prefix text,
                               p_after_ts timestamptz, p_after_id uuid, p_limit integer)
RETURNS SETOF api.user_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  masked boolean := api.email_masked(p_tenant, p_caller_role);
  before_ts timestamptz := coalesce(p_after_ts, 'infinity');
  before_id uuid := coalesce(p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff');
BEGIN
  IF p_role IS NULL AND p_status IS NULL AND p_prefix IS NULL THEN
    RETURN QUERY
    SELECT u.id,
           CASE WHEN masked THEN left(u.email, 1) || '***@' || split_part(u.email, '@', 2) ELSE u.email END,
           u.name, u.role, u.status, u.created_at, u.updated_at
    FROM public.users u
    WHERE u.tenant_id = p_tenant AND (u.created_at, u.id) < (before_ts, before_id)
    ORDER BY u.created_at DESC, u.id DESC
    LIMIT p_limit;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT u.id,
         CASE WHEN masked THEN left(u.email, 1) || '***@' || split_part(u.email, '@', 2) ELSE u.email END,
         u.name, u.role, u.status, u.created_at, u.updated_at
  FROM public.users u
  WHERE u.tenant_id = p_tenant AND (u.created_at, u.id) < (before_ts, before_id)
    AND (p_role IS NULL OR u.role = p_role)
    AND (p_status IS NULL OR u.status = p_status)
    AND (p_prefix IS NULL OR lower(u.name) LIKE lower(p_prefix) || '%'
         OR (NOT masked AND lower(u.email) LIKE lower(p_prefix) || '%'))
  ORDER BY u.created_at DESC, u.id DESC
  LIMIT p_limit;
END
$$;

-- GET /users/{id}
CREATE FUNCTION api.get_user(p_tenant uuid, p_caller_role text, p_id uuid)
RETURNS SETOF api.user_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  masked boolean := api.email_masked(p_tenant, p_caller_role);
BEGIN
  RETURN QUERY
  SELECT u.id,
         CASE WHEN masked THEN left(u.email, 1) || '***@' || split_part(u.email, '@', 2) ELSE u.email END,
         u.name, u.role, u.status, u.created_at, u.updated_at
  FROM public.users u
  WHERE u.tenant_id = p_tenant AND u.id = p_id;
END
$$;

-- The caller's own user id, if the caller is a user of the tenant.
CREATE FUNCTION api.actor_id(p_tenant uuid, p_sub text) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
DECLARE
  actor uuid;
BEGIN
  SELECT c.id INTO actor FROM public.users c WHERE c.tenant_id = p_tenant AND c.cognito_sub = p_sub;
  RETURN actor;
END
$$;

-- POST /users (admins): the user and its audit row.
CREATE FUNCTION api.create_user(p_tenant uuid, p_sub text, p_caller_role text, p_email text, p_name text,
                                p_role text, p_request_id text, p_source_ip text)
RETURNS SETOF api.user_row
LANGUAGE plpgsql AS $$
DECLARE
  actor uuid := api.actor_id(p_tenant, p_sub);
  created public.users;
BEGIN
  INSERT INTO public.users (tenant_id, email, name, role)
  VALUES (p_tenant, p_email, p_name, p_role)
  RETURNING * INTO created;
  INSERT INTO public.audit_logs (tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type,
                                 resource_id, request_id, source_ip, details)
  VALUES (p_tenant, actor, p_sub, p_caller_role, 'user.created', 'user', created.id::text,
          NULLIF(p_request_id, ''), NULLIF(p_source_ip, '')::inet,
          jsonb_build_object('after', jsonb_build_object('email', created.email, 'name', created.name,
                                                         'role', created.role, 'status', created.status)));
  RETURN NEXT ROW(created.id, created.email, created.name, created.role, created.status, created.created_at,
                  created.updated_at)::api.user_row;
END
$$;

-- PATCH /users/{id}: p_self_only limits the change to the caller's own row
-- (non-admins). No row back when there was nothing to change.
CREATE FUNCTION api.update_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid, p_email text,
                                p_name text, p_role text, p_status text, p_request_id text, p_source_ip text,
                                p_self_only boolean)
RETURNS SETOF api.user_row
LANGUAGE plpgsql AS $$
DECLARE
  actor uuid := api.actor_id(p_tenant, p_sub);
  old_row public.users;
  new_row public.users;
BEGIN
  SELECT * INTO old_row FROM public.users u
  WHERE u.tenant_id = p_tenant AND u.id = p_id AND (NOT p_self_only OR u.cognito_sub = p_sub)
  FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE public.users u
  SET email = COALESCE(p_email, u.email), name = COALESCE(p_name, u.name),
      role = COALESCE(p_role, u.role), status = COALESCE(p_status, u.status)
  WHERE u.tenant_id = p_tenant AND u.id = p_id
  RETURNING * INTO new_row;
  INSERT INTO public.audit_logs (tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type,
                                 resource_id, request_id, source_ip, details)
  VALUES (p_tenant, actor, p_sub, p_caller_role, 'user.updated', 'user', new_row.id::text,
          NULLIF(p_request_id, ''), NULLIF(p_source_ip, '')::inet,
          jsonb_build_object(
            'before', jsonb_strip_nulls(jsonb_build_object(
                'email', CASE WHEN new_row.email IS DISTINCT FROM old_row.email THEN old_row.email END,
                'name', CASE WHEN new_row.name IS DISTINCT FROM old_row.name THEN old_row.name END,
                'role', CASE WHEN new_row.role IS DISTINCT FROM old_row.role THEN old_row.role END,
                'status', CASE WHEN new_row.status IS DISTINCT FROM old_row.status THEN old_row.status END)),
            'after', jsonb_strip_nulls(jsonb_build_object(
                'email', CASE WHEN new_row.email IS DISTINCT FROM old_row.email THEN new_row.email END,
                'name', CASE WHEN new_row.name IS DISTINCT FROM old_row.name THEN new_row.name END,
                'role', CASE WHEN new_row.role IS DISTINCT FROM old_row.role THEN new_row.role END,
                'status', CASE WHEN new_row.status IS DISTINCT FROM old_row.status THEN new_row.status END))));
  RETURN NEXT ROW(new_row.id, new_row.email, new_row.name, new_row.role, new_row.status, new_row.created_at,
                  new_row.updated_at)::api.user_row;
END
$$;

-- DELETE /users/{id} (admins): user_found = the user exists in the tenant;
-- user_deleted = it was removed (never the caller's own user).
CREATE FUNCTION api.delete_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid, p_request_id text,
                                p_source_ip text, OUT user_found boolean, OUT user_deleted boolean)
LANGUAGE plpgsql AS $$
DECLARE
  actor uuid := api.actor_id(p_tenant, p_sub);
  target public.users;
BEGIN
  SELECT * INTO target FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id FOR UPDATE;
  user_found := FOUND;
  user_deleted := false;
  IF NOT user_found OR target.cognito_sub IS NOT DISTINCT FROM p_sub THEN
    RETURN;
  END IF;
  DELETE FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id;
  INSERT INTO public.audit_logs (tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type,
                                 resource_id, request_id, source_ip, details)
  VALUES (p_tenant, actor, p_sub, p_caller_role, 'user.deleted', 'user', target.id::text,
          NULLIF(p_request_id, ''), NULLIF(p_source_ip, '')::inet,
          jsonb_build_object('before', jsonb_build_object('email', target.email, 'name', target.name,
                                                          'role', target.role, 'status', target.status)));
  user_deleted := true;
END
$$;

-- An audit entry as the API shows it.
CREATE TYPE api.audit_row AS (
  id uuid, action text, actor_user_id uuid, actor_sub text, actor_role text, resource_type text,
  resource_id text, request_id text, source_ip text, details text, created_at timestamptz);

-- GET /audit-logs: one page, newest first. A resource id, an action or an
-- actor filter each reads its own index.
CREATE FUNCTION api.list_audit_logs(p_tenant uuid, p_action text, p_actor uuid, p_resource_type text,
                                    p_resource_id text, p_from timestamptz, p_to timestamptz,
                                    p_after_ts timestamptz, p_after_id uuid, p_limit integer)
RETURNS SETOF api.audit_row
LANGUAGE plpgsql STABLE AS $$
DECLARE
  before_ts timestamptz := least(coalesce(p_after_ts, 'infinity'), coalesce(p_to, 'infinity'));
  before_id uuid := CASE WHEN p_after_ts IS NULL OR p_after_ts > coalesce(p_to, 'infinity')
                         THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff' ELSE p_after_id END;
BEGIN
  IF p_resource_id IS NOT NULL THEN
    RETURN QUERY
    SELECT a.id, a.action, a.actor_user_id, a.actor_sub, a.actor_role, a.resource_type, a.resource_id,
           a.request_id, host(a.source_ip), a.details::text, a.created_at
    FROM public.audit_logs a
    WHERE a.tenant_id = p_tenant AND a.resource_id = p_resource_id
      AND (a.created_at, a.id) <= (before_ts, before_id)
      AND (p_action IS NULL OR a.action = p_action)
      AND (p_actor IS NULL OR a.actor_user_id = p_actor)
      AND (p_resource_type IS NULL OR a.resource_type = p_resource_type)
      AND a.created_at >= coalesce(p_from, '-infinity')
      AND (p_after_ts IS NULL OR (a.created_at, a.id) < (p_after_ts, p_after_id))
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT p_limit;
  ELSIF p_action IS NOT NULL THEN
    RETURN QUERY
    SELECT a.id, a.action, a.actor_user_id, a.actor_sub, a.actor_role, a.resource_type, a.resource_id,
           a.request_id, host(a.source_ip), a.details::text, a.created_at
    FROM public.audit_logs a
    WHERE a.tenant_id = p_tenant AND a.action = p_action
      AND (a.created_at, a.id) <= (before_ts, before_id)
      AND (p_actor IS NULL OR a.actor_user_id = p_actor)
      AND (p_resource_type IS NULL OR a.resource_type = p_resource_type)
      AND a.created_at >= coalesce(p_from, '-infinity')
      AND (p_after_ts IS NULL OR (a.created_at, a.id) < (p_after_ts, p_after_id))
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT p_limit;
  ELSIF p_actor IS NOT NULL THEN
    RETURN QUERY
    SELECT a.id, a.action, a.actor_user_id, a.actor_sub, a.actor_role, a.resource_type, a.resource_id,
           a.request_id, host(a.source_ip), a.details::text, a.created_at
    FROM public.audit_logs a
    WHERE a.tenant_id = p_tenant AND a.actor_user_id = p_actor
      AND (a.created_at, a.id) <= (before_ts, before_id)
      AND (p_resource_type IS NULL OR a.resource_type = p_resource_type)
      AND a.created_at >= coalesce(p_from, '-infinity')
      AND (p_after_ts IS NULL OR (a.created_at, a.id) < (p_after_ts, p_after_id))
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT p_limit;
  ELSE
    RETURN QUERY
    SELECT a.id, a.action, a.actor_user_id, a.actor_sub, a.actor_role, a.resource_type, a.resource_id,
           a.request_id, host(a.source_ip), a.details::text, a.created_at
    FROM public.audit_logs a
    WHERE a.tenant_id = p_tenant
      AND (a.created_at, a.id) <= (before_ts, before_id)
      AND (p_resource_type IS NULL OR a.resource_type = p_resource_type)
      AND a.created_at >= coalesce(p_from, '-infinity')
      AND (p_after_ts IS NULL OR (a.created_at, a.id) < (p_after_ts, p_after_id))
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT p_limit;
  END IF;
END
$$;

-- GET /audit-logs/{id}
CREATE FUNCTION api.get_audit_log(p_tenant uuid, p_id uuid)
RETURNS SETOF api.audit_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT a.id, a.action, a.actor_user_id, a.actor_sub, a.actor_role, a.resource_type, a.resource_id,
         a.request_id, host(a.source_ip), a.details::text, a.created_at
  FROM public.audit_logs a
  WHERE a.tenant_id = p_tenant AND a.id = p_id;
END
$$;

-- POST /quicksight/embed-url, before the QuickSight call: may this role see
-- the dashboard, and with which session rules. No row for an inactive tenant.
CREATE FUNCTION api.embed_policy(p_tenant uuid, p_role text, p_dashboard text, p_sub text,
                                 OUT visible boolean, OUT namespace text, OUT session_minutes integer,
                                 OUT domains text, OUT user_arn text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT
    EXISTS (SELECT 1 FROM public.role_metric_visibility v
            WHERE v.tenant_id = p_tenant AND v.role = p_role AND v.dashboard_id = p_dashboard
              AND v.metric_key = '*' AND v.visible),
    t.quicksight_namespace,
    (SELECT round((g.config ->> 'session_lifetime_minutes')::numeric)::integer FROM public.governance_rules g
      WHERE g.tenant_id = p_tenant AND g.rule_type = 'embed_session' AND g.enabled),
    (SELECT (g.config -> 'domains')::text FROM public.governance_rules g
      WHERE g.tenant_id = p_tenant AND g.rule_type = 'embed_allowed_domains' AND g.enabled),
    (SELECT u.quicksight_user_arn FROM public.users u
      WHERE u.tenant_id = p_tenant AND u.cognito_sub = p_sub AND u.status = 'active')
  FROM public.tenants t WHERE t.id = p_tenant AND t.status = 'active';
END
$$;

-- After QuickSight answered: the audit row without which no URL leaves.
CREATE FUNCTION api.audit_embed(p_tenant uuid, p_sub text, p_role text, p_dashboard text, p_request_id text,
                                p_source_ip text, p_experience text, p_minutes integer)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.audit_logs (tenant_id, actor_user_id, actor_sub, actor_role, action, resource_type,
                                 resource_id, request_id, source_ip, details)
  VALUES (p_tenant, api.actor_id(p_tenant, p_sub), p_sub, p_role, 'quicksight.embed_url.generated', 'dashboard',
          p_dashboard, NULLIF(p_request_id, ''), NULLIF(p_source_ip, '')::inet,
          jsonb_build_object('experience', p_experience, 'sessionLifetimeMinutes', p_minutes));
END
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO shoppulse_app;
