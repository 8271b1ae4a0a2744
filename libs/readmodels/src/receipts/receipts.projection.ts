import type { SqlExecutor } from '@oars/db';
import { RETENTION_APPLIED } from '@oars/domain';
import type { Receipt } from '@oars/receipts';

const ROWS_PER_STATEMENT = 1000;
const COLUMNS = 14;

/**
 * Inserts every receipt (action or not) into `receipts` with its filter columns and its exact JSON.
 * A receipt already stored is left as it is (ON CONFLICT DO NOTHING), so re-applying is harmless.
 */
export async function insertReceipts(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void> {
  for (let i = 0; i < receipts.length; i += ROWS_PER_STATEMENT) {
    await insertChunk(tx, receipts.slice(i, i + ROWS_PER_STATEMENT));
  }
  // Retention: a prune's receipt removes what it archived from the live read model too.
  for (const r of receipts) {
    if (r.type !== RETENTION_APPLIED) continue;
    const prunedThrough = (r.data as { lastPrune?: { prunedThrough?: unknown } }).lastPrune?.prunedThrough;
    if (typeof prunedThrough === 'number') await tx.query('DELETE FROM receipts WHERE tenant_id = $1 AND sequence <= $2', [r.tenantId, prunedThrough]);
  }
}

async function insertChunk(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void> {
  if (receipts.length === 0) return;
  const params: unknown[] = [];
  const tuples = receipts.map((r, i) => {
    params.push(
      r.receiptId,
      r.tenantId,
      r.sequence,
      r.actionId,
      r.type,
      r.timestamp,
      r.resource?.toolId ?? null,
      r.resource?.operation ?? null,
      r.actor?.userId ?? null,
      r.actor?.agentId ?? null,
      r.policy?.decision ?? null,
      r.policy?.policyVersion ?? null,
      r.policy?.ruleIds ?? [],
      JSON.stringify(r),
    );
    const n = (k: number) => `$${i * COLUMNS + k}`;
    return `(${n(1)}, ${n(2)}, ${n(3)}::bigint, ${n(4)}, ${n(5)}, ${n(6)}::timestamptz, ${n(7)}, ${n(8)}, ${n(9)}, ${n(10)}, ${n(11)}, ${n(12)}, ${n(13)}::text[], ${n(14)})`;
  });
  await tx.query(
    `INSERT INTO receipts (receipt_id, tenant_id, sequence, action_id, type, ts, tool_id, operation,
       actor_user_id, actor_agent_id, policy_decision, policy_version, policy_rule_ids, body)
     VALUES ${tuples.join(', ')}
     ON CONFLICT DO NOTHING`,
    params,
  );
}
