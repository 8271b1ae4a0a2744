-- Durable reactors (libs/reactors): the reactions to events (connector execution, approval timers,
-- integrity checks, ...). Not read models: a rebuild leaves these tables alone.

-- How far each reactor has handled each tenant stream (sequence of the last event handled).
CREATE TABLE IF NOT EXISTS reactor_checkpoints (
  reactor text NOT NULL,
  stream text NOT NULL,
  position bigint NOT NULL CHECK (position >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (reactor, stream)
);

-- One instance (process) runs a reactor: the one whose lease has not expired (database clock). The
-- holder renews it; another instance takes it over once it expired.
CREATE TABLE IF NOT EXISTS reactor_leases (
  reactor text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

-- Durable timers: "wake me at due_at for this key". A timer fires at least once; `version` grows on
-- every set, so a timer set again while it fires is not deleted by the firing that ends.
CREATE TABLE IF NOT EXISTS reactor_timers (
  reactor text NOT NULL,
  stream text NOT NULL,
  timer_key text NOT NULL,
  due_at timestamptz NOT NULL,
  payload text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (reactor, stream, timer_key)
);
CREATE INDEX IF NOT EXISTS reactor_timers_due_idx ON reactor_timers (reactor, due_at);

-- Events and timers a reactor gave up on after its tries (poison), so the rest goes on. `item` is
-- `event:<sequence>` or `timer:<key>`. The operators' record: never truncated by the reactors.
CREATE TABLE IF NOT EXISTS reactor_dead_letters (
  reactor text NOT NULL,
  stream text NOT NULL,
  item text NOT NULL,
  event_id text,
  event_type text,
  payload text,
  reason text NOT NULL,
  attempts integer NOT NULL CHECK (attempts > 0),
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (reactor, stream, item)
);

-- The execution consumer kept its checkpoint as the `executions` projection: it carries over, so an
-- upgraded deployment does not look at executions it already handled again.
INSERT INTO reactor_checkpoints (reactor, stream, position)
  SELECT 'executions', stream, position FROM projection_checkpoints WHERE projection = 'executions'
  ON CONFLICT DO NOTHING;
