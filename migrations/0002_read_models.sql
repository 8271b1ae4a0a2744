-- Read models built by the projector (libs/readmodels) from the tenant streams. They are
-- disposable: `oars projections rebuild` truncates them and replays every stream.

-- Every receipt of every tenant, exactly as signed (`body`), with the columns the
-- GET /v1/receipts filters use. Listing is tenant-scoped, newest first (sequence desc).
CREATE TABLE IF NOT EXISTS receipts (
  receipt_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  sequence bigint NOT NULL CHECK (sequence > 0),
  action_id text,
  type text NOT NULL,
  ts timestamptz NOT NULL,
  tool_id text,
  operation text,
  actor_user_id text,
  actor_agent_id text,
  policy_decision text,
  policy_version text,
  policy_rule_ids text[] NOT NULL DEFAULT '{}',
  body text NOT NULL,
  UNIQUE (tenant_id, sequence)
);
-- UNIQUE (tenant_id, sequence) serves the unfiltered listing and the cursor; these serve the filters.
CREATE INDEX IF NOT EXISTS receipts_action_idx ON receipts (tenant_id, action_id, sequence) WHERE action_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS receipts_tool_idx ON receipts (tenant_id, tool_id, operation, sequence DESC);
CREATE INDEX IF NOT EXISTS receipts_agent_idx ON receipts (tenant_id, actor_agent_id, sequence DESC);
CREATE INDEX IF NOT EXISTS receipts_user_idx ON receipts (tenant_id, actor_user_id, sequence DESC);
CREATE INDEX IF NOT EXISTS receipts_decision_idx ON receipts (tenant_id, policy_decision, sequence DESC);
CREATE INDEX IF NOT EXISTS receipts_type_idx ON receipts (tenant_id, type, sequence DESC);

-- The current ActionRecord (OARS v1 §2.1) of every action, as JSON text.
CREATE TABLE IF NOT EXISTS actions (
  action_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  state text NOT NULL,
  record text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_sequence bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_tenant_created_idx ON actions (tenant_id, created_at DESC);

-- How far each projection has applied each stream; updated in the same transaction as the rows.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  projection text NOT NULL,
  stream text NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, stream)
);
