import type { EventStore, StoredEvent } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';

/**
 * The receipt a stored event carries: the chain writer stores each signed receipt whole as the
 * event's `data`. The one place that reads a stored event as a receipt; verification of the chain
 * is the verifier's job, not this read's.
 */
export function receiptOf(event: Pick<StoredEvent, 'data'>): Receipt {
  return event.data as unknown as Receipt;
}

/** The latest receipt of an aggregate subject in the tenant's stream, or null when it has none. */
export async function latestReceipt(store: EventStore, tenantId: string, subject: string): Promise<Receipt | null> {
  const event = await store.lastBySubject(tenantId, subject);
  return event ? receiptOf(event) : null;
}
