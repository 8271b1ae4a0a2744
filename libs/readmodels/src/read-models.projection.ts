import type { SqlExecutor } from '@oars/db';
import type { Receipt } from '@oars/receipts';
import { applyActionReceipts } from './actions/actions.projection';
import { insertReceipts } from './receipts/receipts.projection';

/**
 * Applies receipts (in stream order) to every read model: `receipts` and `actions`.
 * Idempotent: applying a receipt twice leaves the same rows. Callers that track a checkpoint MUST
 * call this in the transaction that moves the checkpoint (see `projectNextBatch`).
 */
export async function applyReceipts(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void> {
  await insertReceipts(tx, receipts);
  await applyActionReceipts(tx, receipts);
}

/** `applyReceipts` for one receipt. */
export async function applyReceipt(tx: SqlExecutor, receipt: Receipt): Promise<void> {
  await applyReceipts(tx, [receipt]);
}
