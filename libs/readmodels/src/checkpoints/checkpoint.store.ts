import type { SqlClient, SqlExecutor } from '@oars/db';
import { lockOrCreateRow } from '../row-lock';

/** The checkpoint name of the `receipts` + `actions` read models (they move together). */
export const READ_MODELS_PROJECTION = 'read_models';

/**
 * Locks the checkpoint row of `stream` for the rest of the transaction (creating it at 0) and returns
 * its position. Two projectors on one database serialise here, so neither applies a batch twice.
 */
export async function lockCheckpoint(tx: SqlExecutor, stream: string, projection = READ_MODELS_PROJECTION): Promise<number> {
  const row = await lockOrCreateRow(
    () => tx.query<{ position: string | number }>('SELECT position FROM projection_checkpoints WHERE projection = $1 AND stream = $2 FOR UPDATE', [projection, stream]),
    () => tx.query('INSERT INTO projection_checkpoints (projection, stream, position) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [projection, stream]),
  );
  return Number(row.position);
}

export async function saveCheckpoint(tx: SqlExecutor, stream: string, position: number, projection = READ_MODELS_PROJECTION): Promise<void> {
  await tx.query(
    'UPDATE projection_checkpoints SET position = $3, updated_at = now() WHERE projection = $1 AND stream = $2',
    [projection, stream, position],
  );
}

/** Every stream's checkpoint of one projection. */
export async function loadCheckpoints(sql: SqlExecutor, projection = READ_MODELS_PROJECTION): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ stream: string; position: string | number }>(
    'SELECT stream, position FROM projection_checkpoints WHERE projection = $1',
    [projection],
  );
  return new Map(rows.map((r) => [r.stream, Number(r.position)]));
}

export async function readCheckpoint(sql: SqlExecutor, stream: string, projection = READ_MODELS_PROJECTION): Promise<number> {
  const { rows } = await sql.query<{ position: string | number }>(
    'SELECT position FROM projection_checkpoints WHERE projection = $1 AND stream = $2',
    [projection, stream],
  );
  return rows.length > 0 ? Number(rows[0].position) : 0;
}

/**
 * Read-your-writes for a process without an in-process projector: polls the checkpoint of `tenant`
 * every `intervalMs` until it reaches `sequence` (true) or `timeoutMs` passes (false).
 */
export async function waitForCheckpoint(
  sql: SqlClient,
  tenant: string,
  sequence: number,
  timeoutMs: number,
  options: { intervalMs?: number; projection?: string } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const interval = options.intervalMs ?? 5;
  for (;;) {
    if ((await readCheckpoint(sql, tenant, options.projection)) >= sequence) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
  }
}
