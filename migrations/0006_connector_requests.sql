-- Inputs of actions that an HTTP connector executes (OARS_HTTP_CONNECTORS). Receipts keep only the
-- input's hash, so the raw input waits here from submission until the action's outcome is
-- recorded (or it ends otherwise: denied, canceled, expired), then it is deleted. The execution
-- consumer claims a row before calling the endpoint (claimed_by / claimed_until: a lease), so two
-- instances never call it for one action at the same time. Rows are keyed by the input's hash too:
-- the consumer uses the row whose hash is the one in the action's receipts, so a raced retry with
-- another payload (refused as an idempotency conflict) can never change what is executed.
-- Not a read model: a rebuild leaves it alone.
CREATE TABLE IF NOT EXISTS connector_requests (
  tenant_id text NOT NULL,
  action_id text NOT NULL,
  input_hash text NOT NULL,
  tool_id text NOT NULL,
  input text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text,
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, action_id, input_hash)
);
