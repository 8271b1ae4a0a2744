-- The embedded event store (libs/eventstore/src/embedded): one append-only log per stream (tenant),
-- sequences gapless from 1. `oars_streams.head` is the compare-and-set point of every append.
CREATE TABLE oars_streams (
  stream text PRIMARY KEY,
  head bigint NOT NULL CHECK (head >= 1)
);

-- `data` is the exact JSON text the writer appended (JSON.stringify), so it reads back unchanged.
CREATE TABLE oars_events (
  stream text NOT NULL,
  sequence bigint NOT NULL CHECK (sequence >= 1),
  id text NOT NULL,
  type text NOT NULL,
  subject text NOT NULL,
  data text NOT NULL,
  appended_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, sequence),
  CONSTRAINT oars_events_id_key UNIQUE (id)
);

CREATE INDEX oars_events_subject_idx ON oars_events (stream, subject, sequence DESC);
