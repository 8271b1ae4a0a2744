-- The approvals read model (libs/readmodels/src/approvals): one row per approval, built from the
-- snapshot (`data.approval`) its receipts carry. Disposable like every read model.
CREATE TABLE IF NOT EXISTS approvals (
  approval_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  action_id text NOT NULL,
  status text NOT NULL,
  requested_by text,
  current_stage_index integer NOT NULL,
  current_stage_id text,
  -- Approvers of the current stage; empty: anyone but the requester.
  approver_ids text[] NOT NULL DEFAULT '{}',
  -- Approvers who already decided (an approver decides once per approval).
  decided_by text[] NOT NULL DEFAULT '{}',
  stage_deadline_at timestamptz,
  stage_escalated boolean NOT NULL DEFAULT false,
  expires_at timestamptz,
  -- When a timer must look at it next (stage deadline until escalated, or expiry); null when not pending.
  due_at timestamptz,
  record text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_sequence bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_tenant_status_idx ON approvals (tenant_id, status, created_at DESC);
CREATE INDEX IF NOT EXISTS approvals_action_idx ON approvals (action_id);
CREATE INDEX IF NOT EXISTS approvals_due_idx ON approvals (due_at) WHERE status = 'pending' AND due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS approvals_approvers_idx ON approvals USING gin (approver_ids) WHERE status = 'pending';
