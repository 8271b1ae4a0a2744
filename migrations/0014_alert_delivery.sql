-- Alert deliveries (`alert.delivery_*` and `alert.delivered` receipts): one row per delivery of a
-- notification to a channel, as its latest receipt records it. A read model: a rebuild refills it.
CREATE TABLE IF NOT EXISTS alert_deliveries (
  tenant_id text NOT NULL,
  delivery_id text NOT NULL,
  -- Sequence of the delivery's first receipt (stable: the list's order and cursor) and of its latest.
  first_sequence bigint NOT NULL,
  last_sequence bigint NOT NULL,
  alert_id text,
  incident_id text,
  channel_id text NOT NULL,
  channel_type text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL,
  next_attempt_at timestamptz,
  updated_at timestamptz NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (tenant_id, delivery_id)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_tenant_seq_idx ON alert_deliveries (tenant_id, first_sequence DESC);
CREATE INDEX IF NOT EXISTS alert_deliveries_tenant_status_idx ON alert_deliveries (tenant_id, status, first_sequence DESC);
CREATE INDEX IF NOT EXISTS alert_deliveries_alert_idx ON alert_deliveries (tenant_id, alert_id);
CREATE INDEX IF NOT EXISTS alert_deliveries_id_idx ON alert_deliveries (delivery_id);
