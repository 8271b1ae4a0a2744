import type { SqlExecutor } from '@oars/db';

/** The execution consumer's row name in `projection_checkpoints` (a rebuild of the read models leaves it alone). */
export const EXECUTIONS_CHECKPOINT = 'executions';

export async function loadExecutionCheckpoints(sql: SqlExecutor): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ stream: string; position: string | number }>('SELECT stream, position FROM projection_checkpoints WHERE projection = $1', [EXECUTIONS_CHECKPOINT]);
  return new Map(rows.map((r) => [r.stream, Number(r.position)]));
}

/**
 * Stores how far the consumer has handled a stream: every `approved` HTTP execution at or below it
 * has its outcome recorded. Any instance's value is safe to restart from.
 */
export async function saveExecutionCheckpoint(sql: SqlExecutor, stream: string, position: number): Promise<void> {
  await sql.query(
    `INSERT INTO projection_checkpoints (projection, stream, position) VALUES ($1, $2, $3)
     ON CONFLICT (projection, stream) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [EXECUTIONS_CHECKPOINT, stream, position],
  );
}
