import type { SqlExecutor } from '@oars/db';
import type { SecurityEventRecord } from './ops.types';

const ROWS_PER_STATEMENT = 500;

/**
 * Inserts security events (an id already stored is left alone) and moves each tenant's exact total
 * by the rows really inserted, in the caller's transaction. Returns how many rows were new.
 */
export async function insertSecurityEvents(tx: SqlExecutor, events: readonly SecurityEventRecord[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) inserted += await insertChunk(tx, events.slice(i, i + ROWS_PER_STATEMENT));
  return inserted;
}

async function insertChunk(tx: SqlExecutor, events: readonly SecurityEventRecord[]): Promise<number> {
  if (events.length === 0) return 0;
  const params: unknown[] = [];
  const tuples = events.map((e) => {
    params.push(e.id, e.tenantId, e.source, e.eventType, e.occurredAt, JSON.stringify(e));
    const p = params.length - 6;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::timestamptz, $${p + 6})`;
  });
  const { rows } = await tx.query<{ tenant_id: string }>(
    `INSERT INTO security_events (event_id, tenant_id, source, event_type, occurred_at, record)
     VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING tenant_id`,
    params,
  );
  const perTenant = new Map<string, number>();
  for (const r of rows) perTenant.set(r.tenant_id, (perTenant.get(r.tenant_id) ?? 0) + 1);
  for (const [tenantId, n] of perTenant) {
    await tx.query(
      `INSERT INTO security_event_totals (tenant_id, total) VALUES ($1, $2::bigint)
       ON CONFLICT (tenant_id) DO UPDATE SET total = security_event_totals.total + EXCLUDED.total`,
      [tenantId, n],
    );
  }
  return rows.length;
}
