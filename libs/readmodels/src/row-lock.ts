import type { SqlResult } from '@oars/db';

/**
 * Locks a row (`select` reads it FOR UPDATE), creating it first when it is missing (`create`
 * inserts it, ON CONFLICT DO NOTHING). Once the row exists this is one statement.
 */
export async function lockOrCreateRow<R>(select: () => Promise<SqlResult<R>>, create: () => Promise<unknown>): Promise<R> {
  let { rows } = await select();
  if (rows.length === 0) {
    await create();
    ({ rows } = await select());
  }
  return rows[0]!;
}
