-- Each read model keeps its own checkpoint per stream (libs/readmodels/src/checkpoints), so a read
-- model added later catches up from the start by itself while the others go on. Until now they
-- shared one row per stream, projection 'read_models': every read model had applied the stream up to
-- it, so each starts there and nothing is replayed. The other rows of the table (the connector
-- executions, the integrity verifier) are not the read models' and stay as they are.
INSERT INTO projection_checkpoints (projection, stream, position, updated_at)
SELECT p.name, c.stream, c.position, c.updated_at
  FROM projection_checkpoints c
 CROSS JOIN (VALUES ('receipts'), ('actions'), ('policies'), ('approvals'), ('alerts'), ('ops')) AS p(name)
 WHERE c.projection = 'read_models'
ON CONFLICT (projection, stream) DO NOTHING;

DELETE FROM projection_checkpoints WHERE projection = 'read_models';

-- Which read model failed on a parked event (NULL: the event is no receipt, or parked before this
-- was recorded). The dead letters stay recorded under projection 'read_models': a parked event is
-- left out of every read model that had not applied it.
ALTER TABLE projection_dead_letters ADD COLUMN IF NOT EXISTS failed_projection text;
