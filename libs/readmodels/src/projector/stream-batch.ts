import type { SqlClient, SqlExecutor } from '@oars/db';
import type { EventStore, StoredEvent } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { type StreamCheckpoints, lockCheckpoints, lowestPosition, saveCheckpoints } from '../checkpoints/checkpoint.store';
import { parkedSequences } from '../dead-letters/dead-letters.store';
import { InvalidReceiptError } from '../errors';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS } from '../read-models.projection';
import { storableExecutor } from '../storable-text';
import { noteFailingProjection } from './failing-projection';

/** What one step of following a stream did. `checkpoints`: every projection's, after the step. */
export type BatchOutcome =
  /**
   * `count` events were applied to at least one projection (`receipts`, in order); `position` is the
   * lowest checkpoint now.
   */
  | { kind: 'applied'; position: number; count: number; receipts: readonly Receipt[]; checkpoints: StreamCheckpoints }
  /** Nothing after `position` in the stream. */
  | { kind: 'caught_up'; position: number }
  /** The next event read was `found`, not `position + 1`: nothing applied, read again later. */
  | { kind: 'gap'; position: number; found: number }
  /**
   * Someone else (another projector, a rebuild) moved the checkpoints: nothing to apply from the
   * position given; `position` is the lowest checkpoint now.
   */
  | { kind: 'moved'; position: number; checkpoints: StreamCheckpoints };

export interface NextBatchOptions {
  /** Where the events come from (default: a read of the store; the projector may use a StreamFeeds). */
  read?: (stream: string, from: number, limit: number) => Promise<StoredEvent[]>;
  /** The projections to follow (default READ_MODEL_PROJECTIONS). */
  projections?: readonly ReadModelProjection[];
}

/**
 * Reads the events after `position` (at most `batchSize`) and applies the gapless prefix in ONE
 * transaction that also moves the checkpoints, under a lock of the stream's checkpoint rows. Each
 * projection whose checkpoint is at or past `position` gets the receipts past its own checkpoint
 * (one behind `position` cannot: it misses events before them), so a projection that is behind
 * catches up while the others skip what they hold. A crash at any point leaves either the whole
 * batch or none of it. The commit does not wait for the WAL flush: a database crash may forget the
 * last batches, which are then read and applied again from the stream.
 */
export async function projectNextBatch(
  store: EventStore,
  sql: SqlClient,
  stream: string,
  position: number,
  batchSize: number,
  options: NextBatchOptions = {},
): Promise<BatchOutcome> {
  const projections = options.projections ?? READ_MODEL_PROJECTIONS;
  const read = options.read ?? ((s, from, limit) => store.read(s, { from, limit }));
  const events = await read(stream, position + 1, batchSize);
  if (events.length === 0) return { kind: 'caught_up', position };
  const gapless: StoredEvent[] = [];
  for (const event of events) {
    if (event.sequence !== position + 1 + gapless.length) break;
    gapless.push(event);
  }
  if (gapless.length === 0) return { kind: 'gap', position, found: events[0].sequence };
  return sql.transaction(async (tx): Promise<BatchOutcome> => {
    const checkpoints = await lockCheckpoints(tx, stream, projections.map((p) => p.name));
    const { moved, receipts } = await applyBatch(tx, stream, position, gapless, projections, checkpoints);
    const outcome = { position: lowestPosition(checkpoints), checkpoints };
    if (moved.size === 0) return { kind: 'moved', ...outcome };
    await saveCheckpoints(tx, stream, moved);
    return { kind: 'applied', count: gapless.length, receipts, ...outcome };
    // The rows and the checkpoints are lost together or not at all; a lost batch is applied again.
  }, { durable: false });
}

/**
 * Applies `events` (the ones after `from`) to each projection that can take them, past its own
 * checkpoint, and moves `checkpoints` (locked) to the last of them. Returns the checkpoints moved
 * and the receipts applied (to at least one projection). While the projections stand apart, an
 * event parked as a dead letter is left out of the ones catching up too (not even read as a
 * receipt), so every read model holds the same events, as after a rebuild.
 */
async function applyBatch(
  tx: SqlExecutor,
  stream: string,
  from: number,
  events: readonly StoredEvent[],
  projections: readonly ReadModelProjection[],
  checkpoints: Map<string, number>,
): Promise<{ moved: Map<string, number>; receipts: Receipt[] }> {
  const last = events[events.length - 1]!.sequence;
  const taking = participants(projections, checkpoints, from).filter((p) => checkpoints.get(p.name)! < last);
  const moved = new Map<string, number>();
  if (taking.length === 0) return { moved, receipts: [] };
  const apart = [...checkpoints.values()].some((position) => position > from);
  const parked = apart ? await parkedSequences(tx, stream, from + 1, last) : new Set<number>();
  const lowest = Math.min(...taking.map((p) => checkpoints.get(p.name)!));
  const receipts = events.filter((e) => e.sequence > lowest && !parked.has(e.sequence)).map((e) => receiptOf(stream, e));
  const storable = storableExecutor(tx);
  for (const projection of taking) {
    const after = checkpoints.get(projection.name)!;
    const own = receipts.filter((r) => r.sequence > after && !parked.has(r.sequence));
    try {
      if (own.length > 0) await projection.apply(storable, own);
    } catch (err) {
      throw noteFailingProjection(err, projection.name);
    }
    moved.set(projection.name, last);
    checkpoints.set(projection.name, last);
  }
  return { moved, receipts };
}

/**
 * The projections a batch of the events after `from` may be applied to: those at or past `from`,
 * without the ones that read a projection left out.
 */
function participants(projections: readonly ReadModelProjection[], checkpoints: StreamCheckpoints, from: number): ReadModelProjection[] {
  const taking = new Set<string>();
  for (const p of projections) {
    if ((checkpoints.get(p.name) ?? 0) >= from && (p.reads ?? []).every((r) => taking.has(r))) taking.add(p.name);
  }
  return projections.filter((p) => taking.has(p.name));
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
