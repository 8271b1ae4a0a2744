import type { SqlExecutor } from '@oars/db';
import type { AlertRecord, AlertSeverity } from '@oars/domain';
import { decodeReceiptCursor, encodeReceiptCursor } from '../queries/receipt-cursor';

export interface AlertPage {
  items: AlertRecord[];
  nextCursor: string | null;
}

/** A tenant's alerts, newest first, with an opaque cursor (every alert is reachable by paging). */
export async function listAlerts(
  sql: SqlExecutor,
  query: { tenantId: string; severity?: AlertSeverity; limit: number; cursor?: string },
): Promise<AlertPage> {
  const params: unknown[] = [query.tenantId];
  let where = 'tenant_id = $1';
  if (query.severity) {
    params.push(query.severity);
    where += ` AND severity = $${params.length}`;
  }
  if (query.cursor) {
    params.push(decodeReceiptCursor(query.cursor));
    where += ` AND sequence < $${params.length}`;
  }
  params.push(query.limit + 1);
  const { rows } = await sql.query<{ record: string; sequence: string | number }>(
    `SELECT record, sequence FROM alerts WHERE ${where} ORDER BY sequence DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return {
    items: page.map((r) => JSON.parse(r.record) as AlertRecord),
    nextCursor: more ? encodeReceiptCursor(Number(page[page.length - 1]!.sequence)) : null,
  };
}

/** Exact alert counts of a tenant by severity (no caps). */
export async function countAlertsBySeverity(sql: SqlExecutor, tenantId: string): Promise<Record<AlertSeverity, number>> {
  const { rows } = await sql.query<{ severity: AlertSeverity; n: string | number }>(
    'SELECT severity, count(*) AS n FROM alerts WHERE tenant_id = $1 GROUP BY severity',
    [tenantId],
  );
  const counts: Record<AlertSeverity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const r of rows) counts[r.severity] = Number(r.n);
  return counts;
}
