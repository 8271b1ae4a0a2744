-- The `policies` read model (libs/readmodels/src/policies): one row per policy, projected from the
-- policy.created, policy.published and policy.rolled_back receipts. Disposable like every read model.
-- `document` is the PolicyDocument as created; `status` and `updated_at` are current (the API
-- answers the document with them). `last_sequence` is the tenant stream position of the last
-- receipt that changed the row: a row only moves forward, so re-applying a receipt changes nothing.
CREATE TABLE IF NOT EXISTS policies (
  policy_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  version text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'published')),
  policy_hash text NOT NULL,
  document text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_sequence bigint NOT NULL,
  last_sequence bigint NOT NULL
);
-- GET /v1/policies?tenantId= lists in creation order.
CREATE INDEX IF NOT EXISTS policies_tenant_created_idx ON policies (tenant_id, created_sequence);
-- Exactly one published policy per tenant at a time (none: the built-in default is in force).
CREATE UNIQUE INDEX IF NOT EXISTS policies_one_published_idx ON policies (tenant_id) WHERE status = 'published';
