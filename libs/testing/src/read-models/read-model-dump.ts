import type { SqlExecutor } from '@oars/db';
import { READ_MODEL_NAMES, READ_MODEL_TABLES } from '@oars/readmodels';

/** Every read-model row, ordered by key, with values normalised for comparison (tests only). */
export async function dumpReadModels(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  return dump(sql, {
    receipts: 'SELECT * FROM receipts ORDER BY receipt_id',
    actions: 'SELECT * FROM actions ORDER BY action_id',
    projection_checkpoints: 'SELECT projection, stream, position FROM projection_checkpoints ORDER BY projection, stream',
  });
}

/** `dumpReadModels` over every table of every read model (READ_MODEL_TABLES) and the checkpoints. */
export async function dumpAllReadModels(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  const queries = Object.fromEntries(READ_MODEL_TABLES.map((t) => [t, `SELECT * FROM ${t} ORDER BY (${t}.*)::text`]));
  const names = READ_MODEL_NAMES.map((n) => `'${n}'`).join(', ');
  return dump(sql, { ...queries, projection_checkpoints: `SELECT projection, stream, position FROM projection_checkpoints WHERE projection IN (${names}) ORDER BY projection, stream` });
}

async function dump(sql: SqlExecutor, tables: Record<string, string>): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(tables)) {
    const { rows } = await sql.query<Record<string, unknown>>(query);
    out[name] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'bigint' || /sequence|position/.test(k) ? Number(v) : v])),
    );
  }
  return out;
}
