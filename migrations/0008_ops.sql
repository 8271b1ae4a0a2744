-- Operations (issue 4): per-tenant counters, decisions per minute, security events, the integrity
-- verifier's state and the SLO minute buckets.

-- The `ops` read model (libs/readmodels/src/ops): exact per-tenant counts, so the ops dashboard answers
-- in O(1) whatever the history. `last_sequence` is the last tenant-stream position folded in: a
-- receipt at or below it is never counted twice. The published_policy_* columns are the tenant's
-- policy in force as of `last_sequence` (null: the built-in default), for the policy drift check.
-- Disposable: `oars projections rebuild` truncates it and replays.
CREATE TABLE IF NOT EXISTS tenant_counters (
  tenant_id text PRIMARY KEY,
  last_sequence bigint NOT NULL DEFAULT 0,
  actions_total bigint NOT NULL DEFAULT 0,
  state_requested bigint NOT NULL DEFAULT 0,
  state_denied bigint NOT NULL DEFAULT 0,
  state_approval_required bigint NOT NULL DEFAULT 0,
  state_approved bigint NOT NULL DEFAULT 0,
  state_executed bigint NOT NULL DEFAULT 0,
  state_failed bigint NOT NULL DEFAULT 0,
  state_quarantined bigint NOT NULL DEFAULT 0,
  state_canceled bigint NOT NULL DEFAULT 0,
  decisions_allow bigint NOT NULL DEFAULT 0,
  decisions_deny bigint NOT NULL DEFAULT 0,
  decisions_approve bigint NOT NULL DEFAULT 0,
  decisions_quarantine bigint NOT NULL DEFAULT 0,
  denied_high_risk bigint NOT NULL DEFAULT 0,
  alerts_low bigint NOT NULL DEFAULT 0,
  alerts_medium bigint NOT NULL DEFAULT 0,
  alerts_high bigint NOT NULL DEFAULT 0,
  alerts_critical bigint NOT NULL DEFAULT 0,
  policy_drift_decisions bigint NOT NULL DEFAULT 0,
  last_policy_drift_at timestamptz,
  integrity_violations bigint NOT NULL DEFAULT 0,
  last_integrity_violation_at timestamptz,
  published_policy_id text,
  published_policy_version text,
  published_policy_hash text,
  published_policy_sequence bigint,
  updated_at timestamptz
);

-- Policy decisions per tenant and minute (the decision mix over time). Part of the `ops` read model.
CREATE TABLE IF NOT EXISTS decision_minutes (
  tenant_id text NOT NULL,
  minute timestamptz NOT NULL,
  allow_count bigint NOT NULL DEFAULT 0,
  deny_count bigint NOT NULL DEFAULT 0,
  approve_count bigint NOT NULL DEFAULT 0,
  quarantine_count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, minute)
);

-- Security events (OARS v1 §2.15 SecurityEventRecord as `record`), newest first per tenant. Two
-- sources: receipts (projected; ids derived from the receipt, so a replay inserts nothing new) and
-- authentication/authorization failures (written directly, never receipts: an unauthenticated caller
-- must not be able to grow a tenant's chain). Because the second source cannot be replayed, a
-- rebuild does NOT truncate this table or its totals.
CREATE TABLE IF NOT EXISTS security_events (
  event_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  source text NOT NULL,
  event_type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  record text NOT NULL
);
CREATE INDEX IF NOT EXISTS security_events_tenant_time_idx ON security_events (tenant_id, occurred_at DESC, event_id DESC);

-- Exact number of security_events rows per tenant, moved in the transaction that inserts them.
CREATE TABLE IF NOT EXISTS security_event_totals (
  tenant_id text PRIMARY KEY,
  total bigint NOT NULL DEFAULT 0
);

-- The continuous integrity verifier (libs/ops/src/integrity): per tenant stream, how far it checked
-- (also in projection_checkpoints as projection 'integrity'), the hash it expects next, the public
-- keys the stream itself introduced up to `position`, and its last result.
CREATE TABLE IF NOT EXISTS integrity_status (
  tenant_id text PRIMARY KEY,
  position bigint NOT NULL,
  last_hash text,
  trusted_keys text NOT NULL,
  checked_at timestamptz NOT NULL,
  last_result text NOT NULL CHECK (last_result IN ('ok', 'violations')),
  findings_total bigint NOT NULL DEFAULT 0,
  last_finding text
);

-- SLO minute buckets (libs/ops/src/slo): every process adds its per-minute good/total counts here
-- about every 10 s, so budgets survive restarts and several instances add up.
CREATE TABLE IF NOT EXISTS slo_minutes (
  sli text NOT NULL,
  minute timestamptz NOT NULL,
  good bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (sli, minute)
);
