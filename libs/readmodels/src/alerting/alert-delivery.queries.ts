import type { SqlExecutor } from '@oars/db';
import type { AlertDeliveryRecord, AlertDeliveryStatus } from '@oars/domain';
import { decodeReceiptCursor, encodeReceiptCursor } from '../queries/receipt-cursor';

export interface AlertDeliveryQuery {
  tenantId: string;
  status?: AlertDeliveryStatus;
  alertId?: string;
  channelId?: string;
  limit: number;
  cursor?: string;
}

export interface AlertDeliveryPage {
  items: AlertDeliveryRecord[];
  nextCursor: string | null;
}

/** A tenant's deliveries, newest first (by their first receipt), with an opaque cursor. */
export async function listAlertDeliveries(sql: SqlExecutor, query: AlertDeliveryQuery): Promise<AlertDeliveryPage> {
  const params: unknown[] = [query.tenantId];
  const where = ['tenant_id = $1'];
  const filter = (column: string, value: unknown) => {
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  if (query.status) filter('status', query.status);
  if (query.alertId) filter('alert_id', query.alertId);
  if (query.channelId) filter('channel_id', query.channelId);
  if (query.cursor) {
    params.push(decodeReceiptCursor(query.cursor));
    where.push(`first_sequence < $${params.length}`);
  }
  params.push(query.limit + 1);
  const { rows } = await sql.query<{ record: string; first_sequence: string | number }>(
    `SELECT record, first_sequence FROM alert_deliveries WHERE ${where.join(' AND ')} ORDER BY first_sequence DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => JSON.parse(r.record) as AlertDeliveryRecord),
    nextCursor: rows.length > query.limit ? encodeReceiptCursor(Number(page[page.length - 1]!.first_sequence)) : null,
  };
}

/** The tenants among `tenantIds` that hold a delivery of this id (ids derive from the alert: at most one in practice). */
export async function alertDeliveryTenants(sql: SqlExecutor, deliveryId: string, tenantIds: readonly string[]): Promise<string[]> {
  const { rows } = await sql.query<{ tenant_id: string }>('SELECT tenant_id FROM alert_deliveries WHERE delivery_id = $1 AND tenant_id = ANY($2::text[])', [deliveryId, [...tenantIds]]);
  return rows.map((r) => r.tenant_id);
}
