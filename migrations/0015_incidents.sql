-- Incidents (docs/incidents.md): one row per incident with its latest snapshot, and its timeline
-- (one row per incident receipt). Platform-wide incidents have tenant_id '_platform'.
CREATE TABLE IF NOT EXISTS incidents (
  tenant_id text NOT NULL,
  incident_id text NOT NULL,
  sequence bigint NOT NULL,
  status text NOT NULL,
  severity text NOT NULL,
  opened_at timestamptz NOT NULL,
  time_to_ack_seconds double precision,
  ack_within_target boolean,
  record text NOT NULL,
  PRIMARY KEY (tenant_id, incident_id)
);
CREATE INDEX IF NOT EXISTS incidents_tenant_opened_idx ON incidents (tenant_id, opened_at DESC, incident_id DESC);
CREATE INDEX IF NOT EXISTS incidents_id_idx ON incidents (incident_id);

CREATE TABLE IF NOT EXISTS incident_timeline (
  tenant_id text NOT NULL,
  sequence bigint NOT NULL,
  incident_id text NOT NULL,
  receipt_id text NOT NULL,
  type text NOT NULL,
  at timestamptz NOT NULL,
  actor text,
  details text NOT NULL,
  PRIMARY KEY (tenant_id, sequence)
);
CREATE INDEX IF NOT EXISTS incident_timeline_incident_idx ON incident_timeline (tenant_id, incident_id, sequence);
