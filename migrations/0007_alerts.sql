-- Alerts raised by the action lifecycle (`alert.raised` receipts), newest first per tenant.
CREATE TABLE IF NOT EXISTS alerts (
  alert_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  sequence bigint NOT NULL,
  action_id text,
  severity text NOT NULL,
  code text NOT NULL,
  created_at timestamptz NOT NULL,
  record text NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_tenant_seq_idx ON alerts (tenant_id, sequence DESC);
CREATE INDEX IF NOT EXISTS alerts_tenant_severity_idx ON alerts (tenant_id, severity, sequence DESC);
