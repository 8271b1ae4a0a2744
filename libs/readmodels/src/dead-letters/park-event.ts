import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { lockCheckpoint, saveCheckpoint } from '../checkpoints/checkpoint.store';
import { storableExecutor } from '../storable-text';
import { recordDeadLetter } from './dead-letters.store';

/** `parked`: the event after the old position is a dead letter and the checkpoint is past it; `moved`: someone else moved the checkpoint first. */
export type ParkOutcome = { kind: 'parked' | 'moved'; position: number };

/**
 * Parks the event right after `position` of `stream`: records it in `projection_dead_letters` (with
 * `reason` and `attempts` failed tries) and moves the checkpoint past it, in ONE transaction and only
 * if the checkpoint is still `position`. The read models then go on with the next event.
 */
export async function parkNextEvent(store: EventStore, sql: SqlClient, stream: string, position: number, reason: string, attempts: number): Promise<ParkOutcome> {
  const [event] = await store.read(stream, { from: position + 1, limit: 1 });
  if (!event || event.sequence !== position + 1) throw new Error(`Stream ${stream}: no event at sequence ${position + 1} to park.`);
  return sql.transaction(async (tx): Promise<ParkOutcome> => {
    const current = await lockCheckpoint(tx, stream);
    if (current !== position) return { kind: 'moved', position: current };
    // The reason may quote the event's own text (NUL included): stored like any read-model text.
    await recordDeadLetter(storableExecutor(tx), { tenantId: stream, sequence: event.sequence, eventId: event.id, eventType: event.type, reason, attempts });
    await saveCheckpoint(tx, stream, event.sequence);
    return { kind: 'parked', position: event.sequence };
  });
}

/**
 * Moves the checkpoint of `stream` from `position` past the next event without applying it (a
 * replay passing over a dead letter it was told to leave parked). `moved` when it was not `position`.
 */
export async function passOverNextEvent(sql: SqlClient, stream: string, position: number): Promise<ParkOutcome> {
  return sql.transaction(async (tx): Promise<ParkOutcome> => {
    const current = await lockCheckpoint(tx, stream);
    if (current !== position) return { kind: 'moved', position: current };
    await saveCheckpoint(tx, stream, position + 1);
    return { kind: 'parked', position: position + 1 };
  });
}
