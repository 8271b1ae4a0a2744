import type { ActionRecord } from '@oars/domain';
import type { SqlExecutor } from '@oars/db';
import type { Receipt } from '@oars/receipts';
import { evolveActionRecord, isActionReceipt } from './action-record.evolve';

const ROWS_PER_STATEMENT = 1000;

/**
 * Applies the action receipts of `receipts` (stream order) to the `actions` table: loads the records
 * they touch once, evolves them in memory, writes each changed record once. A record only moves
 * forward (`last_sequence` guards the upsert), so re-applying a receipt changes nothing.
 */
export async function applyActionReceipts(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void> {
  const relevant = receipts.filter(isActionReceipt);
  if (relevant.length === 0) return;
  const records = await loadEarlierRecords(tx, relevant);
  const changed = new Map<string, ActionRecord>();
  for (const receipt of relevant) {
    const id = receipt.actionId as string;
    const before = records.get(id) ?? null;
    const after = evolveActionRecord(before, receipt);
    if (after && after !== before) {
      records.set(id, after);
      changed.set(id, after);
    }
  }
  const list = [...changed.values()];
  for (let i = 0; i < list.length; i += ROWS_PER_STATEMENT) await upsert(tx, list.slice(i, i + ROWS_PER_STATEMENT));
}

/**
 * The stored records of the actions these receipts continue. An action whose `action.requested` is
 * among them is built from it here: a stored row of it can only hold these same receipts (or later
 * ones, which the upsert's `last_sequence` guard keeps), so it is not read.
 */
async function loadEarlierRecords(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<Map<string, ActionRecord>> {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const r of receipts) {
    const id = r.actionId as string;
    if (seen.has(id)) continue;
    seen.add(id);
    if (r.type !== 'action.requested') ids.push(id);
  }
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ record: string }>('SELECT record FROM actions WHERE action_id = ANY($1::text[])', [ids]);
  return new Map(rows.map((r) => {
    const record = JSON.parse(r.record) as ActionRecord;
    return [record.id, record];
  }));
}

async function upsert(tx: SqlExecutor, records: readonly ActionRecord[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = records.map((r) => {
    const p = params.length;
    params.push(r.id, r.tenantId, r.state, JSON.stringify(r), r.createdAt, r.updatedAt, r.lastSequence);
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::timestamptz, $${p + 6}::timestamptz, $${p + 7}::bigint)`;
  });
  await tx.query(
    `INSERT INTO actions (action_id, tenant_id, state, record, created_at, updated_at, last_sequence)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (action_id) DO UPDATE SET state = EXCLUDED.state, record = EXCLUDED.record,
       updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
     WHERE actions.tenant_id = EXCLUDED.tenant_id AND actions.last_sequence < EXCLUDED.last_sequence`,
    params,
  );
}
