-- The evidence graph and the tenants' control mappings (libs/readmodels/src/evidence), built from
-- the receipts like every read model and as disposable: a rebuild empties and replays them.

-- One node per (tenant, node type, ref): an action, a receipt, a policy version, an actor, a human
-- approval decision, an evidence bundle, a control mapping. `payload` is the node's JSON (text, as
-- every read model keeps JSON). The action facts and `occurred_at` are what coverage scans select
-- on: when the evidence happened and which tool, actor and policy it is about.
CREATE TABLE IF NOT EXISTS evidence_nodes (
  tenant_id text NOT NULL,
  node_type text NOT NULL,
  ref_id text NOT NULL,
  node_id text NOT NULL,
  payload text NOT NULL,
  receipt_type text,
  occurred_at timestamptz NOT NULL,
  action_id text,
  tool_id text,
  operation text,
  actor_user_id text,
  actor_agent_id text,
  policy_decision text,
  policy_version text,
  policy_rule_ids text[] NOT NULL DEFAULT '{}',
  framework text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_sequence bigint NOT NULL,
  PRIMARY KEY (tenant_id, node_type, ref_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS evidence_nodes_id_idx ON evidence_nodes (node_id);
CREATE INDEX IF NOT EXISTS evidence_nodes_listing_idx ON evidence_nodes (tenant_id, updated_at DESC, node_id);
CREATE INDEX IF NOT EXISTS evidence_nodes_type_listing_idx ON evidence_nodes (tenant_id, node_type, updated_at DESC, node_id);
CREATE INDEX IF NOT EXISTS evidence_nodes_occurred_idx ON evidence_nodes (tenant_id, occurred_at);

-- One edge per (tenant, from, to, relation), e.g. action -HAS_RECEIPT-> receipt.
CREATE TABLE IF NOT EXISTS evidence_edges (
  tenant_id text NOT NULL,
  from_node_id text NOT NULL,
  to_node_id text NOT NULL,
  relation text NOT NULL,
  edge_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, from_node_id, to_node_id, relation)
);

-- The tenants' own control mappings (OARS v1 ControlMappingRecord as JSON text), the latest
-- `compliance.control_mapping.upserted` receipt of each (tenant, framework, controlId).
CREATE TABLE IF NOT EXISTS control_mappings (
  tenant_id text NOT NULL,
  framework text NOT NULL,
  control_id text NOT NULL,
  mapping_id text NOT NULL,
  record text NOT NULL,
  updated_at timestamptz NOT NULL,
  last_sequence bigint NOT NULL,
  PRIMARY KEY (tenant_id, framework, control_id)
);
