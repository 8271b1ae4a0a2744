import type { SqlClient, SqlExecutor } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { type StreamCheckpoints, lockCheckpoints, lowestPosition, saveCheckpoints } from '../checkpoints/checkpoint.store';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS } from '../read-models.projection';
import { storableExecutor } from '../storable-text';
import { recordDeadLetter } from './dead-letters.store';

/**
 * `parked`: the event after the old position is a dead letter and the checkpoints that stood at the
 * old position are past it; `moved`: none stood there any more (someone else moved them first).
 * `position`: the lowest checkpoint now.
 */
export type ParkOutcome = { kind: 'parked' | 'moved'; position: number; checkpoints: StreamCheckpoints };

export interface ParkOptions {
  /** The projections followed (default READ_MODEL_PROJECTIONS). */
  projections?: readonly ReadModelProjection[];
  /** The read model that failed on the event, recorded with it. */
  failedProjection?: string | null;
}

/**
 * Parks the event right after `position` of `stream`: records it in `projection_dead_letters` (with
 * `reason` and `attempts` failed tries) and moves every checkpoint that is at `position` past it, in
 * ONE transaction, so every read model that had not applied it leaves it out alike. The read models
 * then go on with the next event.
 */
export async function parkNextEvent(store: EventStore, sql: SqlClient, stream: string, position: number, reason: string, attempts: number, options: ParkOptions = {}): Promise<ParkOutcome> {
  const [event] = await store.read(stream, { from: position + 1, limit: 1 });
  if (!event || event.sequence !== position + 1) throw new Error(`Stream ${stream}: no event at sequence ${position + 1} to park.`);
  return stepPast(sql, stream, position, options.projections, async (tx) => {
    // The reason may quote the event's own text (NUL included): stored like any read-model text.
    const failedProjection = options.failedProjection ?? null;
    await recordDeadLetter(storableExecutor(tx), { tenantId: stream, sequence: event.sequence, eventId: event.id, eventType: event.type, reason, attempts, failedProjection });
  });
}

/**
 * Moves the checkpoints of `stream` that are at `position` past the next event without applying it
 * (a replay passing over a dead letter it was told to leave parked). `moved` when none was there.
 */
export async function passOverNextEvent(sql: SqlClient, stream: string, position: number, projections?: readonly ReadModelProjection[]): Promise<ParkOutcome> {
  return stepPast(sql, stream, position, projections, async () => undefined);
}

/** Under the checkpoint lock: `record`, then every checkpoint at `position` to `position + 1`. */
async function stepPast(
  sql: SqlClient,
  stream: string,
  position: number,
  projections: readonly ReadModelProjection[] = READ_MODEL_PROJECTIONS,
  record: (tx: SqlExecutor) => Promise<void>,
): Promise<ParkOutcome> {
  return sql.transaction(async (tx): Promise<ParkOutcome> => {
    const checkpoints = await lockCheckpoints(tx, stream, projections.map((p) => p.name));
    const at = new Map([...checkpoints].filter(([, p]) => p === position).map(([name]) => [name, position + 1]));
    if (at.size === 0) return { kind: 'moved', position: lowestPosition(checkpoints), checkpoints };
    await record(tx);
    await saveCheckpoints(tx, stream, at);
    for (const [name, p] of at) checkpoints.set(name, p);
    return { kind: 'parked', position: lowestPosition(checkpoints), checkpoints };
  });
}
