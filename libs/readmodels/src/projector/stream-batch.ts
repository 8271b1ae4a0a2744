import type { SqlClient } from '@oars/db';
import type { EventStore, StoredEvent } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { lockCheckpoint, saveCheckpoint } from '../checkpoints/checkpoint.store';
import { InvalidReceiptError } from '../errors';
import { applyReceipts } from '../read-models.projection';

/** What one step of following a stream did. */
export type BatchOutcome =
  /** `count` events were applied (`receipts`, in order); the checkpoint is now `position`. */
  | { kind: 'applied'; position: number; count: number; receipts: readonly Receipt[] }
  /** Nothing after `position` in the stream. */
  | { kind: 'caught_up'; position: number }
  /** The next event read was `found`, not `position + 1`: nothing applied, read again later. */
  | { kind: 'gap'; position: number; found: number }
  /** Someone else (another projector, a rebuild) moved the checkpoint to `position`: nothing applied. */
  | { kind: 'moved'; position: number };

/**
 * Reads the events after `position` (at most `batchSize`) and applies the gapless prefix to the read
 * models in ONE transaction that also moves the checkpoint, after checking under a row lock that the
 * checkpoint is still `position`. A crash at any point leaves either the whole batch or none of it.
 * The commit does not wait for the WAL flush: a database crash may forget the last batches, which
 * are then read and applied again from the stream.
 */
export async function projectNextBatch(
  store: EventStore,
  sql: SqlClient,
  stream: string,
  position: number,
  batchSize: number,
  /** Where the events come from (default: a read of the store; the projector may use a StreamFeeds). */
  read: (stream: string, from: number, limit: number) => Promise<StoredEvent[]> = (s, from, limit) => store.read(s, { from, limit }),
): Promise<BatchOutcome> {
  const events = await read(stream, position + 1, batchSize);
  if (events.length === 0) return { kind: 'caught_up', position };
  const gapless: StoredEvent[] = [];
  for (const event of events) {
    if (event.sequence !== position + 1 + gapless.length) break;
    gapless.push(event);
  }
  if (gapless.length === 0) return { kind: 'gap', position, found: events[0].sequence };
  const receipts = gapless.map((e) => receiptOf(stream, e));
  const last = gapless[gapless.length - 1].sequence;
  return sql.transaction(async (tx): Promise<BatchOutcome> => {
    const current = await lockCheckpoint(tx, stream);
    if (current !== position) return { kind: 'moved', position: current };
    await applyReceipts(tx, receipts);
    await saveCheckpoint(tx, stream, last);
    return { kind: 'applied', position: last, count: gapless.length, receipts };
    // The rows and the checkpoint are lost together or not at all; a lost batch is applied again.
  }, { durable: false });
}

/** The receipt an event carries; it MUST name the event's stream (tenant) and position. */
export function receiptOf(stream: string, event: StoredEvent): Receipt {
  const receipt = event.data as unknown as Receipt;
  if (typeof receipt?.receiptId !== 'string' || typeof receipt.type !== 'string') {
    throw new InvalidReceiptError(stream, event.sequence, 'receiptId and type are required');
  }
  if (receipt.tenantId !== stream) {
    throw new InvalidReceiptError(stream, event.sequence, `tenantId ${String(receipt.tenantId)} is not the stream's`);
  }
  if (receipt.sequence !== event.sequence) {
    throw new InvalidReceiptError(stream, event.sequence, `sequence ${String(receipt.sequence)} is not the event's`);
  }
  return receipt;
}
