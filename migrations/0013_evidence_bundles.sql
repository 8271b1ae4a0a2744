-- The bundles asynchronous evidence exports produced: artifacts, not a read model (a rebuild keeps
-- them). The job's receipts in the tenant stream say what was asked and what came of it.
CREATE TABLE IF NOT EXISTS evidence_bundles (
  bundle_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  job_id text,
  bundle_hash text NOT NULL,
  receipt_count integer NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS evidence_bundles_job_idx ON evidence_bundles (tenant_id, job_id);
