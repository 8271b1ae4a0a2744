import type { SqlClient } from '@oars/db';
import type { StoredEvent } from '@oars/eventstore';
import { saveReactorCheckpoint } from './reactor-checkpoints.store';
import { parkEvent } from './reactor-dead-letters.store';
import type { ReactorLogger } from './reactor-host';
import type { ReactorSlot } from './reactor-slot';
import type { ReactorCursor } from './reactor-status';

/** What one stream step of a reactor needs from its host. */
export interface StepEnv {
  sql: SqlClient;
  owner: string;
  logger: ReactorLogger;
  batchSize: number;
  coalesceMs: number;
  now: () => number;
  /** The events of a stream for a reactor from a sequence (the host's feed or the store). */
  read: (stream: string, from: number, slot: ReactorSlot) => Promise<StepRead>;
}

/**
 * What a read gave: consecutive events, or (`scannedTo` set) only the events of the reactor's types
 * among every event up to `scannedTo`.
 */
export interface StepRead {
  events: StoredEvent[];
  scannedTo?: number;
}

/**
 * One batch of one reactor on one stream: reads from its position, hands the gapless events to
 * `handle` (one by one) or `handleBatch`, retries or parks a failure, and moves the checkpoint.
 */
export async function runStreamStep(env: StepEnv, slot: ReactorSlot, stream: string): Promise<void> {
  const c = slot.cursor(stream);
  const signal = slot.abort.signal;
  let read: StepRead;
  try {
    read = await env.read(stream, c.position + 1, slot);
  } catch (err) {
    failed(env, slot, stream, c, err);
    return;
  }
  let events: StoredEvent[];
  let upTo: number;
  if (read.scannedTo !== undefined) {
    events = read.events;
    upTo = read.scannedTo;
  } else {
    events = [];
    for (const e of read.events) {
      if (e.sequence !== c.position + 1 + events.length) break;
      events.push(e);
    }
    if (read.events.length > 0 && events.length === 0) {
      failed(env, slot, stream, c, new Error(`stream gap: expected sequence ${c.position + 1}, found ${read.events[0]!.sequence}`));
      return;
    }
    upTo = events.length > 0 ? events[events.length - 1]!.sequence : c.position;
  }
  if (upTo <= c.position) {
    // Nothing new: store a position that moved past skipped events only, once it is due.
    if (c.unsavedSince && env.now() >= c.unsavedSince + SKIPPED_SAVE_DELAY_MS) await advance(env, slot, stream, c, c.position, c.position, 0, false);
    return;
  }
  const types = slot.reactor.eventTypes;
  const wanted = types ? events.filter((e) => types.includes(e.type)) : events;
  const from = c.position;
  let position = from;
  let current: StoredEvent | null = null;
  const ctx = slot.context(stream);
  try {
    if (slot.reactor.handleBatch && wanted.length > 0) {
      const last = wanted[wanted.length - 1]!.sequence;
      const done = handled(slot, stream, wanted, await slot.reactor.handleBatch(wanted, ctx));
      position = done === last ? upTo : done;
    } else {
      for (const event of wanted) {
        if (signal.aborted) break;
        current = event;
        await slot.reactor.handle?.(event, ctx);
        position = event.sequence;
        c.attempts = 0;
        c.problem = null;
      }
      if (!signal.aborted) position = upTo;
    }
    c.attempts = 0;
    c.problem = null;
    c.retryAt = 0;
  } catch (err) {
    const failing = current ?? wanted.find((e) => e.sequence > position)!;
    // Skipped events before the failing one are handled: the position moves to just before it.
    position = await eventFailed(env, slot, stream, c, failing, failing.sequence - 1, err);
  }
  await advance(env, slot, stream, c, from, position, read.events.length, wanted.length === 0);
}

/**
 * How long a typed reactor keeps a position that only skipped events moved before storing it: on a
 * busy stream its checkpoint would otherwise be written after every batch of other reactors' events
 * (one UPDATE per reactor per batch). A restart re-reads at most that much, skipping it again.
 */
export const SKIPPED_SAVE_DELAY_MS = 1000;

function handled(slot: ReactorSlot, stream: string, batch: readonly StoredEvent[], upTo: number): number {
  const last = batch[batch.length - 1]!.sequence;
  if (!Number.isInteger(upTo) || upTo < batch[0]!.sequence - 1 || upTo > last) {
    throw new Error(`reactor ${slot.name} answered ${upTo} for a batch ${batch[0]!.sequence}..${last} of ${stream}`);
  }
  return upTo;
}

