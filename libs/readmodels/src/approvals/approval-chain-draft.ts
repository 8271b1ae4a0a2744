import { type ReceiptDraft, randomHex32 } from '@oars/ledger';
import type { Receipt, ReceiptPolicy, ReceiptRisk } from '@oars/receipts';

export interface ActionChainEntry {
  receiptId: string;
  type: string;
  data: Record<string, unknown>;
  /** The policy facts to carry (default: those of the action's last receipt). */
  policy?: ReceiptPolicy | null;
  risk?: ReceiptRisk | null;
}

/**
 * Drafts that continue an action's chain after `last` (its latest stored receipt): the same subject,
 * actor, resource, input hash and — unless given — policy and risk; the first draft links to `last`
 * and each later one to the draft before it.
 */
export function actionChainDrafts(last: Receipt, entries: readonly ActionChainEntry[], requestId: string | null): ReceiptDraft[] {
  const actionId = last.actionId!;
  return entries.map((e, i) => ({
    receiptId: e.receiptId,
    type: e.type,
    subject: `action.${actionId}`,
    actionId,
    actor: last.actor,
    resource: last.resource,
    policy: e.policy !== undefined ? e.policy : last.policy,
    risk: e.risk !== undefined ? e.risk : last.risk,
    inputHash: last.inputHash,
    telemetry: { traceId: last.telemetry?.traceId ?? `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId },
    data: e.data,
    ...(i === 0 ? { prevReceiptHash: last.integrity.receiptHash } : {}),
  }));
}
