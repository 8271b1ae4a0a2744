import type { SqlClient, SqlExecutor } from '@oars/db';
import { READ_MODEL_NAMES } from '../read-models.projection';

/**
 * The name the projector's dead letters are recorded under in `projection_dead_letters` (an event
 * parked there is in none of the read models that had not applied it). It was also the one shared
 * checkpoint of every read model before each got its own (migrations/0011 split those rows).
 */
export const READ_MODELS_PROJECTION = 'read_models';

/** A stream's checkpoint per projection name. */
export type StreamCheckpoints = ReadonlyMap<string, number>;

/**
 * Locks the checkpoint rows of `stream` for `projections` for the rest of the transaction (creating
 * missing ones at 0) and returns their positions. Rows are locked in name order, so two projectors,
 * a rebuild and a replay on one database serialise here without deadlocks and never apply twice.
 * In the steady state this is one statement.
 */
export async function lockCheckpoints(tx: SqlExecutor, stream: string, projections: readonly string[]): Promise<Map<string, number>> {
  const select = () =>
    tx.query<{ projection: string; position: string | number }>(
      'SELECT projection, position FROM projection_checkpoints WHERE projection = ANY($1::text[]) AND stream = $2 ORDER BY projection FOR UPDATE',
      [[...projections], stream],
    );
  let { rows } = await select();
  if (rows.length < projections.length) {
    await tx.query(
      'INSERT INTO projection_checkpoints (projection, stream, position) SELECT p, $2, 0 FROM unnest($1::text[]) AS p ON CONFLICT DO NOTHING',
      [[...projections], stream],
    );
    ({ rows } = await select());
  }
  return new Map(rows.map((r) => [r.projection, Number(r.position)]));
}

/** Sets the checkpoints of `stream` named in `positions` (rows locked by `lockCheckpoints`). */
export async function saveCheckpoints(tx: SqlExecutor, stream: string, positions: StreamCheckpoints): Promise<void> {
  if (positions.size === 0) return;
  await tx.query(
    `UPDATE projection_checkpoints AS c SET position = v.position, updated_at = now()
       FROM unnest($2::text[], $3::bigint[]) AS v(projection, position)
      WHERE c.stream = $1 AND c.projection = v.projection`,
    [stream, [...positions.keys()], [...positions.values()]],
  );
}

/** Every stream's checkpoints of `projections` (a projection without a row there is at 0). */
export async function loadCheckpoints(sql: SqlExecutor, projections: readonly string[] = READ_MODEL_NAMES): Promise<Map<string, Map<string, number>>> {
  const { rows } = await sql.query<{ stream: string; projection: string; position: string | number }>(
    'SELECT stream, projection, position FROM projection_checkpoints WHERE projection = ANY($1::text[])',
    [[...projections]],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const stream = out.get(r.stream) ?? new Map(projections.map((p) => [p, 0]));
    stream.set(r.projection, Number(r.position));
    out.set(r.stream, stream);
  }
  return out;
}

/**
 * How far reads of `stream` reflect it: the checkpoint every projection that is not catching up has
 * reached. Projections move together, one transaction per batch, so they share one position except
 * while a projection added later (or reset) catches up from behind; that one does not hold up
 * read-your-writes for the others (its own reads are incomplete until it arrives, see
 * docs/projections.md). Hence the highest checkpoint.
 */
export function readPosition(checkpoints: StreamCheckpoints): number {
  let position = 0;
  for (const p of checkpoints.values()) position = Math.max(position, p);
  return position;
}

/** The lowest checkpoint: everything before it is in every projection. */
export function lowestPosition(checkpoints: StreamCheckpoints): number {
  return checkpoints.size === 0 ? 0 : Math.min(...checkpoints.values());
}

/** The read position (`readPosition`) of `stream` over `projections`, from the checkpoint table. */
export async function readCheckpoint(sql: SqlExecutor, stream: string, projections: readonly string[] = READ_MODEL_NAMES): Promise<number> {
  const { rows } = await sql.query<{ position: string | number | null }>(
    'SELECT max(position) AS position FROM projection_checkpoints WHERE projection = ANY($1::text[]) AND stream = $2',
    [[...projections], stream],
  );
  return Number(rows[0]?.position ?? 0);
}

/**
 * Read-your-writes for a process without an in-process projector: polls the read position of
 * `tenant` every `intervalMs` until it reaches `sequence` (true) or `timeoutMs` passes (false).
 */
export async function waitForCheckpoint(
  sql: SqlClient,
  tenant: string,
  sequence: number,
  timeoutMs: number,
  options: { intervalMs?: number; projections?: readonly string[] } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const interval = options.intervalMs ?? 5;
  for (;;) {
    if ((await readCheckpoint(sql, tenant, options.projections)) >= sequence) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
  }
}
