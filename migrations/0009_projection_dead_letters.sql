-- Events a projection could not apply and parked, so the rest of the tenant's stream goes on
-- (libs/readmodels/src/dead-letters). One row per projection and stream position; the checkpoint
-- moved past it in the transaction that inserted it. `status`: `parked` (not in the read models),
-- `retried` (a replay that re-applies it is under way or was interrupted), `resolved` (a replay
-- applied it in stream order). Not truncated by a rebuild: it is the operators' record.
CREATE TABLE IF NOT EXISTS projection_dead_letters (
  projection text NOT NULL,
  tenant_id text NOT NULL,
  sequence bigint NOT NULL CHECK (sequence > 0),
  event_id text NOT NULL,
  event_type text NOT NULL,
  reason text NOT NULL,
  attempts integer NOT NULL CHECK (attempts > 0),
  first_failed_at timestamptz NOT NULL,
  last_failed_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('parked', 'retried', 'resolved')),
  resolved_at timestamptz,
  PRIMARY KEY (projection, tenant_id, sequence)
);
CREATE INDEX IF NOT EXISTS projection_dead_letters_open_idx ON projection_dead_letters (projection, tenant_id, sequence) WHERE status <> 'resolved';
