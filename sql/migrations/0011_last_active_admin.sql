-- A tenant always keeps at least one active admin (role 'admin', status
-- 'active'): without one, nobody in the tenant can manage its users again.
-- Demoting, disabling or deleting the tenant's last active admin is refused,
-- and the API answers 409 last_active_admin.
--
-- Race-free: every write that could take an active admin away first locks
-- all of the tenant's active admin rows, in id order, and only then the
-- target row. Two admins demoting or deleting each other at the same moment
-- therefore run one after the other: the second waits for the first to
-- commit, its lock re-reads the rows it waited for (READ COMMITTED checks the
-- WHERE again on the committed version), finds one active admin left and
-- refuses. One lock order everywhere means no deadlock among them. The locks
-- are FOR NO KEY UPDATE, which foreign-key checks of rows that reference a
-- user (FOR KEY SHARE: orders, governance rules) do not wait for. Row locks
-- end with the transaction: no advisory locks, no session state, so RDS Proxy
-- never pins the connection, and the request stays one statement, one round
-- trip.
--
-- A refusal is a result, not an exception: the function returns before its
-- write and its audit row, so neither happens. That needs one more result
-- column (last_active_admin), and a function's result type can only change by
-- dropping it, so update_user and delete_user are dropped and created again
-- with the same parameters. 0009 and 0010 stay as applied.

-- The lock query reads only a tenant's active admins, already in id order,
-- however many users the tenant has.
CREATE INDEX users_tenant_active_admins_idx ON public.users (tenant_id, id)
  WHERE role = 'admin' AND status = 'active';

-- Locks the tenant's active admin rows (in id order, the one lock order) and
-- returns their ids; NULL when there are none. A row that stopped being an
-- active admin while we waited for its lock is left out.
CREATE FUNCTION api.lock_active_admins(p_tenant uuid) RETURNS uuid[]
LANGUAGE plpgsql AS $$
DECLARE
  admins uuid[];
BEGIN
  SELECT array_agg(a.id ORDER BY a.id) INTO admins
  FROM (SELECT u.id FROM public.users u
        WHERE u.tenant_id = p_tenant AND u.role = 'admin' AND u.status = 'active'
        ORDER BY u.id
        FOR NO KEY UPDATE) a;
  RETURN admins;
END
$$;

DROP FUNCTION api.update_user(uuid, text, text, uuid, text, text, text, text, text, text, boolean);
DROP FUNCTION api.delete_user(uuid, text, text, uuid, text, text);

-- PATCH /users/{id}: p_self_only limits the change to the caller's own row
-- (non-admins). No row back when there was nothing to change; one row with
-- only last_active_admin = true when the change would leave the tenant
-- without an active admin (nothing written); else the updated user and
-- last_active_admin = false.
CREATE FUNCTION api.update_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid, p_email text,
                                p_name text, p_role text, p_status text, p_request_id text, p_source_ip text,
                                p_self_only boolean)
RETURNS TABLE (id uuid, email text, name text, role text, status text, created_at timestamptz,
               updated_at timestamptz, last_active_admin boolean)
LANGUAGE plpgsql AS $$
DECLARE
  admins uuid[];
  old_row public.users;
  new_row public.users;
BEGIN
  -- Only a change of role or status can take an admin away; only then lock.
  IF (p_role IS NOT NULL AND p_role <> 'admin') OR (p_status IS NOT NULL AND p_status <> 'active') THEN
    admins := api.lock_active_admins(p_tenant);
  END IF;
  SELECT * INTO old_row FROM public.users u
  WHERE u.tenant_id = p_tenant AND u.id = p_id AND (NOT p_self_only OR u.cognito_sub = p_sub)
  FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF old_row.role = 'admin' AND old_row.status = 'active'
     AND (COALESCE(p_role, old_row.role) <> 'admin' OR COALESCE(p_status, old_row.status) <> 'active')
     AND COALESCE(cardinality(array_remove(admins, p_id)), 0) = 0 THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::text, NULL::timestamptz,
                        NULL::timestamptz, true;
    RETURN;
  END IF;
  UPDATE public.users u
  SET email = COALESCE(p_email, u.email), name = COALESCE(p_name, u.name), role = COALESCE(p_role, u.role),
      status = COALESCE(p_status, u.status)
  WHERE u.tenant_id = p_tenant AND u.id = p_id
  RETURNING * INTO new_row;
  PERFORM api.write_audit(p_tenant, p_sub, p_caller_role, 'user.updated', 'user', new_row.id::text, p_request_id,
                          p_source_ip, api.user_audit_details(old_row, new_row));
  RETURN QUERY SELECT (api.user_row_of(new_row)).*, false;
END
$$;

-- DELETE /users/{id} (admins): user_found = the user exists in the tenant;
-- last_active_admin = it is another user and the tenant's last active admin
-- (kept); user_deleted = it was removed (never the caller's own user, never
-- the last active admin). The admins are locked on every delete: which user is the
-- target is only known under its lock, and locking them after it could
-- deadlock with an update that locked them first.
CREATE FUNCTION api.delete_user(p_tenant uuid, p_sub text, p_caller_role text, p_id uuid,
                                p_request_id text, p_source_ip text, OUT user_found boolean,
                                OUT user_deleted boolean, OUT last_active_admin boolean)
LANGUAGE plpgsql AS $$
DECLARE
  admins uuid[] := api.lock_active_admins(p_tenant);
  target public.users;
BEGIN
  SELECT * INTO target FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id FOR UPDATE;
  user_found := FOUND;
  -- Deleting yourself is refused first (user_deleted false, last_active_admin
  -- false): that answer does not depend on the other admins.
  last_active_admin := user_found AND target.cognito_sub IS DISTINCT FROM p_sub AND target.role = 'admin'
                       AND target.status = 'active' AND COALESCE(cardinality(array_remove(admins, p_id)), 0) = 0;
  user_deleted := user_found AND target.cognito_sub IS DISTINCT FROM p_sub AND NOT last_active_admin;
  IF NOT user_deleted THEN
    RETURN;
  END IF;
  DELETE FROM public.users u WHERE u.tenant_id = p_tenant AND u.id = p_id;
  PERFORM api.write_audit(p_tenant, p_sub, p_caller_role, 'user.deleted', 'user', target.id::text, p_request_id,
                          p_source_ip, api.user_audit_details(target, NULL));
END
$$;

-- Like every api function: callable by the app role only.
REVOKE ALL ON FUNCTION api.lock_active_admins(uuid),
                       api.update_user(uuid, text, text, uuid, text, text, text, text, text, text, boolean),
                       api.delete_user(uuid, text, text, uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.lock_active_admins(uuid),
                          api.update_user(uuid, text, text, uuid, text, text, text, text, text, text, boolean),
                          api.delete_user(uuid, text, text, uuid, text, text) TO shoppulse_app;
