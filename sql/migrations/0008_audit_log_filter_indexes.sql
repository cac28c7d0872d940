-- Indexes for the GET /audit-logs filters, so a filtered page reads the
-- matching rows, not the tenant's whole history (found by the benchmarks: a
-- `resourceId` filter without `resourceType`, the common case since ids are
-- UUIDs, could not use the (tenant, resource_type, resource_id) index and
-- scanned every audit row of the tenant, slower with every write).
--
-- The keys end in (created_at DESC, id DESC), the listing's keyset order, so
-- a page is an index range read in order with no sort. The old resource index
-- is replaced: resource_id alone is selective, and a resource_type filter on
-- its own matches too many rows for an index to help.
--
-- Plain CREATE INDEX (migrations run in a transaction): it blocks audit
-- writes while it builds. On a large production table, build these with
-- CREATE INDEX CONCURRENTLY first; IF NOT EXISTS then makes this a no-op.

CREATE INDEX IF NOT EXISTS audit_logs_tenant_resource_id_idx
  ON audit_logs (tenant_id, resource_id, created_at DESC, id DESC)
  WHERE resource_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_logs_tenant_action_idx ON audit_logs (tenant_id, action, created_at DESC, id DESC);
DROP INDEX IF EXISTS audit_logs_tenant_resource_idx;
