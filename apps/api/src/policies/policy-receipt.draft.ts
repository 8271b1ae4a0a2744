import type { PolicyEvent } from '@oars/domain';
import { type ReceiptDraft, randomHex32 } from '@oars/ledger';

/** The receipt of a policy event: no action, actor or resource; the facts are in `data`. */
export function policyReceiptDraft(event: PolicyEvent, receiptId: string, requestId: string): ReceiptDraft {
  return {
    receiptId,
    type: event.type,
    subject: event.subject,
    actionId: null,
    actor: null,
    resource: null,
    policy: null,
    risk: null,
    inputHash: null,
    telemetry: { traceId: `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId },
    data: event.data as unknown as Record<string, unknown>,
  };
}
