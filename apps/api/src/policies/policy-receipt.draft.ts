import type { PolicyEvent } from '@oars/domain';
import { type ReceiptDraft, aggregateDraft, newTelemetry } from '@oars/ledger';

/** The receipt of a policy event: no action, actor or resource; the facts are in `data`. */
export function policyReceiptDraft(event: PolicyEvent, receiptId: string, requestId: string): ReceiptDraft {
  return { ...aggregateDraft(receiptId, event.type, event.subject, event.data as unknown as Record<string, unknown>), telemetry: newTelemetry(requestId) };
}
