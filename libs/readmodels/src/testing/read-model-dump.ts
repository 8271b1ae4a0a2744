import type { SqlExecutor } from '@oars/db';

/** Every read-model row, ordered by key, with values normalised for comparison (tests only). */
export async function dumpReadModels(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    receipts: 'SELECT * FROM receipts ORDER BY receipt_id',
    actions: 'SELECT * FROM actions ORDER BY action_id',
    projection_checkpoints: 'SELECT projection, stream, position FROM projection_checkpoints ORDER BY projection, stream',
  };
  const dump: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(tables)) {
    const { rows } = await sql.query<Record<string, unknown>>(query);
    dump[name] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'bigint' || /sequence|position/.test(k) ? Number(v) : v])),
    );
  }
  return dump;
}
