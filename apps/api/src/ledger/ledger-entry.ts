import type { EventStore, StoredEvent } from '@oars/eventstore';
import { type Receipt, hashCanonical } from '@oars/receipts';

/**
 * One entry of the OARS v1 ledger (reference §2.8), as a receipt of the tenant stream: the stream is
 * the ledger, so the entry's chain fields are the receipt's own (`prevEntryHash` its prevEventHash,
 * `entryHash` its receiptHash) and the entry is signed, which v1's was not.
 */
export interface LedgerEntry {
  /** The receipt's id: one receipt is one entry. */
  entryId: string;
  sequence: number;
  tenantId: string;
  entityType: 'receipt';
  entityId: string;
  occurredAt: string | null;
  /** The writer stamps a receipt when it appends it: the same time as occurredAt. */
  appendedAt: string | null;
  prevEntryHash: string | null;
  /** sha256 of the canonical payload (RFC 8785), as v1 computes it. */
  payloadHash: string | null;
  entryHash: string | null;
  payload: unknown;
}

export function ledgerEntryOf(event: StoredEvent): LedgerEntry {
  const r = event.data as Partial<Receipt>;
  const timestamp = typeof r.timestamp === 'string' ? r.timestamp : null;
  let payloadHash: string | null = null;
  try {
    payloadHash = hashCanonical(event.data);
  } catch {
    // not canonicalisable: the entry is shown, the integrity verifier reports the receipt
  }
  return {
    entryId: typeof r.receiptId === 'string' ? r.receiptId : event.id,
    sequence: event.sequence,
    tenantId: event.stream,
    entityType: 'receipt',
    entityId: typeof r.receiptId === 'string' ? r.receiptId : event.id,
    occurredAt: timestamp,
    appendedAt: timestamp,
    prevEntryHash: typeof r.integrity?.prevEventHash === 'string' ? r.integrity.prevEventHash : null,
    payloadHash,
    entryHash: typeof r.integrity?.receiptHash === 'string' ? r.integrity.receiptHash : null,
    payload: event.data,
  };
}

/**
 * A page of a tenant's entries before `beforeSequence` (default: after the head), newest first, read
 * from the stream itself. `total` is the stream's length; `nextBeforeSequence` asks for the page after.
 */
export async function listLedgerEntries(store: EventStore, tenantId: string, limit: number, beforeSequence?: number) {
  const head = (await store.head(tenantId)).sequence;
  const end = Math.min(head, (beforeSequence ?? head + 1) - 1);
  const start = Math.max(1, end - limit + 1);
  const events = end < 1 ? [] : await store.read(tenantId, { from: start, to: end, limit });
  const items = events.reverse().map(ledgerEntryOf);
  return { items, total: head, nextBeforeSequence: start > 1 && end >= 1 ? start : null };
}