/** The event after `position` failed: retried later, or parked once it had its tries. The new position. */
async function eventFailed(env: StepEnv, slot: ReactorSlot, stream: string, c: ReactorCursor, event: StoredEvent, position: number, err: unknown): Promise<number> {
  if (slot.abort.signal.aborted) return position;
  slot.retries++;
  c.attempts++;
  const reason = messageOf(err);
  if (c.attempts < slot.maxAttempts) {
    c.problem = `${reason} (try ${c.attempts}${Number.isFinite(slot.maxAttempts) ? ` of ${slot.maxAttempts}` : ''})`;
    c.retryAt = env.now() + slot.backoff(c.attempts);
    slot.dirty.add(stream);
    env.logger.warn({ reactor: slot.name, stream, sequence: event.sequence, attempts: c.attempts, err: reason }, 'reactors: event failed; will retry');
    return position;
  }
  try {
    await parkEvent(env.sql, slot.name, event, reason, c.attempts);
  } catch (parkErr) {
    c.problem = `cannot park event ${event.sequence}: ${messageOf(parkErr)} (it failed with: ${reason})`;
    c.retryAt = env.now() + slot.backoff(c.attempts);
    slot.dirty.add(stream);
    return position;
  }
  env.logger.error({ reactor: slot.name, stream, sequence: event.sequence, attempts: c.attempts, err: reason }, 'reactors: event parked as a dead letter; the stream goes on');
  slot.deadLetters++;
  c.attempts = 0;
  c.problem = null;
  c.retryAt = 0;
  slot.dirty.add(stream);
  return event.sequence;
}

/** Saves the checkpoint (only while the lease is held) and marks the stream for more when there is more. */
async function advance(env: StepEnv, slot: ReactorSlot, stream: string, c: ReactorCursor, from: number, position: number, read: number, skippedOnly: boolean): Promise<void> {
  if (position === from && !c.unsavedSince) {
    if (read > 0 && slot.reactor.handleBatch && !slot.abort.signal.aborted) slot.dirty.add(stream); // offered again (its readyAt paces it)
    return;
  }
  if (skippedOnly && position > from && !slot.reactor.loadPositions) {
    c.unsavedSince ||= env.now();
    if (env.now() < c.unsavedSince + SKIPPED_SAVE_DELAY_MS) {
      // Stored with a later batch, or by the host's next poll once it is due (never holding up new events).
      c.position = position;
      c.head = Math.max(c.head, position);
      coalesce(env, c, read);
      if (read >= env.batchSize || c.head > c.position) slot.dirty.add(stream);
      return;
    }
  }
  try {
    if (!slot.reactor.loadPositions && !(await saveReactorCheckpoint(env.sql, slot.name, env.owner, stream, position))) {
      if (slot.leased) {
        slot.lost();
        env.logger.warn({ reactor: slot.name, stream }, 'reactors: checkpoint refused, the lease is another instance\'s');
      }
      return;
    }
  } catch (err) {
    failed(env, slot, stream, c, err); // handled again from the stored checkpoint: at least once
    c.position = from;
    return;
  }
  c.position = position;
  c.unsavedSince = 0;
  c.head = Math.max(c.head, position);
  coalesce(env, c, read);
  if (read >= env.batchSize || c.head > c.position) slot.dirty.add(stream);
}

/**
 * After a batch that was not full, the stream waits `coalesceMs` so appends gather into a bigger
 * batch; after a full one there is at least a batch more to take, and it is taken at once.
 */
function coalesce(env: StepEnv, c: ReactorCursor, read: number): void {
  if (env.coalesceMs) c.retryAt = read >= env.batchSize ? 0 : env.now() + env.coalesceMs;
}

function failed(env: StepEnv, slot: ReactorSlot, stream: string, c: ReactorCursor, err: unknown): void {
  slot.retries++;
  c.attempts++;
  c.problem = messageOf(err);
  c.retryAt = env.now() + slot.backoff(c.attempts);
  slot.dirty.add(stream);
  env.logger.warn({ reactor: slot.name, stream, position: c.position, attempts: c.attempts, err: c.problem }, 'reactors: stream step failed; will retry');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
