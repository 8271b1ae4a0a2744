import type { SqlExecutor } from '@oars/db';
import type { ActionRecord } from '@oars/domain';
import type { Receipt } from '@oars/receipts';

/** GET /v1/actions/:actionId (OARS v1 §1.3 item 15). */
export interface ActionView {
  action: ActionRecord;
  /** The action's receipts, ascending sequence. */
  receipts: Receipt[];
}

/**
 * The action and its receipts, read in one statement (one snapshot), or null when it does not
 * exist or belongs to a tenant outside `tenantIds` (the API answers 404 either way).
 */
export async function getAction(sql: SqlExecutor, tenantIds: readonly string[], actionId: string): Promise<ActionView | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<{ record: string; body: string | null }>(
    `SELECT a.record, r.body
       FROM actions a
       LEFT JOIN receipts r ON r.tenant_id = a.tenant_id AND r.action_id = a.action_id
      WHERE a.action_id = $1 AND a.tenant_id = ANY($2::text[])
      ORDER BY r.sequence`,
    [actionId, [...tenantIds]],
  );
  if (rows.length === 0) return null;
  return {
    action: JSON.parse(rows[0].record) as ActionRecord,
    receipts: rows.filter((r) => r.body !== null).map((r) => JSON.parse(r.body as string) as Receipt),
  };
}
