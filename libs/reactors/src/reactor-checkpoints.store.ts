import type { SqlExecutor } from '@oars/db';
import { HOLDS_LEASE } from './reactor-lease.store';

/** The `reactor_checkpoints` table (migration 0010): how far a reactor handled each stream. */

export async function loadReactorCheckpoints(sql: SqlExecutor, reactor: string): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ stream: string; position: string | number }>('SELECT stream, position FROM reactor_checkpoints WHERE reactor = $1', [reactor]);
  return new Map(rows.map((r) => [r.stream, Number(r.position)]));
}

/**
 * Moves the checkpoint of `reactor` on `stream` to `position`, only while `owner` holds the lease (an
 * instance that lost it cannot move it behind the new holder's back). False when it does not.
 */
export async function saveReactorCheckpoint(sql: SqlExecutor, reactor: string, owner: string, stream: string, position: number): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO reactor_checkpoints (reactor, stream, position) SELECT $1, $3, $4::bigint WHERE ${HOLDS_LEASE(1, 2)}
     ON CONFLICT (reactor, stream) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [reactor, owner, stream, position],
  );
  return rowCount > 0;
}
